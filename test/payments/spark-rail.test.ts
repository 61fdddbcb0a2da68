// SparkRail against WDK's real WalletAccountSpark wrapped around a fake Spark wallet: never the network.
import { SparkRequestError, SparkValidationError } from '@buildonspark/spark-sdk';
import { CurrencyUnit, LightningReceiveRequestStatus, LightningSendRequestStatus } from '@buildonspark/spark-sdk/types';
import { WalletAccountSpark } from '@tetherto/wdk-wallet-spark';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalLedger, defaultFee } from '../../src/payments/local-ledger.js';
import { SparkRail, type OpenSparkAccount } from '../../src/payments/spark-rail.js';
import { invoiceStatusFrom, paymentStateFrom, RECEIVE_STATUS, SEND_STATUS, toSats } from '../../src/payments/spark-status.js';
import { FakeSparkWallet } from './fake-spark-wallet.js';
import { describeRailContract, expectPaymentError, ManualClock, paymentError } from './rail-contract.js';

const WORDS = { walletMnemonic: () => 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about' };

const unhandled = vi.fn();
beforeAll(() => {
  process.on('unhandledRejection', unhandled);
});
afterAll(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', unhandled);
  expect(unhandled).not.toHaveBeenCalled();
});

function opener(fake: FakeSparkWallet): OpenSparkAccount {
  return () => Promise.resolve(new WalletAccountSpark(fake.asSparkWallet(), { network: 'REGTEST' }));
}

function setup() {
  const clock = new ManualClock();
  const ledger = new LocalLedger({ now: clock.now });
  const authorWallet = new FakeSparkWallet(ledger, 'author');
  const buyerWallet = new FakeSparkWallet(ledger, 'buyer');
  const author = new SparkRail({ words: WORDS, network: 'REGTEST', openAccount: opener(authorWallet), now: clock.now });
  const buyer = new SparkRail({ words: WORDS, network: 'REGTEST', openAccount: opener(buyerWallet), now: clock.now });
  return { clock, ledger, authorWallet, buyerWallet, author, buyer };
}

describeRailContract('SparkRail', () => {
  const { clock, ledger, authorWallet, buyerWallet, author, buyer } = setup();
  return Promise.resolve({
    author,
    buyer,
    advance: (ms) => clock.advance(ms),
    fundBuyer: (sats) => ledger.fund('buyer', sats),
    feeFor: defaultFee,
    setSettleDelay: (ms) => {
      buyerWallet.settleDelayMs = ms;
    },
    setOffline: (side, offline) => {
      (side === 'author' ? authorWallet : buyerWallet).offline = offline;
    },
    close: async () => {
      await author.close();
      await buyer.close();
    },
  });
});

