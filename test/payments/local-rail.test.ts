import { createHash } from 'node:crypto';
import bolt11 from 'bolt11';
import { describe, expect, it } from 'vitest';
import { LocalLedger, defaultFee } from '../../src/payments/local-ledger.js';
import { LocalRail } from '../../src/payments/local-rail.js';
import { describeRailContract, expectPaymentError, ManualClock, paymentError, strangerInvoice } from './rail-contract.js';

describeRailContract('LocalRail', () => {
  const clock = new ManualClock();
  const ledger = new LocalLedger({ now: clock.now });
  const author = new LocalRail({ ledger, wallet: 'author' });
  const buyer = new LocalRail({ ledger, wallet: 'buyer' });
  return Promise.resolve({
    author,
    buyer,
    advance: (ms) => clock.advance(ms),
    fundBuyer: (sats) => ledger.fund('buyer', sats),
    feeFor: defaultFee,
    setSettleDelay: (ms) => {
      buyer.faults.delaySettleMs = ms;
    },
    setOffline: (side, offline) => {
      (side === 'author' ? author : buyer).faults.offline = offline;
    },
    close: async () => {
      await author.close();
      await buyer.close();
    },
  });
});

function setup() {
  const clock = new ManualClock();
  const ledger = new LocalLedger({ now: clock.now });
  const author = new LocalRail({ ledger, wallet: 'author' });
  const buyer = new LocalRail({ ledger, wallet: 'buyer' });
  return { clock, ledger, author, buyer };
}

describe('LocalRail invoices', () => {
  it('signs invoices on the regtest prefix with the wallet\'s own node key', async () => {
    const { author, ledger } = setup();
    const first = await author.createInvoice({ amountSats: 500, memo: 'one', expirySeconds: 60 });
    const second = await author.createInvoice({ amountSats: 700, memo: 'two', expirySeconds: 60 });
    const other = await new LocalRail({ ledger, wallet: 'someone-else' }).createInvoice({ amountSats: 500, memo: 'x' });
    expect(first.bolt11.startsWith('lnbcrt5u1')).toBe(true);
    const decoded = [first, second, other].map((invoice) => bolt11.decode(invoice.bolt11));
    expect(decoded[0]?.payeeNodeKey).toBe(decoded[1]?.payeeNodeKey);
    expect(decoded[0]?.payeeNodeKey).not.toBe(decoded[2]?.payeeNodeKey);
  });

  it('carries the memo and the requested expiry in the invoice', async () => {
    const { author } = setup();
    const invoice = await author.createInvoice({ amountSats: 1_234, memo: 'Paid note: Ledger design', expirySeconds: 90 });
    const decoded = bolt11.decode(invoice.bolt11);
    expect(decoded.tagsObject.description).toBe('Paid note: Ledger design');
    expect(decoded.tagsObject.expire_time).toBe(90);
    expect(decoded.millisatoshis).toBe('1234000');
  });

  it('uses a fresh random preimage for every invoice', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const hashes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const invoice = await author.createInvoice({ amountSats: 10, memo: `n${i}` });
      const payment = await buyer.pay(invoice.bolt11, { maxFeeSats: 5 });
      expect(createHash('sha256').update(Buffer.from(payment.preimage ?? '', 'hex')).digest('hex')).toBe(invoice.paymentHash);
      hashes.add(invoice.paymentHash);
    }
    expect(hashes.size).toBe(5);
  });

  it('defaults to a fifteen-minute expiry', async () => {
    const { author } = setup();
    const invoice = await author.createInvoice({ amountSats: 10, memo: 'x' });
    expect(invoice.expiresAt - invoice.createdAt).toBe(15 * 60_000);
  });
});

