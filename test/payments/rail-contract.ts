// The behaviour every PaymentRail promises, run against each implementation with its own harness.
import { createHash, randomBytes } from 'node:crypto';
import bolt11 from 'bolt11';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaymentError, type PaymentErrorCode, type PaymentRail } from '../../src/payments/payment-rail.js';

/** An author's rail and a buyer's rail on one simulated network, with levers for the tests. */
export interface RailHarness {
  author: PaymentRail;
  buyer: PaymentRail;
  /** Moves the shared clock forward. */
  advance(ms: number): void;
  fundBuyer(sats: number): Promise<void>;
  /** The routing fee the network charges for `amountSats`. */
  feeFor(amountSats: number): number;
  /** The buyer's next payments settle this long after they are sent. */
  setSettleDelay(ms: number): void;
  setOffline(side: 'author' | 'buyer', offline: boolean): void;
  close(): Promise<void>;
}

/** A clock that moves only when told to. */
export class ManualClock {
  constructor(public ms = Date.UTC(2025, 0, 1)) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The PaymentError a promise rejects with; fails the test if it resolves or throws something else. */
export async function paymentError(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PaymentError) return err;
    throw err;
  }
  throw new Error('expected a PaymentError');
}

/** Checks the code of the PaymentError a promise rejects with. */
export async function expectPaymentError(promise: Promise<unknown>, code: PaymentErrorCode): Promise<PaymentError> {
  const error = await paymentError(promise);
  expect(error.code, error.message).toBe(code);
  return error;
}

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] };
const MAINNET = { bech32: 'bc', pubKeyHash: 0x00, scriptHash: 0x05, validWitnessVersions: [0, 1] };

/** A correctly signed invoice nobody issued: regtest unless told otherwise, with or without an amount. */
export function strangerInvoice(options: { amountSats?: number; mainnet?: boolean; timestamp?: number } = {}): string {
  const unsigned = bolt11.encode(
    {
      network: options.mainnet === true ? MAINNET : REGTEST,
      ...(options.amountSats === undefined ? {} : { satoshis: options.amountSats }),
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      tags: [
        { tagName: 'payment_hash', data: createHash('sha256').update(randomBytes(32)).digest('hex') },
        { tagName: 'payment_secret', data: randomBytes(32).toString('hex') },
        { tagName: 'description', data: 'stranger' },
        { tagName: 'expire_time', data: 3600 },
      ],
    },
    true,
  );
  return bolt11.sign(unsigned, randomBytes(32)).paymentRequest ?? '';
}

const PRICE = 2_100;
const MINUTE = 60_000;

