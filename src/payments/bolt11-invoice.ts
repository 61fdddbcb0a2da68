// Reading a BOLT11 string the buyer was handed, before any money moves: both rails check the network,
// the amount and the expiry locally, so a bad invoice is refused the same way whichever rail pays it.
import type Bolt11 from 'bolt11';
import { PaymentError, type PaymentNetwork } from './payment-rail.js';

let library: Promise<typeof Bolt11> | null = null;

/**
 * The BOLT11 library, loaded on first use: loading it costs 90-160 ms in Node and ~65 ms bundled, as much
 * as the whole replication stack, on every start of the CLI and of the plugin's peer, and most sessions
 * never read or make an invoice.
 */
export function bolt11Library(): Promise<typeof Bolt11> {
  library ??= import('bolt11').then((module: { default?: typeof Bolt11 } & typeof Bolt11) => module.default ?? module);
  return library;
}

/** The facts of a BOLT11 invoice that paying it depends on. */
export interface DecodedInvoice {
  bolt11: string;
  network: PaymentNetwork;
  amountSats: number;
  paymentHash: string;
  createdAt: number;
  expiresAt: number;
  memo: string;
  /** The node key recovered from the signature (hex, compressed secp256k1). */
  payeeNodeKey: string;
}

/** The bech32 prefix of each network's invoices (`lnbc…`, `lnbcrt…`). */
export const NETWORK_PREFIX: Record<PaymentNetwork, string> = { mainnet: 'bc', regtest: 'bcrt' };
// BOLT11: an invoice without an `x` tag expires an hour after its timestamp.
const DEFAULT_EXPIRY_SECONDS = 3600;
const HEX_32 = /^[0-9a-f]{64}$/u;

/** Decodes and checks an invoice for `network`; throws `PaymentError('invalid-invoice')` saying what is wrong. */
export async function decodeInvoice(text: string, network: PaymentNetwork): Promise<DecodedInvoice> {
  const bolt11 = await bolt11Library();
  const trimmed = typeof text === 'string' ? text.trim().toLowerCase().replace(/^lightning:/u, '') : '';
  let decoded: ReturnType<typeof bolt11.decode>;
  try {
    decoded = bolt11.decode(trimmed);
  } catch (err) {
    throw invalid('This is not a Lightning invoice (BOLT11) or it is damaged. Copy the whole invoice again.', err);
  }
  if (decoded.network?.bech32 !== NETWORK_PREFIX[network]) {
    throw invalid(
      `This invoice is for another Bitcoin network (prefix "ln${decoded.network?.bech32 ?? '?'}"); ` +
        `this wallet pays ${network} invoices ("ln${NETWORK_PREFIX[network]}…"). Ask the seller for a ${network} invoice.`,
    );
  }
  const msats = decoded.millisatoshis;
  if (msats === null || msats === undefined || !/^[1-9][0-9]*$/u.test(msats)) {
    throw invalid('This invoice does not name an amount. Paid notes need an invoice for the exact price; ask for a new one.');
  }
  if (!msats.endsWith('000') || !Number.isSafeInteger(Number(msats) / 1000)) {
    throw invalid('This invoice asks for a fraction of a sat, which this wallet does not pay. Ask for an invoice in whole sats.');
  }
  const paymentHash = decoded.tagsObject.payment_hash;
  if (paymentHash === undefined || !HEX_32.test(paymentHash)) {
    throw invalid('This invoice has no valid payment hash. Ask the seller for a new invoice.');
  }
  const timestamp = decoded.timestamp ?? 0;
  const expirySeconds = decoded.tagsObject.expire_time ?? DEFAULT_EXPIRY_SECONDS;
  return {
    bolt11: trimmed,
    network,
    amountSats: Number(msats) / 1000,
    paymentHash,
    createdAt: timestamp * 1000,
    expiresAt: (timestamp + expirySeconds) * 1000,
    memo: decoded.tagsObject.description ?? '',
    payeeNodeKey: decoded.payeeNodeKey ?? '',
  };
}

function invalid(message: string, cause?: unknown): PaymentError {
  return new PaymentError('invalid-invoice', message, { cause });
}
