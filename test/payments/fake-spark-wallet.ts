// A stand-in for spark-sdk's SparkWallet, injected into WDK's real WalletAccountSpark. Money moves on a
// LocalLedger; every answer has the SDK's own shapes (LightningReceiveRequest, LightningSendRequest, fee
// estimate as a number) and its errors are the SDK's own classes with the SDK's own messages.
import { SparkRequestError, SparkValidationError } from '@buildonspark/spark-sdk';
import {
  BitcoinNetwork,
  CurrencyUnit,
  LightningReceiveRequestStatus,
  LightningSendRequestStatus,
  type LightningReceiveRequest,
  type LightningSendRequest,
} from '@buildonspark/spark-sdk/types';
import type { CreateLightningInvoiceParams, PayLightningInvoiceParams, WalletAccountSpark } from '@tetherto/wdk-wallet-spark';
import type { LocalLedger } from '../../src/payments/local-ledger.js';
import { PaymentError, type Invoice } from '../../src/payments/payment-rail.js';

/** What `new WalletAccountSpark(wallet)` expects. */
export type SparkWalletLike = ConstructorParameters<typeof WalletAccountSpark>[0];

/** One recorded call into the fake. */
export interface FakeCall {
  method: string;
  args: unknown[];
}

const THIRTY_DAYS = 60 * 60 * 24 * 30;

/** A fake Spark wallet over a local ledger. */
export class FakeSparkWallet {
  readonly calls: FakeCall[] = [];
  offline = false;
  settleDelayMs = 0;
  /** The next payment fails in flight (no route). */
  failNextPay = false;
  /** Forces the receive status reported for an invoice id (to exercise every SDK status). */
  readonly receiveStatus = new Map<string, LightningReceiveRequestStatus>();
  readonly config = { signer: { dispose: (): void => undefined } };
  readonly #invoices = new Map<string, Invoice & { memo: string }>();
  readonly #sent = new Map<string, string>();

  constructor(
    readonly ledger: LocalLedger,
    readonly wallet: string,
  ) {}

  /** This fake, typed as the SparkWallet WDK's account wraps. */
  asSparkWallet(): SparkWalletLike {
    return this; // WDK types the wallet loosely (its `#libs/spark-sdk` import does not resolve for TypeScript)
  }

  async createLightningInvoice(params: CreateLightningInvoiceParams): Promise<LightningReceiveRequest> {
    this.#enter('createLightningInvoice', params);
    const invoice = await this.ledger.createInvoice(this.wallet, {
      amountSats: params.amountSats,
      memo: params.memo ?? '',
      expirySeconds: params.expirySeconds ?? THIRTY_DAYS,
    });
    this.#invoices.set(invoice.id, { ...invoice, memo: params.memo ?? '' });
    return this.#receiveRequest(invoice.id, LightningReceiveRequestStatus.INVOICE_CREATED, invoice.createdAt);
  }

  async getLightningReceiveRequest(id: string): Promise<LightningReceiveRequest | null> {
    this.#enter('getLightningReceiveRequest', id);
    if (!this.#invoices.has(id)) return null;
    const forced = this.receiveStatus.get(id);
    if (forced !== undefined) return this.#receiveRequest(id, forced, this.ledger.now());
    const status = await this.ledger.invoiceStatus(this.wallet, id);
    return status.state === 'paid'
      ? this.#receiveRequest(id, LightningReceiveRequestStatus.TRANSFER_COMPLETED, status.paidAt ?? 0, status.preimage)
      : this.#receiveRequest(id, LightningReceiveRequestStatus.INVOICE_CREATED, this.ledger.now()); // the SDK has no EXPIRED
  }

  async getLightningSendFeeEstimate(params: { encodedInvoice: string; amountSats?: number }): Promise<number> {
    this.#enter('getLightningSendFeeEstimate', params);
    try {
      return (await this.ledger.quote(params.encodedInvoice)).feeSats;
    } catch (err) {
      throw sdkError(err);
    }
  }

  async payLightningInvoice(params: PayLightningInvoiceParams): Promise<LightningSendRequest> {
    this.#enter('payLightningInvoice', params);
    let payment;
    try {
      payment = await this.ledger.pay(this.wallet, params.invoice, {
        maxFeeSats: params.maxFeeSats,
        settleDelayMs: this.settleDelayMs,
        fail: this.failNextPay,
      });
      this.failNextPay = false;
    } catch (err) {
      throw sdkError(err);
    }
    this.#sent.set(payment.id, params.invoice);
    return this.getLightningSendRequest(payment.id).then((request) => request!);
  }

  async getLightningSendRequest(id: string): Promise<LightningSendRequest | null> {
    this.#enter('getLightningSendRequest', id);
    const encodedInvoice = this.#sent.get(id);
    if (encodedInvoice === undefined) return null;
    const payment = await this.ledger.paymentStatus(this.wallet, id);
    const status = {
      pending: LightningSendRequestStatus.LIGHTNING_PAYMENT_INITIATED,
      succeeded: LightningSendRequestStatus.TRANSFER_COMPLETED,
      failed: LightningSendRequestStatus.LIGHTNING_PAYMENT_FAILED,
    }[payment.state];
    const now = new Date(this.ledger.now()).toISOString();
    return {
      id,
      createdAt: now,
      updatedAt: now,
      network: BitcoinNetwork.REGTEST,
      encodedInvoice,
      fee: { originalValue: payment.feeSats * 1000, originalUnit: CurrencyUnit.MILLISATOSHI },
      idempotencyKey: '',
      status,
      typename: 'LightningSendRequest',
      ...(payment.preimage === undefined ? {} : { paymentPreimage: payment.preimage }),
    };
  }

  cleanupConnections(): Promise<void> {
    return Promise.resolve();
  }

  #enter(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.offline) {
      throw new SparkRequestError('Failed to execute GraphQL query', {
        method: 'POST',
        error: new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
      });
    }
  }

  #receiveRequest(id: string, status: LightningReceiveRequestStatus, updatedAt: number, preimage?: string): LightningReceiveRequest {
    const invoice = this.#invoices.get(id)!;
    return {
      id,
      createdAt: new Date(invoice.createdAt).toISOString(),
      updatedAt: new Date(updatedAt).toISOString(),
      network: BitcoinNetwork.REGTEST,
      invoice: {
        encodedInvoice: invoice.bolt11,
        bitcoinNetwork: BitcoinNetwork.REGTEST,
        paymentHash: invoice.paymentHash,
        amount: { originalValue: invoice.amountSats * 1000, originalUnit: CurrencyUnit.MILLISATOSHI },
        createdAt: new Date(invoice.createdAt).toISOString(),
        expiresAt: new Date(invoice.expiresAt).toISOString(),
        memo: invoice.memo,
      },
      status,
      typename: 'LightningReceiveRequest',
      ...(preimage === undefined ? {} : { paymentPreimage: preimage }),
    };
  }
}

// The ledger's refusals, as the SDK words them (spark-sdk 0.5.1 `payLightningInvoice`); refusals the
// SDK leaves to the SSP come back as a failed GraphQL request.
function sdkError(err: unknown): Error {
  if (!(err instanceof PaymentError)) return err instanceof Error ? err : new Error(String(err));
  if (err.code === 'fee-too-high') {
    return new SparkValidationError('maxFeeSats does not cover fee estimate', { field: 'maxFeeSats', expected: 'more sats' });
  }
  if (err.code === 'insufficient-funds') return new SparkValidationError('Insufficient balance', { field: 'balance' });
  return new SparkRequestError('Failed to execute GraphQL query', { method: 'POST', error: new Error(err.message) });
}