/** Registers the shared contract for one rail implementation. */
export function describeRailContract(name: string, createHarness: () => Promise<RailHarness>): void {
  describe(`${name} (PaymentRail contract)`, () => {
    let h: RailHarness;

    beforeEach(async () => {
      h = await createHarness();
      await h.fundBuyer(100_000);
    });

    afterEach(async () => {
      await h.close();
    });

    async function sellNote(expirySeconds = 600) {
      return h.author.createInvoice({ amountSats: PRICE, memo: 'Paid note: Field notes', expirySeconds });
    }

    function generousCap(): { maxFeeSats: number } {
      return { maxFeeSats: h.feeFor(PRICE) + 10 };
    }

    it('issues a BOLT11 invoice that decodes to its amount, payment hash and expiry', async () => {
      const invoice = await sellNote(600);
      const decoded = bolt11.decode(invoice.bolt11);
      expect(decoded.satoshis).toBe(PRICE);
      expect(decoded.tagsObject.payment_hash).toBe(invoice.paymentHash);
      expect(invoice.paymentHash).toMatch(/^[0-9a-f]{64}$/u);
      expect(invoice.amountSats).toBe(PRICE);
      expect(invoice.expiresAt - invoice.createdAt).toBe(600_000);
      expect((decoded.timeExpireDate ?? 0) * 1000).toBe(invoice.expiresAt);
    });

    it('reports a new invoice as pending', async () => {
      const invoice = await sellNote();
      expect((await h.author.invoiceStatus(invoice.id)).state).toBe('pending');
    });

    it('quotes the amount and the fee before paying', async () => {
      const invoice = await sellNote();
      const quote = await h.buyer.quotePayment(invoice.bolt11);
      expect(quote).toMatchObject({ amountSats: PRICE, feeSats: h.feeFor(PRICE), paymentHash: invoice.paymentHash });
      expect(Number.isSafeInteger(quote.feeSats)).toBe(true);
    });

    it('pays an invoice and reveals a preimage whose sha256 is the payment hash', async () => {
      const invoice = await sellNote();
      const payment = await h.buyer.pay(invoice.bolt11, generousCap());
      expect(payment).toMatchObject({ state: 'succeeded', amountSats: PRICE, paymentHash: invoice.paymentHash });
      expect(payment.feeSats).toBe(h.feeFor(PRICE));
      expect(createHash('sha256').update(Buffer.from(payment.preimage ?? '', 'hex')).digest('hex')).toBe(invoice.paymentHash);
    });

    it('shows the author a paid invoice as paid', async () => {
      const invoice = await sellNote();
      await h.buyer.pay(invoice.bolt11, generousCap());
      const status = await h.author.invoiceStatus(invoice.id);
      expect(status.state).toBe('paid');
      expect(status.paidAt).toBeTypeOf('number');
      if (status.preimage !== undefined) {
        expect(createHash('sha256').update(Buffer.from(status.preimage, 'hex')).digest('hex')).toBe(invoice.paymentHash);
      }
    });

    it('reads back a payment by its id', async () => {
      const invoice = await sellNote();
      const payment = await h.buyer.pay(invoice.bolt11, generousCap());
      expect(await h.buyer.paymentStatus(payment.id)).toMatchObject({
        id: payment.id,
        state: 'succeeded',
        amountSats: PRICE,
        paymentHash: invoice.paymentHash,
      });
    });

    it('reports an unpaid invoice as expired once its expiry has passed', async () => {
      const invoice = await sellNote(60);
      h.advance(61_000);
      expect((await h.author.invoiceStatus(invoice.id)).state).toBe('expired');
    });

    it('refuses to pay an expired invoice', async () => {
      const invoice = await sellNote(60);
      h.advance(61_000);
      await expectPaymentError(h.buyer.pay(invoice.bolt11, generousCap()), 'expired');
    });

    it('honours a payment that started before expiry and settled after it', async () => {
      const invoice = await sellNote(60);
      h.setSettleDelay(2 * MINUTE);
      h.advance(50_000);
      const payment = await h.buyer.pay(invoice.bolt11, generousCap());
      expect(payment.state).toBe('pending');
      h.advance(2 * MINUTE);
      expect((await h.buyer.paymentStatus(payment.id)).state).toBe('succeeded');
      const status = await h.author.invoiceStatus(invoice.id);
      expect(status.state).toBe('paid');
      expect(status.paidAt ?? 0).toBeGreaterThan(invoice.expiresAt);
    });

    it('refuses a fee above the buyer\'s limit and pays nothing', async () => {
      const invoice = await sellNote();
      const error = await expectPaymentError(h.buyer.pay(invoice.bolt11, { maxFeeSats: h.feeFor(PRICE) - 1 }), 'fee-too-high');
      expect(error.maybeSent).toBe(false);
      expect((await h.author.invoiceStatus(invoice.id)).state).toBe('pending');
    });

    it('refuses to pay more than the wallet holds', async () => {
      const invoice = await h.author.createInvoice({ amountSats: 100_000, memo: 'Expensive', expirySeconds: 600 });
      await expectPaymentError(h.buyer.pay(invoice.bolt11, { maxFeeSats: 1_000 }), 'insufficient-funds');
      expect((await h.author.invoiceStatus(invoice.id)).state).toBe('pending');
    });

    it('refuses to pay the same invoice twice', async () => {
      const invoice = await sellNote();
      await h.buyer.pay(invoice.bolt11, generousCap());
      await expectPaymentError(h.buyer.pay(invoice.bolt11, generousCap()), 'already-paid');
    });

    it('refuses to pay an invoice whose payment is still in flight', async () => {
      const invoice = await sellNote();
      h.setSettleDelay(MINUTE);
      await h.buyer.pay(invoice.bolt11, generousCap());
      await expectPaymentError(h.buyer.pay(invoice.bolt11, generousCap()), 'already-paid');
    });

    it('refuses text that is not an invoice', async () => {
      await expectPaymentError(h.buyer.quotePayment('lnbcrt1notaninvoice'), 'invalid-invoice');
      await expectPaymentError(h.buyer.pay('hello', generousCap()), 'invalid-invoice');
    });

    it('refuses an invoice that names no amount', async () => {
      await expectPaymentError(h.buyer.pay(strangerInvoice(), generousCap()), 'invalid-invoice');
    });

    it('refuses an invoice for another Bitcoin network', async () => {
      await expectPaymentError(h.buyer.pay(strangerInvoice({ amountSats: PRICE, mainnet: true }), generousCap()), 'invalid-invoice');
    });

    it('rejects a price that is not a whole number of sats', async () => {
      await expectPaymentError(h.author.createInvoice({ amountSats: 10.5, memo: 'x' }), 'invalid-request');
      await expectPaymentError(h.author.createInvoice({ amountSats: 0, memo: 'x' }), 'invalid-request');
    });

    it('rejects an invoice that would stand for more than a day', async () => {
      await expectPaymentError(h.author.createInvoice({ amountSats: PRICE, memo: 'x', expirySeconds: 30 * 86_400 }), 'invalid-request');
    });

    it('rejects a fee limit that is not a whole number of sats', async () => {
      const invoice = await sellNote();
      await expectPaymentError(h.buyer.pay(invoice.bolt11, { maxFeeSats: -1 }), 'invalid-request');
    });

    it('does not know an invoice id it never issued', async () => {
      await expectPaymentError(h.author.invoiceStatus('00000000-0000-4000-8000-000000000000'), 'not-found');
    });

    it('reports a network it cannot reach as offline', async () => {
      const invoice = await sellNote();
      h.setOffline('buyer', true);
      const error = await expectPaymentError(h.buyer.pay(invoice.bolt11, generousCap()), 'offline');
      expect(error.message).toMatch(/connection/iu);
      h.setOffline('author', true);
      await expectPaymentError(h.author.createInvoice({ amountSats: PRICE, memo: 'x' }), 'offline');
      await expectPaymentError(h.author.invoiceStatus(invoice.id), 'offline');
    });

    it('pays once the network is back', async () => {
      const invoice = await sellNote();
      h.setOffline('buyer', true);
      await expectPaymentError(h.buyer.pay(invoice.bolt11, generousCap()), 'offline');
      h.setOffline('buyer', false);
      expect((await h.buyer.pay(invoice.bolt11, generousCap())).state).toBe('succeeded');
    });
  });
}
