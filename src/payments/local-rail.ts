// One wallet's view of the local ledger, with the faults a real network produces, switchable at run time
// so randomized tests can drop connections, fail routes and delay settlement.
import { LocalLedger } from './local-ledger.js';
import {
  checkInvoiceRequest,
  checkPayOptions,
  PaymentError,
  type Invoice,
  type InvoiceRequest,
  type InvoiceStatus,
  type PayOptions,
  type Payment,
  type PaymentQuote,
  type PaymentRail,
} from './payment-rail.js';

/** Faults a local rail injects; change them on `rail.faults` at any time. */
export interface LocalRailFaults {
  /** Every call fails with `offline`, as if this machine had no network. */
  offline?: boolean;
  /** The next payment is sent but fails in flight (no route); its sats return to the wallet. */
  failNextPay?: boolean;
  /** The next payment is sent but its reply is lost: `pay` throws `offline` with `maybeSent`. */
  dropNextPayReply?: boolean;
  /** Payments settle this long after they are sent (0: at once). */
  delaySettleMs?: number;
  /** The next N status queries fail with `offline` (the ledger itself moves on). */
  dropStatusReplies?: number;
}

/** How a local rail is set up. */
export interface LocalRailOptions {
  ledger: LocalLedger;
  /** The wallet this rail spends from and issues invoices to. */
  wallet: string;
  faults?: LocalRailFaults;
}

/** A `PaymentRail` on the local ledger: real regtest invoices, test money. */
export class LocalRail implements PaymentRail {
  readonly network = 'regtest' as const;
  readonly ledger: LocalLedger;
  readonly wallet: string;
  faults: LocalRailFaults;
  #closed = false;

  constructor(options: LocalRailOptions) {
    if (typeof options.wallet !== 'string' || options.wallet === '') {
      throw new PaymentError('invalid-request', 'A local wallet needs a name.');
    }
    this.ledger = options.ledger;
    this.wallet = options.wallet;
    this.faults = { ...options.faults };
  }

  /** This wallet's spendable balance on the ledger. */
  async balanceSats(): Promise<number> {
    this.#reach();
    return this.ledger.balanceSats(this.wallet);
  }

  async createInvoice(request: InvoiceRequest): Promise<Invoice> {
    const checked = checkInvoiceRequest(request);
    this.#reach();
    return this.ledger.createInvoice(this.wallet, checked);
  }

  async invoiceStatus(invoiceId: string): Promise<InvoiceStatus> {
    this.#reach();
    this.#dropStatusReply();
    return this.ledger.invoiceStatus(this.wallet, invoiceId);
  }

  async quotePayment(bolt11: string): Promise<PaymentQuote> {
    this.#reach();
    return this.ledger.quote(bolt11);
  }

  async pay(bolt11: string, options: PayOptions): Promise<Payment> {
    const { maxFeeSats } = checkPayOptions(options);
    this.#reach();
    const fail = this.faults.failNextPay === true;
    const dropReply = this.faults.dropNextPayReply === true;
    const payment = await this.ledger.pay(this.wallet, bolt11, {
      maxFeeSats,
      settleDelayMs: this.faults.delaySettleMs ?? 0,
      fail,
    });
    // A fault is used up only by a payment that was actually sent.
    if (fail) this.faults.failNextPay = false;
    if (dropReply) {
      this.faults.dropNextPayReply = false;
      throw new PaymentError(
        'offline',
        'The connection dropped while paying, so it is not known whether the payment went through. ' +
          'Check the purchase before paying again.',
        { maybeSent: true },
      );
    }
    return payment;
  }

  async paymentStatus(paymentId: string): Promise<Payment> {
    this.#reach();
    this.#dropStatusReply();
    return this.ledger.paymentStatus(this.wallet, paymentId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #reach(): void {
    if (this.#closed) throw new PaymentError('unavailable', 'This wallet connection was closed. Reopen the wallet to pay.');
    if (this.faults.offline === true) {
      throw new PaymentError('offline', 'The payment network cannot be reached. Check your internet connection and try again.');
    }
  }

  #dropStatusReply(): void {
    const drops = this.faults.dropStatusReplies ?? 0;
    if (drops <= 0) return;
    this.faults.dropStatusReplies = drops - 1;
    throw new PaymentError('offline', 'The payment network did not answer in time. Try again in a moment.');
  }
}