describe('LocalRail payments', () => {
  it('moves exactly the price to the author and charges the buyer price plus fee', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 2_500, memo: 'x' });
    const payment = await buyer.pay(invoice.bolt11, { maxFeeSats: 10 });
    expect(payment.feeSats).toBe(defaultFee(2_500));
    expect(await author.balanceSats()).toBe(2_500);
    expect(await buyer.balanceSats()).toBe(10_000 - 2_500 - defaultFee(2_500));
  });

  it('refuses an invoice whose amount was changed and re-signed by someone else', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 2_000, memo: 'x' });
    const decoded = bolt11.decode(invoice.bolt11);
    const forged = bolt11.sign(
      bolt11.encode({ network: decoded.network, satoshis: 20, timestamp: decoded.timestamp, tags: decoded.tags.filter((t) => t.tagName !== 'feature_bits') }, true),
      createHash('sha256').update('forger').digest(),
    ).paymentRequest ?? '';
    expect(bolt11.decode(forged).tagsObject.payment_hash).toBe(invoice.paymentHash);
    const error = await expectPaymentError(buyer.pay(forged, { maxFeeSats: 10 }), 'invalid-invoice');
    expect(error.message).toMatch(/altered/u);
    expect(await buyer.balanceSats()).toBe(10_000);
  });

  it('refuses an invoice the ledger never issued', async () => {
    const { buyer, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    await expectPaymentError(buyer.pay(strangerInvoice({ amountSats: 100 }), { maxFeeSats: 10 }), 'invalid-invoice');
  });

  it('refuses a second payment of a paid invoice from another wallet too', async () => {
    const { author, buyer, ledger } = setup();
    const friend = new LocalRail({ ledger, wallet: 'friend' });
    await ledger.fund('buyer', 10_000);
    await ledger.fund('friend', 10_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    await buyer.pay(invoice.bolt11, { maxFeeSats: 10 });
    await expectPaymentError(friend.pay(invoice.bolt11, { maxFeeSats: 10 }), 'already-paid');
    expect(await friend.balanceSats()).toBe(10_000);
  });

  it('lets the author see only their own invoices', async () => {
    const { author, buyer } = setup();
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    await expectPaymentError(buyer.invoiceStatus(invoice.id), 'not-found');
  });

  it('refuses to pay at the exact second the invoice expires', async () => {
    const { author, buyer, ledger, clock } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x', expirySeconds: 60 });
    clock.ms = invoice.expiresAt - 1;
    await expect(buyer.quotePayment(invoice.bolt11)).resolves.toMatchObject({ amountSats: 100 });
    clock.ms = invoice.expiresAt;
    await expectPaymentError(buyer.quotePayment(invoice.bolt11), 'expired');
    await expectPaymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 10 }), 'expired');
  });

  it('holds the buyer\'s sats while a payment is in flight and credits the author only at settlement', async () => {
    const { author, buyer, ledger, clock } = setup();
    await ledger.fund('buyer', 1_000);
    buyer.faults.delaySettleMs = 5_000;
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    const payment = await buyer.pay(invoice.bolt11, { maxFeeSats: 10 });
    expect(payment.state).toBe('pending');
    expect(await buyer.balanceSats()).toBe(1_000 - 100 - defaultFee(100));
    expect(await author.balanceSats()).toBe(0);
    expect(await author.invoiceStatus(invoice.id)).toMatchObject({ state: 'pending' });
    clock.advance(5_000);
    expect(await author.balanceSats()).toBe(100);
    expect(await author.invoiceStatus(invoice.id)).toMatchObject({ state: 'paid', paidAt: clock.ms });
  });
});

describe('LocalRail faults', () => {
  it('fails the next payment in flight and returns the sats to the buyer', async () => {
    const { author, buyer, ledger, clock } = setup();
    await ledger.fund('buyer', 1_000);
    buyer.faults = { failNextPay: true, delaySettleMs: 1_000 };
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    const payment = await buyer.pay(invoice.bolt11, { maxFeeSats: 10 });
    expect(payment.state).toBe('pending');
    clock.advance(1_000);
    const failed = await buyer.paymentStatus(payment.id);
    expect(failed.state).toBe('failed');
    expect(failed.failure).toMatch(/back in your wallet/u);
    expect(await buyer.balanceSats()).toBe(1_000);
    expect(buyer.faults.failNextPay).toBe(false);
  });

  it('lets the buyer pay again after a failed payment', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 1_000);
    buyer.faults.failNextPay = true;
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    expect((await buyer.pay(invoice.bolt11, { maxFeeSats: 10 })).state).toBe('failed');
    expect((await buyer.pay(invoice.bolt11, { maxFeeSats: 10 })).state).toBe('succeeded');
    expect(await author.invoiceStatus(invoice.id)).toMatchObject({ state: 'paid' });
  });

  it('does not use up a fault on a payment that was refused before sending', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 1_000);
    buyer.faults.failNextPay = true;
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    await expectPaymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 0 }), 'fee-too-high');
    expect(buyer.faults.failNextPay).toBe(true);
  });

  it('loses the reply of a payment that was sent, and says it may have been sent', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 1_000);
    buyer.faults.dropNextPayReply = true;
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    const error = await paymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 10 }));
    expect(error).toMatchObject({ code: 'offline', maybeSent: true });
    expect(await author.invoiceStatus(invoice.id)).toMatchObject({ state: 'paid' });
    await expectPaymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 10 }), 'already-paid');
  });

  it('drops the next status replies while the ledger moves on', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 1_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    author.faults.dropStatusReplies = 2;
    await buyer.pay(invoice.bolt11, { maxFeeSats: 10 });
    await expectPaymentError(author.invoiceStatus(invoice.id), 'offline');
    await expectPaymentError(author.invoiceStatus(invoice.id), 'offline');
    expect(await author.invoiceStatus(invoice.id)).toMatchObject({ state: 'paid' });
  });

  it('refuses every call after close', async () => {
    const { author } = setup();
    await author.close();
    await expectPaymentError(author.createInvoice({ amountSats: 1, memo: 'x' }), 'unavailable');
  });
});