describe('SparkRail status mapping', () => {
  it('lists every receive status of the installed spark-sdk', () => {
    for (const status of Object.values(LightningReceiveRequestStatus)) expect(RECEIVE_STATUS).toHaveProperty(status);
  });

  it('lists every send status of the installed spark-sdk', () => {
    for (const status of Object.values(LightningSendRequestStatus)) expect(SEND_STATUS).toHaveProperty(status);
  });

  it('counts only TRANSFER_COMPLETED as paid; every other receive status is pending before expiry', async () => {
    const { author, authorWallet } = setup();
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x', expirySeconds: 600 });
    for (const status of Object.values(LightningReceiveRequestStatus)) {
      authorWallet.receiveStatus.set(invoice.id, status);
      const expected = status === LightningReceiveRequestStatus.TRANSFER_COMPLETED ? 'paid' : 'pending';
      expect(await author.invoiceStatus(invoice.id), status).toMatchObject({ state: expected, railStatus: status });
    }
  });

  it('reads a receive status it does not know as pending', async () => {
    const { author, authorWallet } = setup();
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    authorWallet.receiveStatus.set(invoice.id, 'SETTLED_ON_MARS' as LightningReceiveRequestStatus);
    expect((await author.invoiceStatus(invoice.id)).state).toBe('pending');
  });

  it('takes expiry from invoice.expiresAt, not from the status', () => {
    const request = {
      status: 'INVOICE_CREATED',
      updatedAt: '2025-01-01T00:00:00.000Z',
      invoice: { expiresAt: '2025-01-01T00:10:00.000Z' },
    };
    expect(invoiceStatusFrom(request, Date.parse('2025-01-01T00:09:59.999Z'), 0).state).toBe('pending');
    expect(invoiceStatusFrom(request, Date.parse('2025-01-01T00:10:00.000Z'), 0).state).toBe('expired');
  });

  it('reports a transfer completed after expiry as paid, at the time the SDK gives', () => {
    const request = {
      status: 'TRANSFER_COMPLETED',
      updatedAt: '2025-01-01T00:12:00.000Z',
      paymentPreimage: 'ab'.repeat(32),
      invoice: { expiresAt: '2025-01-01T00:10:00.000Z' },
    };
    expect(invoiceStatusFrom(request, Date.parse('2025-01-02T00:00:00.000Z'), 0)).toEqual({
      state: 'paid',
      paidAt: Date.parse('2025-01-01T00:12:00.000Z'),
      preimage: 'ab'.repeat(32),
      railStatus: 'TRANSFER_COMPLETED',
    });
  });

  it('reads send statuses it does not know, and FUTURE_VALUE, as pending', () => {
    expect(paymentStateFrom('FUTURE_VALUE').state).toBe('pending');
    expect(paymentStateFrom('WARP_DRIVE_ENGAGED').state).toBe('pending');
  });

  it('tells the buyer what to do about every failed send status', () => {
    const failed = Object.values(LightningSendRequestStatus).filter((s) => paymentStateFrom(s).state === 'failed');
    expect(failed).toContain('LIGHTNING_PAYMENT_FAILED');
    for (const status of failed) expect(paymentStateFrom(status).failure, status).toMatch(/\w+\./u);
  });

  it('converts fees to whole sats, rounding up', () => {
    expect(toSats({ originalValue: 1_500, originalUnit: CurrencyUnit.MILLISATOSHI })).toBe(2);
    expect(toSats({ originalValue: 3_000, originalUnit: CurrencyUnit.MILLISATOSHI })).toBe(3);
    expect(toSats({ originalValue: 7, originalUnit: CurrencyUnit.SATOSHI })).toBe(7);
    expect(toSats({ originalValue: 0.00001, originalUnit: CurrencyUnit.BITCOIN })).toBe(1_000);
    expect(toSats({ originalValue: 2, originalUnit: CurrencyUnit.USD })).toBeNull();
  });
});

