// Payments over Spark, through Tether's WDK (`WalletAccountSpark`, spark-sdk 0.5.1): Lightning invoices
// in, Lightning payments out, from the wallet the user's recovery words derive. The wallet is opened on
// first use only (it contacts Spark operators), and every SDK failure becomes a PaymentError.
import type { LightningSendRequest, WalletAccountSpark } from '@tetherto/wdk-wallet-spark';
import { decodeInvoice, type DecodedInvoice } from './bolt11-invoice.js';
import {
  alreadyPaid,
  checkInvoiceRequest,
  checkPayOptions,
  feeTooHigh,
  invoiceExpired,
  PaymentError,
  type Invoice,
  type InvoiceRequest,
  type InvoiceStatus,
  type PaymentNetwork,
  type PayOptions,
  type Payment,
  type PaymentQuote,
  type PaymentRail,
} from './payment-rail.js';
import { paymentErrorFromSpark, type SparkStep } from './spark-errors.js';
import { invoiceStatusFrom, parseTime, paymentStateFrom, toSats } from './spark-status.js';

/** The Spark networks Tzimtzum pays on: real money, or Lightspark's hosted regtest for checks. */
export type SparkNetwork = 'MAINNET' | 'REGTEST';

/** The part of WDK's `WalletAccountSpark` the rail uses (tests inject one built on a fake Spark wallet). */
export type SparkAccount = Pick<
  WalletAccountSpark,
  | 'createLightningInvoice'
  | 'getLightningReceiveRequest'
  | 'getLightningSendRequest'
  | 'payLightningInvoice'
  | 'quotePayLightningInvoice'
  | 'dispose'
>;

/** Where the wallet's recovery words come from (an `Identity`: the same words as the peer identity). */
export interface WalletWords {
  walletMnemonic(): string;
}

/** Opens the Spark account for some words; the default goes through WDK and contacts the network. */
export type OpenSparkAccount = (mnemonic: string, options: { network: SparkNetwork; accountIndex: number }) => Promise<SparkAccount>;

/** How a Spark rail is set up. */
export interface SparkRailOptions {
  words: WalletWords;
  network: SparkNetwork;
  /** The BIP-44 account index of the wallet; 0 unless the user chose another. */
  accountIndex?: number;
  openAccount?: OpenSparkAccount;
  now?: () => number;
}

/**
 * Opens the account as WDK's `WalletManagerSpark.getAccount` does (`WalletAccountSpark.at`, standard BIP-39
 * seed, BIP-44 account index), so the same words show the same funds in any WDK wallet.
 */
export const openWdkSparkAccount: OpenSparkAccount = async (mnemonic, { network, accountIndex }) => {
  // Loaded here, not at the top: the SDK is large and only needed once the user pays or sells.
  const { WalletAccountSpark } = await import('@tetherto/wdk-wallet-spark');
  return WalletAccountSpark.at(mnemonic, accountIndex, { network });
};

const NETWORKS: Record<SparkNetwork, PaymentNetwork> = { MAINNET: 'mainnet', REGTEST: 'regtest' };
// A send in progress, or one whose reply was lost: either way, paying again could pay twice.
const IN_FLIGHT = Symbol('in flight');

/** A `PaymentRail` over a Spark wallet. */
export class SparkRail implements PaymentRail {
  readonly network: PaymentNetwork;
  readonly #words: WalletWords;
  readonly #sparkNetwork: SparkNetwork;
  readonly #accountIndex: number;
  readonly #openAccount: OpenSparkAccount;
  readonly #now: () => number;
  #account: Promise<SparkAccount> | null = null;
  // Payment hash → the send for it, so this rail never sends twice for one invoice (Spark has no
  // idempotency key). Durable "in flight" records across restarts are the caller's, keyed by the hash.
  readonly #sends = new Map<string, string | typeof IN_FLIGHT>();
  #closed = false;

