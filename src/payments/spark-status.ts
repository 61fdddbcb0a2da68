// How the Spark SDK's request statuses (spark-sdk 0.5.1, `LightningReceiveRequestStatus` and
// `LightningSendRequestStatus`) read as invoice and payment states. Statuses are strings here so this
// module never loads the SDK; the tests check that every value of the installed SDK's enums is listed.
import type { CurrencyAmount } from '@buildonspark/spark-sdk/types';
import type { InvoiceStatus, Payment } from './payment-rail.js';

type InvoiceProgress = 'open' | 'paid';

/**
 * Receive statuses. Only `TRANSFER_COMPLETED` (the sats reached the author's wallet) counts as paid.
 * The intermediate steps are still pending, and the failures leave the invoice open: the buyer's HTLC
 * fails back and they can pay again while it is valid. There is no EXPIRED status: expiry comes from
 * `invoice.expiresAt`. `FUTURE_VALUE` and any status this table does not know read as open.
 */
export const RECEIVE_STATUS: Readonly<Record<string, InvoiceProgress>> = {
  FUTURE_VALUE: 'open',
  INVOICE_CREATED: 'open',
  TRANSFER_CREATED: 'open',
  TRANSFER_CREATION_FAILED: 'open',
  REFUND_SIGNING_COMMITMENTS_QUERYING_FAILED: 'open',
  REFUND_SIGNING_FAILED: 'open',
  PAYMENT_PREIMAGE_RECOVERED: 'open',
  PAYMENT_PREIMAGE_RECOVERING_FAILED: 'open',
  LIGHTNING_PAYMENT_RECEIVED: 'open',
  TRANSFER_FAILED: 'open',
  TRANSFER_COMPLETED: 'paid',
};

/**
 * Send statuses. The Lightning payment succeeded once the SSP reports it (`LIGHTNING_PAYMENT_SUCCEEDED`)
 * and stays succeeded through the SSP's own bookkeeping afterwards (`PREIMAGE_PROVIDED`,
 * `PREIMAGE_PROVIDING_FAILED`, `TRANSFER_COMPLETED`): the seller has been paid. A failed Lightning
 * payment returns the sats (`PENDING_USER_SWAP_RETURN` → `USER_SWAP_RETURNED`), so those read as failed.
 * Anything unknown is pending: never report money as gone or as delivered on a guess.
 */
export const SEND_STATUS: Readonly<Record<string, Payment['state']>> = {
  FUTURE_VALUE: 'pending',
  CREATED: 'pending',
  REQUEST_VALIDATED: 'pending',
  LIGHTNING_PAYMENT_INITIATED: 'pending',
  LIGHTNING_PAYMENT_SUCCEEDED: 'succeeded',
  PREIMAGE_PROVIDED: 'succeeded',
  PREIMAGE_PROVIDING_FAILED: 'succeeded',
  TRANSFER_COMPLETED: 'succeeded',
  USER_TRANSFER_VALIDATION_FAILED: 'failed',
  LIGHTNING_PAYMENT_FAILED: 'failed',
  TRANSFER_FAILED: 'failed',
  PENDING_USER_SWAP_RETURN: 'failed',
  USER_SWAP_RETURNED: 'failed',
  USER_SWAP_RETURN_FAILED: 'failed',
};

/** What the buyer is told about each failed send status. */
const SEND_FAILURE: Readonly<Record<string, string>> = {
  USER_TRANSFER_VALIDATION_FAILED: 'The wallet service rejected the payment before sending it. Nothing was paid; try again.',
  LIGHTNING_PAYMENT_FAILED: 'The payment could not reach the seller and was cancelled. Your sats are being returned; try again later.',
  TRANSFER_FAILED: 'The payment could not be started and was cancelled. Nothing was paid; try again.',
  PENDING_USER_SWAP_RETURN: 'The payment failed; your sats are on their way back to your wallet. Try again later.',
  USER_SWAP_RETURNED: 'The payment failed and your sats are back in your wallet. Try again later.',
  USER_SWAP_RETURN_FAILED:
    'The payment failed and returning your sats has not finished. Keep the payment id and contact the wallet service if they do not return.',
};

/** The subset of the SDK's `LightningReceiveRequest` the state depends on. */
export interface ReceiveRequestFacts {
  status: string;
  updatedAt: string;
  paymentPreimage?: string | undefined;
  invoice: { expiresAt: string };
}

/** An invoice's state from a receive request at time `now`: paid beats expired (late payments count). */
export function invoiceStatusFrom(request: ReceiveRequestFacts, now: number, fallbackExpiresAt: number): InvoiceStatus {
  const progress = RECEIVE_STATUS[request.status] ?? 'open';
  if (progress === 'paid') {
    const status: InvoiceStatus = { state: 'paid', paidAt: parseTime(request.updatedAt) ?? now, railStatus: request.status };
    if (request.paymentPreimage !== undefined && request.paymentPreimage !== '') status.preimage = request.paymentPreimage;
    return status;
  }
  const expiresAt = parseTime(request.invoice.expiresAt) ?? fallbackExpiresAt;
  return { state: now >= expiresAt ? 'expired' : 'pending', railStatus: request.status };
}

/** A payment's state from a send status; unknown statuses are pending. */
export function paymentStateFrom(status: string): { state: Payment['state']; failure?: string } {
  const state = SEND_STATUS[status] ?? 'pending';
  if (state !== 'failed') return { state };
  return { state, failure: SEND_FAILURE[status] ?? 'The payment failed. Try again later.' };
}

// Whole sats per unit for the Bitcoin units the SDK reports; fiat units cannot be converted here.
const SATS_PER_UNIT: Readonly<Record<string, number>> = {
  BITCOIN: 100_000_000,
  MILLIBITCOIN: 100_000,
  MICROBITCOIN: 100,
  SATOSHI: 1,
  MILLISATOSHI: 0.001,
  NANOBITCOIN: 0.1,
};

/** A Bitcoin amount in whole sats, rounded up (a fee is never under-reported); `null` for other units. */
export function toSats(amount: Pick<CurrencyAmount, 'originalValue' | 'originalUnit'> | undefined): number | null {
  if (amount === undefined) return null;
  const unit: string = amount.originalUnit;
  const perUnit = SATS_PER_UNIT[unit];
  if (perUnit === undefined || !Number.isFinite(amount.originalValue) || amount.originalValue < 0) return null;
  // Integer arithmetic where possible: msats / 1000 as a float could round 1.0000000001 up to 2.
  if (unit === 'MILLISATOSHI') return Math.ceil(Math.round(amount.originalValue) / 1000);
  if (unit === 'NANOBITCOIN') return Math.ceil(Math.round(amount.originalValue) / 10);
  return Math.ceil(Math.round(amount.originalValue * perUnit * 1000) / 1000);
}

/** Milliseconds since the epoch from an ISO date, or `null` if it does not parse. */
export function parseTime(iso: string | undefined): number | null {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
