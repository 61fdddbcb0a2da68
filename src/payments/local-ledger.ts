// A faithful stand-in for the Lightning network, for the demo, tests and offline development: wallets
// with balances, invoices signed by a node key as real BOLT11 strings on regtest, payment hash =
// sha256(random preimage), exact amounts, pay once, expiry, and payments that settle some time after
// they are sent. One ledger is shared by every rail in a process, or by processes through a file.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { bolt11Library, decodeInvoice, type DecodedInvoice } from './bolt11-invoice.js';
import { LedgerFile } from './ledger-file.js';
import { emptyState, parseState, settleDue, type LedgerInvoice, type LedgerPayment, type LedgerState } from './ledger-state.js';
import {
  alreadyPaid,
  feeTooHigh,
  insufficientFunds,
  invoiceExpired,
  PaymentError,
  type Invoice,
  type InvoiceRequest,
  type InvoiceStatus,
  type Payment,
  type PaymentQuote,
} from './payment-rail.js';

/** How a ledger keeps time, stores itself and charges routing fees. */
export interface LocalLedgerOptions {
  /** A JSON file shared by processes; without it the ledger lives in this process's memory. */
  file?: string;
  /** Milliseconds since the epoch; tests pass a clock they move by hand. */
  now?: () => number;
  /** The routing fee of a payment, in whole sats; defaults to 1 sat plus 0.1 %. */
  feeFor?: (amountSats: number) => number;
}

/** How one payment is sent: the buyer's fee cap and the faults the paying rail injects. */
export interface LedgerPayOptions {
  maxFeeSats: number;
  settleDelayMs: number;
  fail: boolean;
}

// bolt11's description of regtest: only the bech32 prefix matters for invoices.
const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] };
const MIN_FINAL_CLTV_EXPIRY = 18;

/** The default routing fee: 1 sat base plus 1 sat per 1,000 (0.1 %), always a whole number. */
export function defaultFee(amountSats: number): number {
  return 1 + Math.floor(amountSats / 1000);
}

