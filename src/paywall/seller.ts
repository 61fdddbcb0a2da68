// The author's side of the unlock protocol: answer purchase requests with signed offers, watch the
// invoices, and grant the note key once paid — on the connection, and filed in the knowledge base so any
// replica carries it to the buyer (the author may go offline right after a sale).
import { createHash } from 'node:crypto';
import type { Identity } from '../engine/identity';
import type { KnowledgeBase } from '../engine/knowledge-base';
import type { PaymentRail } from '../payments/payment-rail';
import { buyerTag, createGrant, decodeReceipt, encodeGrant, verifyReceipt } from './grant';
import { keyIdOf, noteKey } from './note-keys';
import type { AuthorOrder, OrderBook } from './order-book';
import { decodeEnvelope, type SealedNote } from './sealed-note';
import type { UnlockLink } from './unlock-channel';
import { signMessage, verifyMessage, type Claim, type Offer, type PurchaseRequest, type UnlockErrorCode } from './unlock-messages';

/** Invoices expire after this long; a late payment is still honored (orders are watched for a day). */
const INVOICE_EXPIRY_SECONDS = 10 * 60;
const WATCH_EXPIRED_MS = 24 * 60 * 60 * 1000;
const REQUESTS_PER_MINUTE = 30;

export interface SellerOptions {
  identity: Identity;
  rail: PaymentRail | null;
  orders: OrderBook<AuthorOrder>;
  /** The knowledge bases this device writes, by id. */
  knowledgeBase(kbId: string): KnowledgeBase | null;
  /** Every open link of a knowledge base (to deliver a grant to whoever is connected). */
  links(kb: KnowledgeBase): UnlockLink[];
  now?: () => number;
  /** Purchase requests one remote peer may make per minute (default 30). */
  requestsPerMinute?: number;
}

/** Sells one device's paid notes. */
export class Seller {
  private readonly opts: SellerOptions;
  private readonly now: () => number;
  private readonly recentRequests = new Map<string, number[]>();
  private polling: Promise<void> | null = null;

