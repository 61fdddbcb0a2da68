// What the local ledger records, how it is checked when read back from a file, and how in-flight
// payments settle as the clock moves. Kept as plain JSON so two processes can share it through a file.
import { damaged } from './ledger-file.js';

/** An invoice on the local ledger; the payee's node knows its preimage, as a Lightning node would. */
export interface LedgerInvoice {
  id: string;
  wallet: string;
  bolt11: string;
  paymentHash: string;
  preimage: string;
  nodeKey: string;
  amountSats: number;
  memo: string;
  createdAt: number;
  expiresAt: number;
  paidAt: number | null;
  /** The payment in flight or settled for this invoice; `null` while nobody is paying it. */
  paymentId: string | null;
}

/** A payment on the local ledger: sent at `startedAt`, resolved at `settlesAt`. */
export interface LedgerPayment {
  id: string;
  wallet: string;
  invoiceId: string;
  paymentHash: string;
  amountSats: number;
  feeSats: number;
  startedAt: number;
  settlesAt: number;
  /** Decided when the payment is sent (fault injection), revealed at `settlesAt`. */
  outcome: 'settle' | 'fail';
  state: 'pending' | 'succeeded' | 'failed';
  failure: string | null;
}

/** The whole ledger. Sats are conserved: minted = balances + fees paid + amounts and fees in flight. */
export interface LedgerState {
  version: 1;
  mintedSats: number;
  feesPaidSats: number;
  balances: Record<string, number>;
  invoices: Record<string, LedgerInvoice>;
  payments: Record<string, LedgerPayment>;
}

/** The message a payment that failed in flight carries. */
export const ROUTE_FAILURE =
  'The payment could not reach the seller (no route) and was cancelled; the sats are back in your wallet. Try again later.';

/** A ledger with no money and no invoices. */
export function emptyState(): LedgerState {
  return { version: 1, mintedSats: 0, feesPaidSats: 0, balances: {}, invoices: {}, payments: {} };
}

/** Resolves every payment whose settlement time has come: credits the payee, or refunds the payer. */
export function settleDue(state: LedgerState, now: number): void {
  for (const payment of Object.values(state.payments)) {
    if (payment.state !== 'pending' || payment.settlesAt > now) continue;
    const invoice = state.invoices[payment.invoiceId];
    if (payment.outcome === 'settle' && invoice !== undefined) {
      payment.state = 'succeeded';
      invoice.paidAt = payment.settlesAt;
      state.balances[invoice.wallet] = (state.balances[invoice.wallet] ?? 0) + payment.amountSats;
      state.feesPaidSats += payment.feeSats;
    } else {
      payment.state = 'failed';
      payment.failure = ROUTE_FAILURE;
      if (invoice !== undefined && invoice.paymentId === payment.id) invoice.paymentId = null;
      state.balances[payment.wallet] = (state.balances[payment.wallet] ?? 0) + payment.amountSats + payment.feeSats;
    }
  }
}

/** Checks a ledger read back from `file`; anything unexpected means the file is damaged. */
export function parseState(value: unknown, file: string): LedgerState {
  if (
    !isRecord(value) ||
    value.version !== 1 ||
    !isSats(value.mintedSats) ||
    !isSats(value.feesPaidSats) ||
    !isRecord(value.balances) ||
    !Object.values(value.balances).every(isSats) ||
    !isRecord(value.invoices) ||
    !Object.entries(value.invoices).every(([id, invoice]) => isInvoice(invoice) && invoice.id === id) ||
    !isRecord(value.payments) ||
    !Object.entries(value.payments).every(([id, payment]) => isPayment(payment) && payment.id === id)
  ) {
    throw damaged(file);
  }
  return value as unknown as LedgerState;
}

function isInvoice(value: unknown): value is LedgerInvoice {
  return (
    isRecord(value) &&
    isText(value.id) &&
    isText(value.wallet) &&
    isText(value.bolt11) &&
    isHex32(value.paymentHash) &&
    isHex32(value.preimage) &&
    isText(value.nodeKey) &&
    isSats(value.amountSats) &&
    typeof value.memo === 'string' &&
    isSats(value.createdAt) &&
    isSats(value.expiresAt) &&
    (value.paidAt === null || isSats(value.paidAt)) &&
    (value.paymentId === null || isText(value.paymentId))
  );
}

function isPayment(value: unknown): value is LedgerPayment {
  return (
    isRecord(value) &&
    isText(value.id) &&
    isText(value.wallet) &&
    isText(value.invoiceId) &&
    isHex32(value.paymentHash) &&
    isSats(value.amountSats) &&
    isSats(value.feeSats) &&
    isSats(value.startedAt) &&
    isSats(value.settlesAt) &&
    (value.outcome === 'settle' || value.outcome === 'fail') &&
    (value.state === 'pending' || value.state === 'succeeded' || value.state === 'failed') &&
    (value.failure === null || typeof value.failure === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isSats(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isHex32(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/u.test(value);
}