/** An in-memory (or file-backed) Lightning network of named wallets. */
export class LocalLedger {
  readonly network = 'regtest' as const;
  readonly #file: LedgerFile | null;
  readonly #now: () => number;
  readonly #feeFor: (amountSats: number) => number;
  #memory: LedgerState = emptyState();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalLedgerOptions = {}) {
    this.#file = options.file === undefined ? null : new LedgerFile(options.file);
    this.#now = options.now ?? Date.now;
    this.#feeFor = options.feeFor ?? defaultFee;
  }

  /** The ledger's clock. */
  now(): number {
    return this.#now();
  }

  /** Mints test sats into a wallet (the local faucet). */
  async fund(wallet: string, sats: number): Promise<void> {
    if (!Number.isSafeInteger(sats) || sats < 1) {
      throw new PaymentError('invalid-request', `Funding must be a whole number of sats, at least 1 (got ${String(sats)}).`);
    }
    await this.#transact((state) => {
      state.balances[wallet] = (state.balances[wallet] ?? 0) + sats;
      state.mintedSats += sats;
    });
  }

  /** A wallet's spendable balance (sats in flight are not spendable). */
  async balanceSats(wallet: string): Promise<number> {
    return this.#transact((state) => state.balances[wallet] ?? 0);
  }

  /** A copy of the whole ledger, after settling what is due (for invariant checks and debugging). */
  async snapshot(): Promise<LedgerState> {
    return this.#transact((state) => structuredClone(state));
  }

  /** Issues a signed regtest invoice payable to `wallet`. */
  async createInvoice(wallet: string, request: Required<InvoiceRequest>): Promise<Invoice> {
    const preimage = randomBytes(32);
    const paymentHash = createHash('sha256').update(preimage).digest('hex');
    // BOLT11 timestamps are whole seconds; rounding here keeps `expiresAt` equal to what the string says.
    const createdAt = Math.floor(this.#now() / 1000) * 1000;
    const bolt11 = await bolt11Library();
    const unsigned = bolt11.encode(
      {
        network: REGTEST,
        satoshis: request.amountSats,
        timestamp: createdAt / 1000,
        tags: [
          { tagName: 'payment_hash', data: paymentHash },
          { tagName: 'payment_secret', data: randomBytes(32).toString('hex') },
          { tagName: 'description', data: request.memo },
          { tagName: 'expire_time', data: request.expirySeconds },
          { tagName: 'min_final_cltv_expiry', data: MIN_FINAL_CLTV_EXPIRY },
        ],
      },
      true,
    );
    const signed = bolt11.sign(unsigned, nodePrivateKey(wallet));
    const record: LedgerInvoice = {
      id: randomUUID(),
      wallet,
      bolt11: signed.paymentRequest ?? '',
      paymentHash,
      preimage: preimage.toString('hex'),
      nodeKey: signed.payeeNodeKey ?? '',
      amountSats: request.amountSats,
      memo: request.memo,
      createdAt,
      expiresAt: createdAt + request.expirySeconds * 1000,
      paidAt: null,
      paymentId: null,
    };
    await this.#transact((state) => {
      state.invoices[record.id] = record;
    });
    return invoiceView(record);
  }

  /** The state of one of `wallet`'s invoices; another wallet's invoice is not found, as on a real node. */
  async invoiceStatus(wallet: string, invoiceId: string): Promise<InvoiceStatus> {
    return this.#transact((state, now) => {
      const invoice = state.invoices[invoiceId];
      if (invoice?.wallet !== wallet) throw notFound('invoice', invoiceId);
      if (invoice.paidAt !== null) {
        return { state: 'paid', paidAt: invoice.paidAt, preimage: invoice.preimage, railStatus: 'settled' };
      }
      if (invoice.paymentId !== null) return { state: 'pending', railStatus: 'payment-in-flight' };
      return now >= invoice.expiresAt ? { state: 'expired', railStatus: 'expired' } : { state: 'pending', railStatus: 'open' };
    });
  }

  /** The price and fee of paying `text`, after checking that this ledger issued it and it is still open. */
  async quote(text: string): Promise<PaymentQuote> {
    const decoded = await decodeInvoice(text, 'regtest');
    return this.#transact((state, now) => {
      const invoice = issuedInvoice(state, decoded);
      if (now >= invoice.expiresAt) throw invoiceExpired(invoice.expiresAt);
      return {
        amountSats: invoice.amountSats,
        feeSats: this.#feeFor(invoice.amountSats),
        paymentHash: invoice.paymentHash,
        expiresAt: invoice.expiresAt,
        memo: invoice.memo,
      };
    });
  }

  /** Sends a payment from `wallet`: checks everything first, then debits and puts it in flight. */
  async pay(wallet: string, text: string, options: LedgerPayOptions): Promise<Payment> {
    const decoded = await decodeInvoice(text, 'regtest');
    return this.#transact((state, now) => {
      const invoice = issuedInvoice(state, decoded);
      if (invoice.paidAt !== null || invoice.paymentId !== null) throw alreadyPaid();
      if (now >= invoice.expiresAt) throw invoiceExpired(invoice.expiresAt);
      const feeSats = this.#feeFor(invoice.amountSats);
      if (feeSats > options.maxFeeSats) throw feeTooHigh(feeSats, options.maxFeeSats);
      const balance = state.balances[wallet] ?? 0;
      if (balance < invoice.amountSats + feeSats) throw insufficientFunds(invoice.amountSats + feeSats);
      const payment: LedgerPayment = {
        id: randomUUID(),
        wallet,
        invoiceId: invoice.id,
        paymentHash: invoice.paymentHash,
        amountSats: invoice.amountSats,
        feeSats,
        startedAt: now,
        settlesAt: now + Math.max(0, Math.floor(options.settleDelayMs)),
        outcome: options.fail ? 'fail' : 'settle',
        state: 'pending',
        failure: null,
      };
      state.balances[wallet] = balance - invoice.amountSats - feeSats;
      state.payments[payment.id] = payment;
      invoice.paymentId = payment.id;
      settleDue(state, now);
      return paymentView(payment, invoice);
    });
  }

  /** The state of one of `wallet`'s payments. */
  async paymentStatus(wallet: string, paymentId: string): Promise<Payment> {
    return this.#transact((state) => {
      const payment = state.payments[paymentId];
      if (payment?.wallet !== wallet) throw notFound('payment', paymentId);
      return paymentView(payment, state.invoices[payment.invoiceId]);
    });
  }

  // Every operation reads the ledger, settles what is due, applies its change and (with a file) writes
  // it back, one at a time: in order within this process, under the lock file across processes.
  // Operations check everything before they change anything, so a thrown error leaves the state untouched.
  #transact<T>(operation: (state: LedgerState, now: number) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const file = this.#file;
      if (file === null) {
        const now = this.#now();
        settleDue(this.#memory, now);
        return operation(this.#memory, now);
      }
      return file.withLock(async () => {
        const stored = await file.read();
        const state = stored === null ? emptyState() : parseState(stored, file.file);
        const now = this.#now();
        settleDue(state, now);
        const result = operation(state, now);
        await file.write(state);
        return result;
      });
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

// Each wallet is its own Lightning node; its key only has to be stable, not secret (test money).
function nodePrivateKey(wallet: string): Buffer {
  return createHash('sha256').update(`tzimtzum/local-rail/node-key/${wallet}`).digest();
}

// The ledger's own record of a decoded invoice, after checking it was not forged or altered.
function issuedInvoice(state: LedgerState, decoded: DecodedInvoice): LedgerInvoice {
  const invoice = Object.values(state.invoices).find((candidate) => candidate.paymentHash === decoded.paymentHash);
  if (invoice === undefined) {
    throw new PaymentError(
      'invalid-invoice',
      'This invoice was not issued on the local test ledger, so it cannot be paid from a local wallet. ' +
        'Ask the seller for an invoice from the same ledger.',
    );
  }
  if (decoded.payeeNodeKey !== invoice.nodeKey || decoded.amountSats !== invoice.amountSats) {
    throw new PaymentError(
      'invalid-invoice',
      'This invoice was altered after the seller signed it (amount or signature do not match). Do not pay it; ask for a new one.',
    );
  }
  return invoice;
}

function invoiceView(invoice: LedgerInvoice): Invoice {
  return {
    id: invoice.id,
    bolt11: invoice.bolt11,
    paymentHash: invoice.paymentHash,
    amountSats: invoice.amountSats,
    createdAt: invoice.createdAt,
    expiresAt: invoice.expiresAt,
  };
}

function paymentView(payment: LedgerPayment, invoice: LedgerInvoice | undefined): Payment {
  const view: Payment = {
    id: payment.id,
    paymentHash: payment.paymentHash,
    amountSats: payment.amountSats,
    state: payment.state,
    feeSats: payment.feeSats,
    railStatus: payment.state,
  };
  if (payment.state === 'succeeded' && invoice !== undefined) view.preimage = invoice.preimage;
  if (payment.failure !== null) view.failure = payment.failure;
  return view;
}

function notFound(kind: 'invoice' | 'payment', id: string): PaymentError {
  return new PaymentError(
    'not-found',
    `This wallet has no ${kind} with id ${id}. It may belong to another wallet or ledger; check which wallet you are using.`,
  );
}
