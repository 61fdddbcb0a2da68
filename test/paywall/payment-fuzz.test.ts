// At least 200 purchases with injected payment-rail faults, lost and duplicated messages and restarts of
// both sides: once the network heals, every payment has unlocked its note and no note unlocked unpaid.
import { afterEach, expect, it } from 'vitest';
import path from 'node:path';
import { Identity } from '../../src/engine/identity';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { LocalLedger } from '../../src/payments/local-ledger';
import { LocalRail } from '../../src/payments/local-rail';
import { Buyer } from '../../src/paywall/buyer';
import { buyerKeyPair } from '../../src/paywall/grant';
import { OrderBook, type AuthorOrder, type BuyerPurchase } from '../../src/paywall/order-book';
import { PaidNotePublisher } from '../../src/paywall/paid-publisher';
import { PurchaseBook } from '../../src/paywall/purchases';
import { decodeEnvelope } from '../../src/paywall/sealed-note';
import { Seller } from '../../src/paywall/seller';
import type { UnlockLink } from '../../src/paywall/unlock-channel';
import type { UnlockMessage } from '../../src/paywall/unlock-messages';
import { Teardown, seededRandom, testSeed } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

const NOTES = 10;
const BUYERS = 20; // 20 buyers × 10 notes = 200 purchases
const PRICE = 500;

