// Paid notes on one peer: the unlock channel on every connection, the seller for knowledge bases this
// device writes, the buyer for the ones it follows, and the keys it has unlocked.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Identity } from '../engine/identity';
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import type { PaymentRail } from '../payments/payment-rail';
import { Buyer, type OfferView } from './buyer';
import { OrderBook, type AuthorOrder, type BuyerPurchase } from './order-book';
import { renderPaidNote } from './paid-renderer';
import { PurchaseBook, type Purchase } from './purchases';
import { Seller } from './seller';
import { UnlockTransport } from './unlock-channel';

const POLL_INTERVAL_MS = 1000;

export interface PaywallOptions {
  identity: Identity;
  dataDir: string;
  /** The author's rail (invoices); null: this device does not sell. */
  sellerRail: PaymentRail | null;
  /** The reader's rail ("pay with my wallet"); null: pay with any external Lightning wallet. */
  buyerRail: PaymentRail | null;
  knowledgeBase(kbId: string): KnowledgeBase | null;
}

type Events = {
  unlocked: [kbId: string, noteId: string];
  purchase: [purchase: BuyerPurchase];
  error: [message: string];
};

/** The paid-notes service of a peer. */
export class Paywall extends EventEmitter<Events> {
  readonly transport: UnlockTransport;
  readonly seller: Seller;
  readonly buyer: Buyer;
  readonly keys: PurchaseBook;
  private readonly byDiscoveryKey = new Map<string, KnowledgeBase>();
  private readonly cleanups = new Map<string, () => void>();
  private readonly timer: NodeJS.Timeout;

  private constructor(opts: PaywallOptions, books: { orders: OrderBook<AuthorOrder>; purchases: OrderBook<BuyerPurchase>; keys: PurchaseBook }) {
    super();
    this.keys = books.keys;
    const links = (kb: KnowledgeBase) => this.transport.links(kb.discoveryKey);
    this.seller = new Seller({ identity: opts.identity, rail: opts.sellerRail, orders: books.orders, knowledgeBase: (id) => opts.knowledgeBase(id), links });
    this.buyer = new Buyer({ identity: opts.identity, rail: opts.buyerRail, purchases: books.purchases, keys: books.keys, knowledgeBase: (id) => opts.knowledgeBase(id), links });
    this.buyer.on('unlocked', (kbId, noteId) => this.emit('unlocked', kbId, noteId));
    this.buyer.on('changed', (purchase) => this.emit('purchase', purchase));
    this.transport = new UnlockTransport({
      onMessage: (link, message) => {
        const kb = this.byDiscoveryKey.get(link.discoveryKey.toString('hex'));
        if (!kb) return;
        const handled = message.type === 'request' || message.type === 'claim'
          ? (kb.writable ? (message.type === 'request' ? this.seller.onRequest(link, kb, message) : this.seller.onClaim(link, kb, message)) : Promise.resolve())
          : this.buyer.onMessage(link, kb, message);
        handled.catch((err: unknown) => this.emit('error', err instanceof Error ? err.message : String(err)));
      },
    });
    this.timer = setInterval(() => {
      if (this.seller.hasOpenOrders()) void this.seller.pollInvoices().catch(() => undefined);
    }, POLL_INTERVAL_MS);
    this.timer.unref();
  }

  /** Load the persistent state machines from the data folder. */
  static async open(opts: PaywallOptions): Promise<Paywall> {
    const folder = path.join(opts.dataDir, 'paid-notes');
    const orders = new OrderBook<AuthorOrder>(path.join(folder, 'orders.json'));
    const purchases = new OrderBook<BuyerPurchase>(path.join(folder, 'purchases-in-progress.json'));
    const keys = new PurchaseBook(path.join(folder, 'unlocked-notes.json'));
    await Promise.all([orders.load(), purchases.load(), keys.load()]);
    return new Paywall(opts, { orders, purchases, keys });
  }

  /** Serve a knowledge base: its unlock channel, its grants, and resuming its open purchases. */
  addKnowledgeBase(kb: KnowledgeBase): void {
    const id = kb.discoveryKey.toString('hex');
    if (this.byDiscoveryKey.has(id)) return;
    this.byDiscoveryKey.set(id, kb);
    this.transport.addTopic(kb.discoveryKey);
    const onUpdate = () => void this.buyer.checkKnowledgeBase(kb).catch(() => undefined);
    kb.on('update', onUpdate);
    this.cleanups.set(id, () => kb.off('update', onUpdate));
    if (!kb.writable) void this.buyer.resume(kb).catch(() => undefined);
  }

  removeKnowledgeBase(kb: KnowledgeBase): void {
    const id = kb.discoveryKey.toString('hex');
    this.cleanups.get(id)?.();
    this.cleanups.delete(id);
    this.byDiscoveryKey.delete(id);
    this.transport.removeTopic(kb.discoveryKey);
  }

  /** Attach the unlock channel to a new connection. */
  attach(stream: Duplex, remote: Buffer): void {
    this.transport.attach(stream, remote);
  }

  /** What a mount writes for a paid note of `kb`. */
  render(kb: KnowledgeBase, entry: FileEntry, bytes: Uint8Array): Uint8Array {
    return renderPaidNote(kb, this.keys, entry, bytes);
  }

  requestOffer(kbId: string, noteId: Buffer): Promise<OfferView> {
    return this.buyer.requestOffer(kbId, noteId);
  }

  payWithWallet(requestId: string, opts: { maxFeeSats: number }): Promise<BuyerPurchase> {
    return this.buyer.payWithWallet(requestId, opts);
  }

  /** Restore purchases of a knowledge base from its grants (with the mnemonic alone). */
  restore(kb: KnowledgeBase): Promise<number> {
    return this.buyer.restore(kb);
  }

  purchases(kbId?: string): Purchase[] {
    return this.keys.list(kbId);
  }

  close(): void {
    clearInterval(this.timer);
    for (const cleanup of this.cleanups.values()) cleanup();
    this.cleanups.clear();
    this.transport.close();
  }
}