  constructor(opts: SellerOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  async onRequest(link: UnlockLink, kb: KnowledgeBase, request: PurchaseRequest): Promise<void> {
    if (!verifyMessage(request, kb.key, request.buyer)) return this.refuse(link, request.requestId, 'invalid', 'The request is not signed by the buyer key it names.');
    if (this.rateLimited(link.remote)) return this.refuse(link, request.requestId, 'rate-limited', 'Too many purchase requests; wait a minute and try again.');
    const note = await this.findNote(kb, request.noteId);
    if (!note) return this.refuse(link, request.requestId, 'unknown-item', 'This knowledge base sells no such note.');
    const buyer = request.buyer.toString('hex');
    const noteId = request.noteId.toString('hex');
    const owned = this.opts.orders.find((o) => o.kbId === kb.id && o.noteId === noteId && o.buyer === buyer && o.state === 'granted');
    if (owned?.grant) {
      // A second purchase of an owned note returns the existing grant, never a second invoice.
      link.send({ type: 'grant', requestId: request.requestId, noteId: request.noteId, grant: Buffer.from(owned.grant, 'hex') });
      return;
    }
    const open = this.opts.orders.find((o) => o.kbId === kb.id && o.noteId === noteId && o.buyer === buyer && o.state === 'invoiced' && o.expiresAt > this.now());
    if (open) return void link.send(this.offerFor(kb, open, request.requestId));
    if (!this.opts.rail) return this.refuse(link, request.requestId, 'payments-unavailable', 'The author has no payment rail set up right now.');
    const invoice = await this.opts.rail.createInvoice({ amountSats: note.envelope.price, memo: `Unlock "${note.envelope.title}"`.slice(0, 600), expirySeconds: INVOICE_EXPIRY_SECONDS });
    const order: AuthorOrder = {
      requestId: request.requestId.toString('hex'), kbId: kb.id, noteId, buyer, invoiceId: invoice.id, bolt11: invoice.bolt11,
      paymentHash: invoice.paymentHash, amountSats: invoice.amountSats, expiresAt: invoice.expiresAt, state: 'invoiced', createdAt: this.now(),
    };
    await this.opts.orders.put(order);
    link.send(this.offerFor(kb, order, request.requestId));
    this.schedulePoll();
  }

  /** A buyer asks again for a grant, proving payment with a receipt or with our offer and its preimage. */
  async onClaim(link: UnlockLink, kb: KnowledgeBase, claim: Claim): Promise<void> {
    if (!verifyMessage(claim, kb.key, claim.buyer)) return this.refuse(link, claim.requestId, 'invalid', 'The claim is not signed by the buyer key it names.');
    const buyer = claim.buyer.toString('hex');
    const noteId = claim.noteId.toString('hex');
    const granted = this.opts.orders.find((o) => o.kbId === kb.id && o.noteId === noteId && o.buyer === buyer && o.state === 'granted');
    if (granted?.grant) return void link.send({ type: 'grant', requestId: claim.requestId, noteId: claim.noteId, grant: Buffer.from(granted.grant, 'hex') });
    const signer = this.opts.identity.signingKeyPair();
    let amount: number | null = null;
    let paymentHash: Buffer | null = null;
    const receipt = claim.receipt ? decodeReceipt(claim.receipt) : null;
    if (receipt && verifyReceipt(receipt, signer.publicKey) && receipt.buyer.equals(claim.buyer) && receipt.noteId.equals(claim.noteId) && receipt.kbKey.equals(kb.key)) {
      amount = receipt.amount;
      paymentHash = receipt.paymentHash;
    } else if (claim.offer && claim.preimage) {
      const offer = claim.offer;
      const paid = createHash('sha256').update(claim.preimage).digest().equals(offer.paymentHash);
      if (paid && verifyMessage(offer, kb.key, signer.publicKey) && offer.buyer.equals(claim.buyer) && offer.noteId.equals(claim.noteId)) {
        amount = offer.amountSats;
        paymentHash = offer.paymentHash;
      }
    }
    if (amount === null || paymentHash === null) return this.refuse(link, claim.requestId, 'not-paid', 'No proof of payment for this note was found.');
    const order = this.opts.orders.find((o) => o.paymentHash === paymentHash.toString('hex')) ?? {
      requestId: claim.requestId.toString('hex'), kbId: kb.id, noteId, buyer, invoiceId: '', bolt11: '', paymentHash: paymentHash.toString('hex'),
      amountSats: amount, expiresAt: 0, state: 'paid' as const, createdAt: this.now(),
    };
    await this.grant(kb, { ...order, state: 'paid' }, link, claim.requestId);
  }

  /** Check every open invoice once; grant the paid ones (late payments included). */
  async pollInvoices(): Promise<void> {
    const rail = this.opts.rail;
    if (!rail) return;
    for (const order of this.opts.orders.all()) {
      const watching = order.state === 'invoiced' || order.state === 'paid' || (order.state === 'expired' && this.now() - order.expiresAt < WATCH_EXPIRED_MS);
      if (!watching) continue;
      const kb = this.opts.knowledgeBase(order.kbId);
      if (!kb) continue;
      if (order.state !== 'paid') {
        const status = await rail.invoiceStatus(order.invoiceId).catch(() => null);
        if (!status) continue;
        if (status.state === 'expired' && order.state === 'invoiced') await this.opts.orders.put({ ...order, state: 'expired' });
        if (status.state !== 'paid') continue;
        order.state = 'paid';
        await this.opts.orders.put(order);
      }
      await this.grant(kb, order, null, Buffer.from(order.requestId, 'hex')).catch((err: unknown) => {
        void this.opts.orders.put({ ...order, state: 'paid', failure: err instanceof Error ? err.message : String(err) });
      });
    }
  }

  /** Whether some order still waits for its invoice to be paid or granted. */
  hasOpenOrders(): boolean {
    return this.opts.orders.all().some((o) => o.state === 'invoiced' || o.state === 'paid' || (o.state === 'expired' && this.now() - o.expiresAt < WATCH_EXPIRED_MS));
  }

  private schedulePoll(): void {
    this.polling ??= this.pollInvoices().finally(() => { this.polling = null; });
  }

  private async grant(kb: KnowledgeBase, order: AuthorOrder, link: UnlockLink | null, requestId: Buffer): Promise<void> {
    const note = await this.findNote(kb, Buffer.from(order.noteId, 'hex'));
    if (!note) throw new Error(`The note ${order.noteId} is no longer for sale; refund the buyer.`);
    const ref = { kbKey: kb.key, noteId: note.envelope.noteId, epoch: note.envelope.epoch };
    const buyer = Buffer.from(order.buyer, 'hex');
    const grant = createGrant({
      author: this.opts.identity.signingKeyPair(), kbKey: kb.key, noteId: note.envelope.noteId, keyId: keyIdOf(ref), key: noteKey(this.opts.identity, ref),
      buyerPublicKey: buyer, amount: order.amountSats, paymentHash: Buffer.from(order.paymentHash, 'hex'), issuedAt: this.now(),
    });
    const bytes = encodeGrant(grant);
    // Filed in the knowledge base first: from then on any replica can deliver it, even with the author offline.
    await kb.putGrant(buyerTag(kb.key, buyer), note.envelope.noteId, bytes);
    await this.opts.orders.put({ ...order, state: 'granted', grant: bytes.toString('hex') });
    const message = { type: 'grant' as const, requestId, noteId: note.envelope.noteId, grant: bytes };
    if (link) link.send(message);
    else for (const open of this.opts.links(kb)) open.send(message);
  }

  private offerFor(kb: KnowledgeBase, order: AuthorOrder, requestId: Buffer): Offer {
    const offer: Offer = {
      type: 'offer', requestId, noteId: Buffer.from(order.noteId, 'hex'), buyer: Buffer.from(order.buyer, 'hex'), invoice: order.bolt11,
      paymentHash: Buffer.from(order.paymentHash, 'hex'), amountSats: order.amountSats, expiresAt: order.expiresAt, signature: Buffer.alloc(64),
    };
    return signMessage(offer, kb.key, this.opts.identity.signingKeyPair().secretKey);
  }

  private async findNote(kb: KnowledgeBase, noteId: Buffer): Promise<{ path: string; envelope: SealedNote } | null> {
    for await (const entry of kb.files()) {
      if (entry.kind !== 'paid-note') continue;
      const envelope = decodeEnvelope(await kb.read(entry, { wait: false }).catch(() => Buffer.alloc(0)));
      if (envelope?.noteId.equals(noteId)) return { path: entry.path, envelope };
    }
    return null;
  }

  private rateLimited(remote: Buffer): boolean {
    const id = remote.toString('hex');
    const now = this.now();
    const recent = (this.recentRequests.get(id) ?? []).filter((at) => now - at < 60_000);
    recent.push(now);
    this.recentRequests.set(id, recent);
    return recent.length > (this.opts.requestsPerMinute ?? REQUESTS_PER_MINUTE);
  }

  private refuse(link: UnlockLink, requestId: Buffer, code: UnlockErrorCode, message: string): void {
    link.send({ type: 'error', requestId, code, message });
  }
}
