// The unlock protocol's rules, between one seller and one buyer over a direct in-memory link.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { Identity } from '../../src/engine/identity';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { LocalLedger } from '../../src/payments/local-ledger';
import { LocalRail } from '../../src/payments/local-rail';
import type { InvoiceStatus } from '../../src/payments/payment-rail';
import { Buyer } from '../../src/paywall/buyer';
import { buyerKeyPair } from '../../src/paywall/grant';
import { OrderBook, type AuthorOrder, type BuyerPurchase } from '../../src/paywall/order-book';
import { PaidNotePublisher } from '../../src/paywall/paid-publisher';
import { PurchaseBook } from '../../src/paywall/purchases';
import { decodeEnvelope } from '../../src/paywall/sealed-note';
import { Seller } from '../../src/paywall/seller';
import type { UnlockLink } from '../../src/paywall/unlock-channel';
import { newRequestId, signMessage, type UnlockMessage } from '../../src/paywall/unlock-messages';
import { Teardown } from '../support/temp';

let teardown: Teardown;
let kb: KnowledgeBase;
let author: Identity;
let ledger: LocalLedger;
let noteId: Buffer;
let dir: string;

beforeEach(async () => {
  teardown = new Teardown();
  dir = await teardown.dir('tzimtzum-protocol-');
  ledger = new LocalLedger();
  await ledger.fund('reader', 10_000);
  author = Identity.create();
  const store = await teardown.store();
  kb = new KnowledgeBase({ store, namespace: 'kb/protocol' });
  await kb.ready();
  teardown.add(() => kb.close());
  await kb.announcePeer(Buffer.alloc(32, 1), author.signingKeyPair().publicKey);
  const sealed = (await new PaidNotePublisher({ identity: author, kb }).prepare('p.md', Buffer.from('---\nprice: 300\n---\n# P\n\nsecret\n'), null))!;
  await kb.putFiles([{ path: 'p.md', bytes: sealed.bytes, kind: sealed.kind, mtime: 0 }]);
  noteId = decodeEnvelope(await kb.read('p.md'))!.noteId;
});
afterEach(() => teardown.run());

/** A seller and a buyer joined by a link that records every message. */
function pair(opts: { sellerRail?: LocalRail | null; invoiceStatus?: (id: string) => Promise<InvoiceStatus> } = {}) {
  const sent: UnlockMessage[] = [];
  const rail = opts.sellerRail === undefined ? new LocalRail({ ledger, wallet: 'author' }) : opts.sellerRail;
  if (rail && opts.invoiceStatus) rail.invoiceStatus = opts.invoiceStatus;
  const orders = new OrderBook<AuthorOrder>(path.join(dir, `orders-${Math.random()}.json`));
  const late: { buyer?: Buyer } = {}; // created below; the links call it later
  const toSeller: UnlockLink = {
    remote: Buffer.alloc(32, 2), discoveryKey: kb.discoveryKey,
    send: (m) => {
      sent.push(m);
      if (m.type === 'request') void seller.onRequest(fromSeller, kb, m);
      if (m.type === 'claim') void seller.onClaim(fromSeller, kb, m);
      return true;
    },
  };
  const fromSeller: UnlockLink = {
    remote: Buffer.alloc(32, 3), discoveryKey: kb.discoveryKey,
    send: (m) => {
      sent.push(m);
      if (m.type !== 'request' && m.type !== 'claim') void late.buyer!.onMessage(toSeller, kb, m);
      return true;
    },
  };
  const seller = new Seller({ identity: author, rail, orders, knowledgeBase: () => kb, links: () => [fromSeller] });
  const reader = Identity.create();
  const keys = new PurchaseBook(path.join(dir, `keys-${Math.random()}.json`));
  const buyer = new Buyer({
    identity: reader, rail: new LocalRail({ ledger, wallet: 'reader' }), keys, knowledgeBase: () => kb, links: () => [toSeller], offerTimeoutMs: 2000,
    purchases: new OrderBook<BuyerPurchase>(path.join(dir, `purchases-${Math.random()}.json`)),
  });
  late.buyer = buyer;
  return { seller, buyer, keys, sent, reader, toSeller, fromSeller, orders };
}

describe('unlock protocol', () => {
  it('refuses a purchase request whose signature does not match its buyer key', async () => {
    const { seller, sent, fromSeller } = pair();
    const someone = buyerKeyPair(Identity.create(), kb.key);
    const forged = signMessage({ type: 'request', requestId: newRequestId(), noteId, buyer: Buffer.alloc(32, 9), sentAt: 0, signature: Buffer.alloc(64) }, kb.key, someone.secretKey);
    await seller.onRequest(fromSeller, kb, forged);
    expect(sent.at(-1)).toMatchObject({ type: 'error', code: 'invalid' });
  });

  it('rejects an offer not signed by the knowledge base\'s author, paying nothing', async () => {
    const { buyer, toSeller } = pair();
    toSeller.send = () => true; // the author is unreachable; only the impostor answers
    const offerPromise = buyer.requestOffer(kb.id, noteId);
    const impostor = Identity.create().signingKeyPair();
    const me = buyerKeyPair((buyer as unknown as { opts: { identity: Identity } }).opts.identity, kb.key).publicKey;
    const requestId = Buffer.from((await new Promise<BuyerPurchase>((resolve) => buyer.once('changed', resolve))).requestId, 'hex');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the request is on its way
    const fake = signMessage({ type: 'offer', requestId, noteId, buyer: me, invoice: 'lnbcrt1x', paymentHash: Buffer.alloc(32), amountSats: 300, expiresAt: 0, signature: Buffer.alloc(64) }, kb.key, impostor.secretKey);
    await buyer.onMessage(toSeller, kb, fake);
    await expect(offerPromise).rejects.toMatchObject({ code: 'bad-offer' });
    expect(await ledger.balanceSats('reader')).toBe(10_000);
  });

  it('ignores a grant made for another buyer', async () => {
    const first = pair();
    const offer = await first.buyer.requestOffer(kb.id, noteId);
    await first.buyer.payWithWallet(offer.requestId, { maxFeeSats: 10 });
    await first.seller.pollInvoices();
    const grant = first.sent.find((m) => m.type === 'grant');
    expect(grant).toBeDefined();
    expect(first.keys.has(kb.id, noteId)).toBe(true);

    const second = pair();
    await second.buyer.onMessage(second.toSeller, kb, grant!); // replayed to someone else
    expect(second.keys.has(kb.id, noteId)).toBe(false);
  });

  it('honors a payment that settles after the invoice expired', async () => {
    let settled = false;
    const { seller, buyer, keys, orders } = pair({
      invoiceStatus: () => Promise.resolve(settled ? { state: 'paid' as const, paidAt: Date.now() } : { state: 'expired' as const }),
    });
    await buyer.requestOffer(kb.id, noteId);
    await seller.pollInvoices();
    expect(orders.all()[0].state).toBe('expired');
    settled = true;
    await seller.pollInvoices();
    expect(orders.all()[0].state).toBe('granted');
    for (let i = 0; i < 100 && !keys.has(kb.id, noteId); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(keys.has(kb.id, noteId)).toBe(true);
  });

  it('never lets the ciphertext decrypt without a grant', async () => {
    const { buyer, keys } = pair();
    await buyer.checkKnowledgeBase(kb);
    expect(keys.has(kb.id, noteId)).toBe(false);
    expect((await kb.read('p.md')).toString('latin1')).not.toContain('secret');
  });
});