it(`ends with 0 unlocks without payment and 0 payments without unlock over ${NOTES * BUYERS} purchases with faults`, async () => {
  const seed = testSeed('payment-fuzz');
  const random = seededRandom(seed);
  const dir = await teardown.dir('tzimtzum-payfuzz-');
  const ledger = new LocalLedger();

  // The author's knowledge base with paid notes, and a reader's replica of it.
  const authorIdentity = Identity.create();
  const authorStore = await teardown.store();
  const kb = new KnowledgeBase({ store: authorStore, namespace: 'kb/shop' });
  await kb.ready();
  teardown.add(() => kb.close());
  await kb.announcePeer(Buffer.alloc(32, 1), authorIdentity.signingKeyPair().publicKey);
  const publisher = new PaidNotePublisher({ identity: authorIdentity, kb });
  for (let i = 0; i < NOTES; i++) {
    const text = `---\nprice: ${PRICE}\n---\n# Note ${i}\n\nsecret ${i}\n`;
    const sealed = (await publisher.prepare(`n${i}.md`, Buffer.from(text), null))!;
    await kb.putFiles([{ path: `n${i}.md`, bytes: sealed.bytes, kind: sealed.kind, mtime: 0 }]);
  }
  const readerStore = await teardown.store();
  const replica = new KnowledgeBase({ store: readerStore, namespace: 'kb/shop-replica', key: kb.key });
  await replica.ready();
  teardown.add(() => replica.close());
  const s1 = authorStore.replicate(true);
  const s2 = readerStore.replicate(false);
  s1.pipe(s2).pipe(s1);
  teardown.add(() => { s1.destroy(); s2.destroy(); });
  for (let i = 0; i < 200 && replica.version < kb.version; i++) { await replica.update(); await new Promise((r) => setTimeout(r, 20)); }
  await replica.ready(); // refresh writer keys
  for (let i = 0; i < 100 && (await replica.signingKeys()).length === 0; i++) { await replica.update(); await new Promise((r) => setTimeout(r, 20)); }
  const noteIds: Buffer[] = [];
  for await (const entry of kb.files()) noteIds.push(decodeEnvelope(await kb.read(entry))!.noteId);

  // A lossy in-memory network between one seller and many buyers.
  let dropRate = 0.1;
  const inFlight: Promise<void>[] = [];
  const deliver = (fn: () => Promise<void>) => {
    if (random() < dropRate) return true; // lost
    const run = new Promise<void>((resolve) => setTimeout(resolve, Math.floor(random() * 5))).then(fn).catch(() => undefined);
    inFlight.push(run);
    if (random() < 0.05) inFlight.push(run.then(fn).catch(() => undefined)); // duplicated
    return true;
  };
  const authorRail = new LocalRail({ ledger, wallet: 'author' });
  const orders = new OrderBook<AuthorOrder>(path.join(dir, 'author-orders.json'));
  let seller: Seller;
  const buyers: { buyer: Buyer; identity: Identity; rail: LocalRail; book: PurchaseBook; wallet: string; toSeller: UnlockLink; fromSeller: UnlockLink }[] = [];
  const makeSeller = () => new Seller({
    identity: authorIdentity, rail: authorRail, orders, knowledgeBase: () => kb,
    links: () => buyers.map((b) => b.fromSeller), requestsPerMinute: 10_000,
  });
  seller = makeSeller();

  for (let i = 0; i < BUYERS; i++) {
    const identity = Identity.create();
    const wallet = `buyer-${i}`;
    await ledger.fund(wallet, PRICE * NOTES * 2);
    const rail = new LocalRail({ ledger, wallet });
    const book = new PurchaseBook(path.join(dir, `${wallet}-keys.json`));
    const purchases = new OrderBook<BuyerPurchase>(path.join(dir, `${wallet}-purchases.json`));
    const slot = { buyer: null as unknown as Buyer, identity, rail, book, wallet, toSeller: null as unknown as UnlockLink, fromSeller: null as unknown as UnlockLink };
    const remote = Buffer.alloc(32, i + 2);
    slot.toSeller = {
      remote, discoveryKey: kb.discoveryKey,
      send: (message: UnlockMessage) => deliver(async () => {
        if (message.type === 'request') await seller.onRequest(slot.fromSeller, kb, message);
        else if (message.type === 'claim') await seller.onClaim(slot.fromSeller, kb, message);
      }),
    };
    slot.fromSeller = {
      remote: Buffer.alloc(32, 200), discoveryKey: kb.discoveryKey,
      send: (message: UnlockMessage) => deliver(async () => {
        if (message.type === 'offer' || message.type === 'grant' || message.type === 'error') await slot.buyer.onMessage(slot.toSeller, replica, message);
      }),
    };
    slot.buyer = new Buyer({ identity, rail, purchases, keys: book, knowledgeBase: () => replica, links: () => [slot.toSeller], offerTimeoutMs: 200 });
    buyers.push(slot);
  }

  // Phase 1: every buyer tries to buy every note under faults; authors and buyers restart at random.
  const attempts = buyers.flatMap((b) => noteIds.map((noteId) => ({ b, noteId })));
  for (const { b, noteId } of attempts) {
    b.rail.faults.failNextPay = random() < 0.1;
    b.rail.faults.dropNextPayReply = random() < 0.05;
    b.rail.faults.offline = random() < 0.05;
    // A reader clicks "Unlock" again when an attempt fails before paying (at most 4 times).
    for (let click = 0; click < 4; click++) {
      try {
        const offer = await b.buyer.requestOffer(replica.id, noteId);
        await b.buyer.payWithWallet(offer.requestId, { maxFeeSats: 50 });
        break;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'already-owned' || (err as { maybeSent?: boolean }).maybeSent) break; // recovery below sorts it out
      }
    }
    if (random() < 0.02) {
      await Promise.all(inFlight.splice(0));
      seller = makeSeller(); // the author restarts: only its persisted orders survive
    }
  }

  // Phase 2: the network heals; invoices are polled, grants replicate, buyers resume.
  dropRate = 0;
  for (const b of buyers) b.rail.faults = {};
  for (let round = 0; round < 20; round++) {
    await Promise.all(inFlight.splice(0));
    await seller.pollInvoices();
    for (let i = 0; i < 20 && replica.version < kb.version; i++) { await replica.update(); await new Promise((r) => setTimeout(r, 10)); }
    for (const b of buyers) await b.buyer.resume(replica);
    await Promise.all(inFlight.splice(0));
    if (!seller.hasOpenOrders()) break;
  }

  // Invariants: every paid invoice unlocked its note for its payer; nothing unlocked without a payment.
  const state = await ledger.snapshot();
  const paidBy = new Map<string, string>(); // paymentHash → payer wallet
  for (const payment of Object.values(state.payments)) if (payment.state === 'succeeded') paidBy.set(payment.paymentHash, payment.wallet);
  let payments = 0;
  let unlocks = 0;
  let unlockedWithoutPayment = 0;
  let paidWithoutUnlock = 0;
  for (const b of buyers) {
    const me = buyerKeyPair(b.identity, kb.key).publicKey.toString('hex');
    for (const noteId of noteIds) {
      const paidOrders = orders.all().filter((o) => o.buyer === me && o.noteId === noteId.toString('hex') && paidBy.get(o.paymentHash) === b.wallet);
      const unlocked = b.book.has(replica.id, noteId);
      if (paidOrders.length > 0) payments++;
      if (unlocked) unlocks++;
      if (unlocked && paidOrders.length === 0) unlockedWithoutPayment++;
      if (!unlocked && paidOrders.length > 0) paidWithoutUnlock++;
    }
  }
  console.log(`payment-fuzz: ${payments} purchases paid, ${unlocks} unlocked, ${attempts.length} attempted`);
  expect(unlockedWithoutPayment).toBe(0);
  expect(paidWithoutUnlock).toBe(0);
  expect(payments).toBeGreaterThan(attempts.length / 2); // the faults did not simply prevent every purchase
}, 240_000);
