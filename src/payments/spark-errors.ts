// Turning what the Spark SDK throws into PaymentErrors. spark-sdk 0.5.1 throws SparkValidationError for
// checks it makes before sending (fee cap, balance, network), SparkRequestError when a call to an operator
// or the SSP fails, and sometimes a plain Error. The names and messages below are the SDK's own; matching
// them by text keeps the SDK out of memory until payments are used.
import { feeTooHigh, insufficientFunds, PaymentError } from './payment-rail.js';

/** What the rail was doing, for the message; `sending` marks the step after which money may have moved. */
export type SparkStep = 'opening the wallet' | 'creating an invoice' | 'checking a status' | 'quoting' | 'sending';

// Error codes and messages of a connection that never got an answer (Node, undici, gRPC, fetch).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
]);
const NETWORK_MESSAGE = /fetch failed|failed to fetch|network ?error|network request failed|socket hang up|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|timed? ?out|UNAVAILABLE|DEADLINE_EXCEEDED|offline/iu;
const MAX_CAUSE_DEPTH = 6;

/** The PaymentError for `error`, thrown by the SDK while the rail was at `step`. */
export function paymentErrorFromSpark(error: unknown, step: SparkStep, context: { maxFeeSats?: number } = {}): PaymentError {
  if (error instanceof PaymentError) return error;
  const chain = causeChain(error);
  const first = chain[0];
  const name = first?.name ?? '';
  const message = sdkMessage(first);

  if (name === 'SparkValidationError' || name === 'ValidationError') {
    if (/maxFeeSats does not cover fee estimate/iu.test(message)) {
      return feeTooHigh(feeFromContext(first), context.maxFeeSats ?? 0, error);
    }
    if (/insufficient balance/iu.test(message)) return insufficientFunds(null, error);
    if (/invoice|network|amount/iu.test(message)) {
      return new PaymentError('invalid-invoice', `The wallet refused this invoice (${message}). Ask the seller for a new invoice.`, {
        cause: error,
      });
    }
    return new PaymentError('unavailable', `The wallet refused the request (${message}). Nothing was sent; try again later.`, {
      cause: error,
    });
  }
  // Leaf selection fails this way when the balance cannot cover amount + fee (unverified on a live network).
  if (/^no leaves for/iu.test(message)) return insufficientFunds(null, error);

  const maybeSent = step === 'sending';
  if (chain.some(isNetworkFailure)) {
    return new PaymentError(
      'offline',
      maybeSent
        ? 'The connection to the Spark network dropped while paying, so it is not known whether the payment went through. ' +
            'Check the purchase before paying again.'
        : `The Spark network could not be reached while ${step}. Check your internet connection and try again.`,
      { cause: error, maybeSent },
    );
  }
  return new PaymentError(
    'unavailable',
    maybeSent
      ? `The Spark wallet service failed while paying (${message}). Check the purchase before paying again.`
      : `The Spark wallet service failed while ${step} (${message}). Try again later.`,
    { cause: error, maybeSent },
  );
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  initialMessage?: unknown;
  context?: unknown;
}

// The error, then what it wraps: SparkError keeps the wrapped error in `originalError`, Node in `cause`.
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < MAX_CAUSE_DEPTH) {
    const link = current as ErrorLike & { originalError?: unknown; cause?: unknown };
    chain.push(link);
    current = link.originalError ?? link.cause;
  }
  if (chain.length === 0 && typeof error === 'string') chain.push({ message: error });
  return chain;
}

// SparkError appends its context to `message`; `initialMessage` is the sentence alone.
function sdkMessage(error: ErrorLike | undefined): string {
  if (error === undefined) return 'unknown error';
  if (typeof error.initialMessage === 'string') return error.initialMessage;
  return typeof error.message === 'string' ? error.message : 'unknown error';
}

function isNetworkFailure(error: ErrorLike): boolean {
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
  if (error.code === 14 || error.code === 4) return true; // gRPC UNAVAILABLE, DEADLINE_EXCEEDED
  return typeof error.message === 'string' && NETWORK_MESSAGE.test(error.message);
}

// "maxFeeSats does not cover fee estimate" carries `expected: "<fee> sats"` in its context.
function feeFromContext(error: ErrorLike | undefined): number | null {
  const context = error?.context;
  if (typeof context !== 'object' || context === null) return null;
  const expected = (context as { expected?: unknown }).expected;
  const match = typeof expected === 'string' ? /^(\d+) sats$/u.exec(expected) : null;
  return match === null ? null : Number(match[1]);
}