  constructor(options: SparkRailOptions) {
    if (!(options.network in NETWORKS)) {
      throw new PaymentError('invalid-request', `Unknown Spark network ${String(options.network)}: use MAINNET or REGTEST.`);
    }
    this.network = NETWORKS[options.network];
    this.#words = options.words;
    this.#sparkNetwork = options.network;
    this.#accountIndex = options.accountIndex ?? 0;
    this.#openAccount = options.openAccount ?? openWdkSparkAccount;
    this.#now = options.now ?? Date.now;
  }

  async createInvoice(request: InvoiceRequest): Promise<Invoice> {
    const { amountSats, memo, expirySeconds } = checkInvoiceRequest(request);
    // Always a short expiry (the SDK's default is 30 days) and never `includeSparkAddress`: a payment to
    // the embedded Spark address would not be matched to this invoice.
    const created = await this.#call('creating an invoice', (account) =>
      account.createLightningInvoice({ amountSats, memo, expirySeconds }),
    );
    const decoded = await this.#decodeOwn(created.invoice.encodedInvoice);
    if (decoded.amountSats !== amountSats || decoded.paymentHash !== created.invoice.paymentHash) {
      throw new PaymentError(
        'unavailable',
        'The Spark wallet service returned an invoice that does not match the request. Nothing was sold; try again later.',
      );
    }
    return {
      id: created.id,
      bolt11: created.invoice.encodedInvoice,
      paymentHash: decoded.paymentHash,
      amountSats,
      createdAt: parseTime(created.invoice.createdAt) ?? decoded.createdAt,
      expiresAt: parseTime(created.invoice.expiresAt) ?? decoded.expiresAt,
    };
  }

  async invoiceStatus(invoiceId: string): Promise<InvoiceStatus> {
    const request = await this.#call('checking a status', (account) => account.getLightningReceiveRequest(invoiceId));
    if (request === null) throw notFound('invoice', invoiceId);
    const fallbackExpiry =
      parseTime(request.invoice.expiresAt) === null ? (await this.#decodeOwn(request.invoice.encodedInvoice)).expiresAt : 0;
    return invoiceStatusFrom(request, this.#now(), fallbackExpiry);
  }

  async quotePayment(bolt11: string): Promise<PaymentQuote> {
    const decoded = await this.#decodeOpen(bolt11);
    const feeSats = await this.#estimateFee(decoded);
    const { amountSats, paymentHash, expiresAt, memo } = decoded;
    return { amountSats, feeSats, paymentHash, expiresAt, memo };
  }

  async pay(bolt11: string, options: PayOptions): Promise<Payment> {
    const { maxFeeSats } = checkPayOptions(options);
    const decoded = await this.#decodeOpen(bolt11);
    const hash = decoded.paymentHash;
    const previous = this.#sends.get(hash);
    if (previous === IN_FLIGHT) throw alreadyPaid();
    this.#sends.set(hash, IN_FLIGHT); // claimed with no await since the check, so a concurrent pay is refused
    let sent: LightningSendRequest;
    let feeSats: number;
    try {
      if (previous !== undefined && (await this.paymentStatus(previous)).state !== 'failed') throw alreadyPaid();
      feeSats = await this.#estimateFee(decoded);
      if (feeSats > maxFeeSats) throw feeTooHigh(feeSats, maxFeeSats);
      sent = await this.#call('sending', (account) => account.payLightningInvoice({ invoice: decoded.bolt11, maxFeeSats }), {
        maxFeeSats,
      });
    } catch (err) {
      const error = err instanceof PaymentError ? err : paymentErrorFromSpark(err, 'sending', { maxFeeSats });
      // Nothing new was sent unless the error says it may have been: keep what was known before.
      if (error.maybeSent) this.#sends.set(hash, IN_FLIGHT);
      else if (previous !== undefined) this.#sends.set(hash, previous);
      else this.#sends.delete(hash);
      throw error;
    }
    this.#sends.set(hash, sent.id);
    return paymentFrom(sent, decoded, feeSats);
  }

  async paymentStatus(paymentId: string): Promise<Payment> {
    const request = await this.#call('checking a status', (account) => account.getLightningSendRequest(paymentId));
    if (request === null) throw notFound('payment', paymentId);
    return paymentFrom(request, await this.#decodeOwn(request.encodedInvoice), 0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const opening = this.#account;
    this.#account = null;
    if (opening === null) return;
    try {
      (await opening).dispose(); // erases the account's keys; WDK catches its own connection cleanup errors
    } catch {
      // The account never opened: there is nothing to release.
    }
  }

  // Opens the account once; a failed open is forgotten so the next call retries it.
  async #open(): Promise<SparkAccount> {
    if (this.#closed) throw new PaymentError('unavailable', 'This wallet connection was closed. Reopen the wallet to pay.');
    if (this.#account === null) {
      const opening = this.#openAccount(this.#words.walletMnemonic(), {
        network: this.#sparkNetwork,
        accountIndex: this.#accountIndex,
      });
      this.#account = opening;
      opening.catch(() => {
        if (this.#account === opening) this.#account = null;
      });
    }
    try {
      return await this.#account;
    } catch (err) {
      throw paymentErrorFromSpark(err, 'opening the wallet');
    }
  }

  async #call<T>(step: SparkStep, use: (account: SparkAccount) => Promise<T>, context: { maxFeeSats?: number } = {}): Promise<T> {
    const account = await this.#open();
    try {
      return await use(account);
    } catch (err) {
      throw paymentErrorFromSpark(err, step, context);
    }
  }

  async #estimateFee(decoded: DecodedInvoice): Promise<number> {
    const fee = await this.#call('quoting', (account) => account.quotePayLightningInvoice({ encodedInvoice: decoded.bolt11 }));
    const feeSats = Number(fee);
    if (!Number.isSafeInteger(feeSats) || feeSats < 0) {
      throw new PaymentError('unavailable', 'The Spark wallet service quoted an impossible fee. Nothing was paid; try again later.');
    }
    return feeSats;
  }

  // An invoice the buyer wants to pay: valid for this network and not yet expired.
  async #decodeOpen(bolt11: string): Promise<DecodedInvoice> {
    const decoded = await decodeInvoice(bolt11, this.network);
    if (this.#now() >= decoded.expiresAt) throw invoiceExpired(decoded.expiresAt);
    return decoded;
  }

  // An invoice the SDK handed back: if it does not decode, the service (not the user) is at fault.
  async #decodeOwn(bolt11: string): Promise<DecodedInvoice> {
    try {
      return await decodeInvoice(bolt11, this.network);
    } catch (err) {
      throw new PaymentError('unavailable', 'The Spark wallet service returned an unreadable invoice. Try again later.', {
        cause: err,
      });
    }
  }
}

// `quotedFeeSats` stands in when the SDK reports the fee in a unit that is not Bitcoin.
function paymentFrom(request: LightningSendRequest, decoded: DecodedInvoice, quotedFeeSats: number): Payment {
  const payment: Payment = {
    id: request.id,
    paymentHash: decoded.paymentHash,
    amountSats: decoded.amountSats,
    ...paymentStateFrom(request.status),
    feeSats: toSats(request.fee) ?? quotedFeeSats,
    railStatus: request.status,
  };
  if (payment.state === 'succeeded' && request.paymentPreimage !== undefined && request.paymentPreimage !== '') {
    payment.preimage = request.paymentPreimage;
  }
  return payment;
}

function notFound(kind: 'invoice' | 'payment', id: string): PaymentError {
  return new PaymentError(
    'not-found',
    `The Spark wallet has no ${kind} with id ${id}. It may belong to another wallet; check which recovery words are in use.`,
  );
}
