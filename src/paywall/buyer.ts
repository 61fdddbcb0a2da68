// The reader's side of the unlock protocol: ask the author for an offer, pay it (with the built-in rail or
// any Lightning wallet), and accept the grant only after verifying it — from the connection or from the
// knowledge base's grants namespace, where any replica carries it.
import { EventEmitter } from 'node:events';
import type { Identity } from '../engine/identity';
import type { KnowledgeBase } from '../engine/knowledge-base';
import type { PaymentRail } from '../payments/payment-rail';
import { buyerKeyPair, buyerTag, decodeGrant, encodeReceipt, openGrant, type Receipt } from './grant';
import type { BuyerPurchase, OrderBook } from './order-book';
import type { PurchaseBook } from './purchases';
import { decodeEnvelope, openNote } from './sealed-note';
import { keyIdOf } from './note-keys';
import type { UnlockLink } from './unlock-channel';
import { decodeMessage, encodeMessage, newRequestId, signMessage, verifyMessage, type GrantMessage, type Offer, type UnlockError } from './unlock-messages';

/** What the unlock panel shows before paying. */
export interface OfferView {
  requestId: string;
  kbId: string;
  noteId: string;
  title: string;
  amountSats: number;
  bolt11: string;
  expiresAt: number;
}

/** Errors a reader can act on. */
export class PurchaseError extends Error {
  constructor(readonly code: 'author-offline' | 'refused' | 'bad-offer' | 'unknown-note' | 'no-wallet' | 'not-offered' | 'timeout' | 'already-owned', message: string) {
    super(message);
  }
}

export interface BuyerOptions {
  identity: Identity;
  rail: PaymentRail | null;
  purchases: OrderBook<BuyerPurchase>;
  keys: PurchaseBook;
  knowledgeBase(kbId: string): KnowledgeBase | null;
  links(kb: KnowledgeBase): UnlockLink[];
  offerTimeoutMs?: number;
  now?: () => number;
}

type Events = {
  unlocked: [kbId: string, noteId: string];
  changed: [purchase: BuyerPurchase];
};

/** Buys paid notes for this device. */
export class Buyer extends EventEmitter<Events> {
  private readonly opts: BuyerOptions;
  private readonly now: () => number;
  private readonly waiters = new Map<string, { resolve: (offer: Offer) => void; reject: (err: Error) => void }>();