describe('SparkRail requests', () => {
  it('asks for a short expiry and never for an embedded Spark address', async () => {
    const { author, authorWallet } = setup();
    await author.createInvoice({ amountSats: 100, memo: 'Paid note', expirySeconds: 300 });
    const call = authorWallet.calls.find((c) => c.method === 'createLightningInvoice');
    expect(call?.args[0]).toEqual({ amountSats: 100, memo: 'Paid note', expirySeconds: 300 });
    expect(call?.args[0]).not.toHaveProperty('includeSparkAddress');
  });

  it('asks for the default expiry when the caller gives none, never the SDK\'s thirty days', async () => {
    const { author, authorWallet } = setup();
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    expect(authorWallet.calls[0]?.args[0]).toMatchObject({ expirySeconds: 900 });
    expect(invoice.expiresAt - invoice.createdAt).toBe(900_000);
  });

  it('checks the fee cap against the SDK\'s estimate before sending anything', async () => {
    const { author, buyer, buyerWallet, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 5_000, memo: 'x' });
    await expectPaymentError(buyer.pay(invoice.bolt11, { maxFeeSats: defaultFee(5_000) - 1 }), 'fee-too-high');
    expect(buyerWallet.calls.map((c) => c.method)).toEqual(['getLightningSendFeeEstimate']);
  });

  it('passes the fee cap to the SDK and maps the SDK\'s own refusal', async () => {
    const { author, buyer, buyerWallet, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    buyerWallet.payLightningInvoice = (params) => {
      buyerWallet.calls.push({ method: 'payLightningInvoice', args: [params] });
      return Promise.reject(new SparkValidationError('maxFeeSats does not cover fee estimate', { expected: '7 sats' }));
    };
    const error = await expectPaymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 5 }), 'fee-too-high');
    expect(error.message).toMatch(/7-sat fee, above your limit of 5 sats/u);
    expect(buyerWallet.calls.at(-1)?.args[0]).toEqual({ invoice: invoice.bolt11, maxFeeSats: 5 });
  });

  it('opens the wallet only when payments are first used, with the user\'s words', async () => {
    const words = { walletMnemonic: vi.fn(WORDS.walletMnemonic) };
    const fake = new FakeSparkWallet(new LocalLedger(), 'author');
    const open = vi.fn(opener(fake));
    const rail = new SparkRail({ words, network: 'REGTEST', accountIndex: 2, openAccount: open });
    expect(open).not.toHaveBeenCalled();
    expect(words.walletMnemonic).not.toHaveBeenCalled();
    await rail.createInvoice({ amountSats: 1, memo: 'x' });
    await rail.createInvoice({ amountSats: 2, memo: 'y' });
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith(WORDS.walletMnemonic(), { network: 'REGTEST', accountIndex: 2 });
  });

  it('reports a wallet that cannot reach Spark as offline, and tries again next time', async () => {
    const fake = new FakeSparkWallet(new LocalLedger(), 'author');
    let attempts = 0;
    const open: OpenSparkAccount = () => {
      attempts++;
      return attempts === 1 ? Promise.reject(new TypeError('fetch failed')) : opener(fake)('', { network: 'REGTEST', accountIndex: 0 });
    };
    const rail = new SparkRail({ words: WORDS, network: 'REGTEST', openAccount: open });
    const error = await expectPaymentError(rail.createInvoice({ amountSats: 1, memo: 'x' }), 'offline');
    expect(error.message).toMatch(/opening the wallet/u);
    await expect(rail.createInvoice({ amountSats: 1, memo: 'x' })).resolves.toMatchObject({ amountSats: 1 });
    expect(attempts).toBe(2);
  });

  it('says a payment may have been sent when the connection drops during the send, and refuses to resend', async () => {
    const { author, buyer, buyerWallet, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    buyerWallet.payLightningInvoice = () =>
      Promise.reject(new SparkRequestError('Failed to execute GraphQL query', { error: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) }));
    const error = await paymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 10 }));
    expect(error).toMatchObject({ code: 'offline', maybeSent: true });
    await expectPaymentError(buyer.pay(invoice.bolt11, { maxFeeSats: 10 }), 'already-paid');
  });

  it('refuses a concurrent second payment of the same invoice', async () => {
    const { author, buyer, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    const results = await Promise.allSettled([
      buyer.pay(invoice.bolt11, { maxFeeSats: 10 }),
      buyer.pay(invoice.bolt11, { maxFeeSats: 10 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('lets the buyer pay again after a payment failed', async () => {
    const { author, buyer, buyerWallet, ledger } = setup();
    await ledger.fund('buyer', 10_000);
    const invoice = await author.createInvoice({ amountSats: 100, memo: 'x' });
    buyerWallet.failNextPay = true;
    const failed = await buyer.pay(invoice.bolt11, { maxFeeSats: 10 });
    expect(failed).toMatchObject({ state: 'failed', railStatus: 'LIGHTNING_PAYMENT_FAILED' });
    expect(failed.failure).toMatch(/try again/iu);
    expect((await buyer.pay(invoice.bolt11, { maxFeeSats: 10 })).state).toBe('succeeded');
  });

  it('erases the account\'s keys on close and refuses calls afterwards', async () => {
    const { author, authorWallet } = setup();
    const dispose = vi.spyOn(authorWallet.config.signer, 'dispose');
    await author.createInvoice({ amountSats: 1, memo: 'x' });
    await author.close();
    expect(dispose).toHaveBeenCalledTimes(1);
    await expectPaymentError(author.createInvoice({ amountSats: 1, memo: 'x' }), 'unavailable');
  });

  it('leaves no unhandled rejection when every call fails', async () => {
    const rail = new SparkRail({
      words: WORDS,
      network: 'REGTEST',
      openAccount: () => Promise.reject(new SparkRequestError('Failed to connect', { error: new Error('UNAVAILABLE: no connection') })),
    });
    await Promise.allSettled([
      rail.createInvoice({ amountSats: 1, memo: 'x' }),
      rail.invoiceStatus('x'),
      rail.quotePayment('lnbcrt1'),
      rail.paymentStatus('y'),
    ]);
    await rail.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).not.toHaveBeenCalled();
  });
});
