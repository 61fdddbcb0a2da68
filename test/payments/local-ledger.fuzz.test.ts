// Random buyers, invoices, faults and clock jumps on one ledger; after every step the ledger must still
// conserve sats, pay every invoice at most once, and agree between the buyer's and the author's views.
// Prints its seed; replay with SEED=<n>.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalLedger } from '../../src/payments/local-ledger.js';
import { LocalRail } from '../../src/payments/local-rail.js';
import { PaymentError, type Invoice, type Payment } from '../../src/payments/payment-rail.js';
import type { LedgerState } from '../../src/payments/ledger-state.js';
import { seededRandom, Teardown, testSeed } from '../support/temp.js';
import { ManualClock } from './rail-contract.js';

const STEPS = 400;
const teardown = new Teardown();
afterEach(() => teardown.run());

function checkInvariants(state: LedgerState): void {
  const inFlight = Object.values(state.payments)
    .filter((p) => p.state === 'pending')
    .reduce((sum, p) => sum + p.amountSats + p.feeSats, 0);
  const held = Object.values(state.balances).reduce((sum, b) => sum + b, 0);
  expect(held + state.feesPaidSats + inFlight, 'sats are conserved').toBe(state.mintedSats);
  for (const invoice of Object.values(state.invoices)) {
    const settled = Object.values(state.payments).filter((p) => p.invoiceId === invoice.id && p.state === 'succeeded');
    expect(settled.length, `invoice ${invoice.id} paid at most once`).toBeLessThanOrEqual(1);
    expect(invoice.paidAt !== null, `invoice ${invoice.id} is paid exactly when a payment settled`).toBe(settled.length === 1);
    if (settled[0] !== undefined) expect(settled[0].startedAt).toBeLessThan(invoice.expiresAt);
  }
}

describe('LocalLedger under random operations and faults', () => {
  for (const storage of ['memory', 'file'] as const) {
    it(`keeps its invariants (${storage})`, async () => {
      const seed = testSeed(`local-ledger fuzz (${storage})`);
      const random = seededRandom(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const clock = new ManualClock();
      const file = storage === 'file' ? path.join(await teardown.dir('tzimtzum-ledger-'), 'ledger.json') : undefined;
      const ledger = new LocalLedger({ now: clock.now, ...(file === undefined ? {} : { file }) });
      const author = new LocalRail({ ledger, wallet: 'author' });
      const buyers = ['ana', 'ben', 'cy'].map((wallet) => new LocalRail({ ledger, wallet }));
      for (const buyer of buyers) await ledger.fund(buyer.wallet, 5_000);
      const invoices: Invoice[] = [];
      const payments: { buyer: LocalRail; payment: Payment }[] = [];
      const steps = storage === 'file' ? STEPS / 4 : STEPS;

      for (let step = 0; step < steps; step++) {
        const buyer = pick(buyers);
        const roll = random();
        try {
          if (roll < 0.25 || invoices.length === 0) {
            invoices.push(
              await author.createInvoice({ amountSats: 1 + Math.floor(random() * 900), memo: `n${step}`, expirySeconds: 1 + Math.floor(random() * 120) }),
            );
          } else if (roll < 0.6) {
            buyer.faults = {
              failNextPay: random() < 0.2,
              dropNextPayReply: random() < 0.1,
              delaySettleMs: random() < 0.5 ? 0 : Math.floor(random() * 60_000),
              offline: random() < 0.05,
            };
            const payment = await buyer.pay(pick(invoices).bolt11, { maxFeeSats: Math.floor(random() * 3) });
            payments.push({ buyer, payment });
          } else if (roll < 0.75) {
            clock.advance(Math.floor(random() * 30_000));
          } else if (roll < 0.9 && payments.length > 0) {
            const { buyer: payer, payment } = pick(payments);
            const now = await payer.paymentStatus(payment.id);
            if (now.state === 'succeeded') {
              const invoice = invoices.find((i) => i.paymentHash === now.paymentHash)!;
              expect(await author.invoiceStatus(invoice.id)).toMatchObject({ state: 'paid', preimage: now.preimage });
            }
          } else {
            const invoice = pick(invoices);
            const status = await author.invoiceStatus(invoice.id);
            if (status.state === 'expired') expect(clock.ms).toBeGreaterThanOrEqual(invoice.expiresAt);
          }
        } catch (err) {
          if (!(err instanceof PaymentError)) throw err;
          expect(['offline', 'insufficient-funds', 'fee-too-high', 'expired', 'already-paid']).toContain(err.code);
        }
        checkInvariants(await ledger.snapshot());
      }
    });
  }

  it('shares one ledger file between two ledgers, as two processes would', async () => {
    const file = path.join(await teardown.dir('tzimtzum-ledger-'), 'shared', 'ledger.json');
    const authorSide = new LocalLedger({ file });
    const buyerSide = new LocalLedger({ file });
    const author = new LocalRail({ ledger: authorSide, wallet: 'author' });
    const buyer = new LocalRail({ ledger: buyerSide, wallet: 'buyer' });
    await buyerSide.fund('buyer', 1_000);
    const invoices = await Promise.all(
      Array.from({ length: 8 }, (_, i) => author.createInvoice({ amountSats: 10 + i, memo: `n${i}` })),
    );
    await Promise.all(invoices.map((invoice) => buyer.pay(invoice.bolt11, { maxFeeSats: 5 })));
    for (const invoice of invoices) expect((await author.invoiceStatus(invoice.id)).state).toBe('paid');
    checkInvariants(await authorSide.snapshot());
  });

  it('refuses a damaged ledger file and says it can be deleted', async () => {
    const file = path.join(await teardown.dir('tzimtzum-ledger-'), 'ledger.json');
    await writeFile(file, JSON.stringify({ version: 1, mintedSats: -5 }));
    const error = await new LocalLedger({ file }).balanceSats('buyer').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PaymentError);
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/delete it/u) as unknown });
  });
});