  constructor(opts: BuyerOptions) {
    super();
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Ask the author (or whoever sells it) for an offer; resolves with the invoice to pay. */
  async requestOffer(kbId: string, noteId: Buffer): Promise<OfferView> {
    const kb = this.requireKb(kbId);
    if (this.opts.keys.has(kbId, noteId)) throw new PurchaseError('already-owned', 'You already own this note on this device.');
    const envelope = await this.envelopeOf(kb, noteId);
    if (!envelope) throw new PurchaseError('unknown-note', 'This note is not a paid note of this knowledge base.');
    const links = this.opts.links(kb);
    if (links.length === 0) throw new PurchaseError('author-offline', 'No peer that sells this note is online. Try again when the author is online.');
    const me = buyerKeyPair(this.opts.identity, kb.key);
    const requestId = newRequestId();
    const request = signMessage({ type: 'request', requestId, noteId, buyer: me.publicKey, sentAt: this.now(), signature: Buffer.alloc(64) }, kb.key, me.secretKey);
    const purchase: BuyerPurchase = { requestId: requestId.toString('hex'), kbId, noteId: noteId.toString('hex'), state: 'requested', updatedAt: this.now() };
    await this.save(purchase);
    const offer = await new Promise<Offer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(purchase.requestId);
        reject(new PurchaseError('timeout', 'The author did not answer. Try again in a moment.'));
      }, this.opts.offerTimeoutMs ?? 15_000);
      this.waiters.set(purchase.requestId, {
        resolve: (value) => { clearTimeout(timer); resolve(value); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      });
      for (const link of links) link.send(request);
    });
    if (offer.amountSats !== envelope.price) throw new PurchaseError('bad-offer', `The offer asks ${offer.amountSats} sats, not the ${envelope.price} sats the note shows; nothing was paid.`);
    await this.save({ ...purchase, state: 'offered', offer: encodeMessage(offer).toString('hex'), bolt11: offer.invoice, amountSats: offer.amountSats });
    return { requestId: purchase.requestId, kbId, noteId: purchase.noteId, title: envelope.title, amountSats: offer.amountSats, bolt11: offer.invoice, expiresAt: offer.expiresAt };
  }

  /** Pay an offer with this device's wallet (at most `maxFeeSats` in fees), then wait for the grant. */
  async payWithWallet(requestId: string, opts: { maxFeeSats: number }): Promise<BuyerPurchase> {
    const rail = this.opts.rail;
    if (!rail) throw new PurchaseError('no-wallet', 'No wallet is set up on this device. Pay the invoice with any Lightning wallet instead.');
    const purchase = this.opts.purchases.get(requestId);
    if (!purchase?.bolt11 || purchase.state !== 'offered') throw new PurchaseError('not-offered', 'There is no open offer to pay. Ask for a new one.');
    // Persisted before paying: Spark has no idempotency key, so a crash must never lead to paying twice.
    await this.save({ ...purchase, state: 'paying' });
    const payment = await rail.pay(purchase.bolt11, { maxFeeSats: opts.maxFeeSats }).catch(async (err: unknown) => {
      await this.save({ ...purchase, state: 'offered', failure: err instanceof Error ? err.message : String(err) });
      throw err;
    });
    const paid: BuyerPurchase = { ...purchase, state: payment.state === 'failed' ? 'offered' : 'paid', paymentId: payment.id, preimage: payment.preimage, failure: payment.failure };
    await this.save(paid);
    if (paid.state === 'paid') await this.claim(paid);
    return this.opts.purchases.get(requestId)!;
  }

  /** Deliver what arrived on a link: offers resolve requests, grants unlock, errors reject. */
  async onMessage(link: UnlockLink, kb: KnowledgeBase, message: Offer | GrantMessage | UnlockError): Promise<void> {
    const requestId = message.requestId.toString('hex');
    if (message.type === 'offer') {
      const waiter = this.waiters.get(requestId);
      if (!waiter) return;
      this.waiters.delete(requestId);
      const me = buyerKeyPair(this.opts.identity, kb.key);
      const signedByWriter = (await kb.signingKeys()).some((key) => verifyMessage(message, kb.key, key));
      if (!signedByWriter || !message.buyer.equals(me.publicKey)) waiter.reject(new PurchaseError('bad-offer', 'The offer is not signed by this knowledge base\'s author, or not for you; nothing was paid.'));
      else waiter.resolve(message);
      return;
    }
    if (message.type === 'error') {
      const waiter = this.waiters.get(requestId);
      this.waiters.delete(requestId);
      waiter?.reject(new PurchaseError('refused', message.message));
      return;
    }
    await this.acceptGrant(kb, message.noteId, message.grant);
    // A grant in answer to a request: the author says this buyer already owns the note.
    const waiter = this.waiters.get(requestId);
    this.waiters.delete(requestId);
    waiter?.reject(new PurchaseError('already-owned', 'You already own this note; it is unlocked now.'));
  }

  /** Look for grants of open purchases in the knowledge base (after each update). */
  async checkKnowledgeBase(kb: KnowledgeBase): Promise<void> {
    const open = this.opts.purchases.all().filter((p) => p.kbId === kb.id && p.state !== 'unlocked' && p.state !== 'failed');
    if (open.length === 0) return;
    const tag = buyerTag(kb.key, buyerKeyPair(this.opts.identity, kb.key).publicKey);
    for (const purchase of open) {
      const grant = await kb.grant(tag, Buffer.from(purchase.noteId, 'hex'), { timeout: 5000 }).catch(() => null);
      if (grant) await this.acceptGrant(kb, Buffer.from(purchase.noteId, 'hex'), grant);
    }
  }

  /** Restore every purchase of a knowledge base from its grants namespace (a fresh device, the seed alone). */
  async restore(kb: KnowledgeBase): Promise<number> {
    const me = buyerKeyPair(this.opts.identity, kb.key);
    const grants = await kb.grantsFor(buyerTag(kb.key, me.publicKey), { timeout: 10_000 });
    let restored = 0;
    for (const { noteId, grant } of grants) if (await this.acceptGrant(kb, noteId, grant)) restored++;
    return restored;
  }

  /** Resume after a restart: re-claim paid purchases and look for filed grants. */
  async resume(kb: KnowledgeBase): Promise<void> {
    for (const purchase of this.opts.purchases.all().filter((p) => p.kbId === kb.id && p.state === 'paid')) await this.claim(purchase).catch(() => undefined);
    await this.checkKnowledgeBase(kb);
  }

  private claim(purchase: BuyerPurchase): Promise<void> {
    const kb = this.requireKb(purchase.kbId);
    const offer = purchase.offer ? decodeMessage(Buffer.from(purchase.offer, 'hex')) : null;
    if (!offer || offer.type !== 'offer' || !purchase.preimage) return Promise.resolve();
    const me = buyerKeyPair(this.opts.identity, kb.key);
    const claim = signMessage({
      type: 'claim', requestId: Buffer.from(purchase.requestId, 'hex'), noteId: offer.noteId, buyer: me.publicKey, receipt: null, offer,
      preimage: Buffer.from(purchase.preimage, 'hex'), signature: Buffer.alloc(64),
    }, kb.key, me.secretKey);
    for (const link of this.opts.links(kb)) link.send(claim);
    return Promise.resolve();
  }

  /** Verify a grant (author signature, key id, AEAD via key check) before anything is shown; returns whether it unlocked. */
  private async acceptGrant(kb: KnowledgeBase, noteId: Buffer, bytes: Buffer): Promise<boolean> {
    if (this.opts.keys.has(kb.id, noteId)) return false;
    const grant = decodeGrant(bytes);
    const envelope = await this.envelopeOf(kb, noteId);
    if (!grant || !envelope) return false;
    const me = buyerKeyPair(this.opts.identity, kb.key);
    const keyId = keyIdOf({ kbKey: kb.key, noteId, epoch: envelope.epoch });
    let opened: { key: Buffer; receipt: Receipt } | null = null;
    for (const authorPublicKey of await kb.signingKeys()) {
      try {
        opened = openGrant(grant, me, { authorPublicKey, kbKey: kb.key, noteId, keyId });
        break;
      } catch {
        // Not this writer's grant, or forged: try the next writer, then give up.
      }
    }
    if (!opened) return false;
    try {
      openNote(envelope, opened.key, { kbKey: kb.key }); // the key must really open the published note
    } catch {
      return false;
    }
    await this.opts.keys.add({
      kbId: kb.id, noteId: noteId.toString('hex'), key: opened.key.toString('hex'), keyId: keyId.toString('hex'),
      receipt: encodeReceipt(opened.receipt).toString('hex'), amountSats: opened.receipt.amount, unlockedAt: this.now(),
    });
    for (const purchase of this.opts.purchases.all().filter((p) => p.kbId === kb.id && p.noteId === noteId.toString('hex'))) {
      await this.save({ ...purchase, state: 'unlocked' });
    }
    this.emit('unlocked', kb.id, noteId.toString('hex'));
    return true;
  }

  private async envelopeOf(kb: KnowledgeBase, noteId: Buffer) {
    for await (const entry of kb.files()) {
      if (entry.kind !== 'paid-note') continue;
      const bytes = await kb.read(entry, { timeout: 10_000 }).catch(() => null);
      const envelope = bytes ? decodeEnvelope(bytes) : null;
      if (envelope?.noteId.equals(noteId)) return envelope;
    }
    return null;
  }

  private requireKb(kbId: string): KnowledgeBase {
    const kb = this.opts.knowledgeBase(kbId);
    if (!kb) throw new PurchaseError('unknown-note', 'You do not follow this knowledge base on this device.');
    return kb;
  }

  private async save(purchase: BuyerPurchase): Promise<void> {
    const record = { ...purchase, updatedAt: this.now() };
    await this.opts.purchases.put(record);
    this.emit('changed', record);
  }
}
