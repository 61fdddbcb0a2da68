// The one seam between paid notes and money: an author's rail issues invoices, a buyer's rail pays them.
// Two implementations sit behind it (a local ledger and Spark), and both pass the same contract tests.
// Amounts are whole sats (integers) everywhere; times are milliseconds since the epoch.

/** Which Bitcoin network a rail's invoices belong to (`lnbc…` on mainnet, `lnbcrt…` on regtest). */
export type PaymentNetwork = 'mainnet' | 'regtest';

/** What the author asks for: a price, a line the buyer's wallet shows, and how long the offer stands. */
export interface InvoiceRequest {
  amountSats: number;
  memo: string;
  /** Defaults to `DEFAULT_INVOICE_EXPIRY_SECONDS`; never more than `MAX_INVOICE_EXPIRY_SECONDS`. */
  expirySeconds?: number;
}

/** A Lightning invoice the author's rail issued. */
export interface Invoice {
  id: string;
  bolt11: string;
  /** sha256 of the preimage, 64 lowercase hex characters; the same value the BOLT11 string carries. */
  paymentHash: string;
  amountSats: number;
  createdAt: number;
  expiresAt: number;
}

/** Whether an invoice has been paid. A payment that settles after `expiresAt` still counts as `paid`. */
export interface InvoiceStatus {
  state: 'pending' | 'paid' | 'expired';
  paidAt?: number;
  /** Hex preimage, when the rail reveals it (sha256 of it is the payment hash). */
  preimage?: string;
  /** The rail's own word for the state (e.g. a Spark SDK status), for logs and support. */
  railStatus?: string;
}

/** What paying an invoice will cost, shown to the buyer before they pay. */
export interface PaymentQuote {
  amountSats: number;
  feeSats: number;
  paymentHash: string;
  expiresAt: number;
  memo: string;
}

/** How a buyer pays: the most they accept to spend on routing fees. */
export interface PayOptions {
  maxFeeSats: number;
}

/** An outgoing payment, as the buyer's rail last saw it. */
export interface Payment {
  id: string;
  paymentHash: string;
  amountSats: number;
  state: 'pending' | 'succeeded' | 'failed';
  feeSats: number;
  preimage?: string;
  /** Why a failed payment failed, in words the buyer can act on. */
  failure?: string;
  railStatus?: string;
}

/**
 * Issues and pays Lightning invoices. Every method throws `PaymentError` on failure. `pay` sends at most
 * once per invoice per rail; Spark has no idempotency key, so callers that must survive a crash record
 * the quote's `paymentHash` as "in flight" before calling `pay`.
 */
export interface PaymentRail {
  readonly network: PaymentNetwork;
  createInvoice(request: InvoiceRequest): Promise<Invoice>;
  invoiceStatus(invoiceId: string): Promise<InvoiceStatus>;
  quotePayment(bolt11: string): Promise<PaymentQuote>;
  pay(bolt11: string, options: PayOptions): Promise<Payment>;
  paymentStatus(paymentId: string): Promise<Payment>;
  /** Releases connections and key material; the rail is unusable afterwards. */
  close(): Promise<void>;
}

/** What went wrong with a payment; `code` lets callers react without parsing the message. */
export type PaymentErrorCode =
  | 'offline'
  | 'insufficient-funds'
  | 'fee-too-high'
  | 'expired'
  | 'already-paid'
  | 'invalid-invoice'
  | 'invalid-request'
  | 'not-found'
  | 'unavailable';

/** A payment problem with a message that tells the user what to do. */
export class PaymentError extends Error {
  override readonly name = 'PaymentError';
  /**
   * True when the failure happened after the payment may have left the wallet (e.g. the connection
   * dropped during `pay`): paying again could pay twice, so check the invoice's status first.
   */
  readonly maybeSent: boolean;

  constructor(
    readonly code: PaymentErrorCode,
    message: string,
    options: { cause?: unknown; maybeSent?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.maybeSent = options.maybeSent ?? false;
  }
}

/** How long an invoice stands when the caller does not say: long enough to pay, short enough to re-price. */
export const DEFAULT_INVOICE_EXPIRY_SECONDS = 15 * 60;
/** The longest offer a rail issues; Spark would otherwise default to 30 days. */
export const MAX_INVOICE_EXPIRY_SECONDS = 24 * 60 * 60;
/** The SDK's memo limit (BOLT11 descriptions are bounded too). */
export const MAX_MEMO_LENGTH = 639;

/** Checks an invoice request and fills in the default expiry; throws `PaymentError('invalid-request')`. */
export function checkInvoiceRequest(request: InvoiceRequest): Required<InvoiceRequest> {
  const { amountSats, memo } = request;
  const expirySeconds = request.expirySeconds ?? DEFAULT_INVOICE_EXPIRY_SECONDS;
  if (!Number.isSafeInteger(amountSats) || amountSats < 1) {
    throw new PaymentError(
      'invalid-request',
      `A price must be a whole number of sats, at least 1 (got ${String(amountSats)}). Round the price to whole sats.`,
    );
  }
  if (typeof memo !== 'string' || memo.length > MAX_MEMO_LENGTH) {
    throw new PaymentError('invalid-request', `An invoice memo must be text of at most ${MAX_MEMO_LENGTH} characters. Shorten it.`);
  }
  if (!Number.isSafeInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > MAX_INVOICE_EXPIRY_SECONDS) {
    throw new PaymentError(
      'invalid-request',
      `An invoice must expire within 1 to ${MAX_INVOICE_EXPIRY_SECONDS} seconds (got ${String(expirySeconds)}).`,
    );
  }
  return { amountSats, memo, expirySeconds };
}

/** Checks a fee cap; throws `PaymentError('invalid-request')`. */
export function checkPayOptions(options: PayOptions): PayOptions {
  if (!Number.isSafeInteger(options.maxFeeSats) || options.maxFeeSats < 0) {
    throw new PaymentError(
      'invalid-request',
      `The fee limit must be a whole number of sats, 0 or more (got ${String(options.maxFeeSats)}).`,
    );
  }
  return options;
}

/** The error every rail raises for a fee above the buyer's cap. */
export function feeTooHigh(feeSats: number | null, maxFeeSats: number, cause?: unknown): PaymentError {
  const fee = feeSats === null ? 'a fee' : `a ${feeSats}-sat fee`;
  return new PaymentError(
    'fee-too-high',
    `Paying this invoice costs ${fee}, above your limit of ${maxFeeSats} sats. ` +
      'Raise the fee limit or try again later, when fees may be lower. Nothing was paid.',
    { cause },
  );
}

/** The error every rail raises when the wallet cannot cover the price plus fee. */
export function insufficientFunds(neededSats: number | null, cause?: unknown): PaymentError {
  const need = neededSats === null ? 'the price plus the fee' : `${neededSats} sats (price plus fee)`;
  return new PaymentError(
    'insufficient-funds',
    `Your wallet does not hold enough to pay ${need}. Add funds to your wallet and try again. Nothing was paid.`,
    { cause },
  );
}

/** The error every rail raises for an invoice past its expiry. */
export function invoiceExpired(expiresAt: number): PaymentError {
  return new PaymentError(
    'expired',
    `This invoice expired at ${new Date(expiresAt).toISOString()}. Ask for a new invoice; nothing was paid.`,
  );
}

/** The error every rail raises for a second payment of the same invoice. */
export function alreadyPaid(): PaymentError {
  return new PaymentError(
    'already-paid',
    'This invoice has already been paid, or a payment for it is still in flight. ' +
      'Check the purchase before paying again: a second payment would not be refunded.',
  );
}
