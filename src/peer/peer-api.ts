// The one interface the plugin's UI talks to. Every call is async and takes and returns plain data,
// and everything the peer reports arrives as serializable events, so the peer can later move to
// another process (a worker, a helper app) without the UI changing. `LocalPeerApi` runs it in process.
import { EventEmitter } from 'node:events';
import { Identity, IdentityError } from '../engine/identity';
import { identityExists, identityFileOf, loadIdentity, saveIdentity } from '../engine/identity-file';
import type { DriftRestored, MountMode } from '../mount/mount';
import type { BootstrapNode } from '../net/dht-settings';
import type { PaymentQuote, PaymentRail } from '../payments/payment-rail';
import type { OfferView } from '../paywall/buyer';
import { NOTE_ID_BYTES } from '../paywall/note-keys';
import { paidNotesOf, purchaseUpdate, receiptsOf, walletInfoOf, walletProblem, type PaidNoteInfo, type PurchaseUpdate, type ReceiptInfo, type WalletInfo, type WalletInvoice } from './paid-notes';
import { Peer, type KnowledgeBaseStatus, type PeerOptions } from './peer';
import { PeerApiError } from './peer-api-error';
import { previewKnowledgeBase, type KnowledgeBasePreview } from './kb-preview';
import { LocalWriterApi, forwardWriterEvents, type WriterApi, type WriterEvent } from './peer-api-writers';
import { railFor, type WalletConfig } from './wallet-rail';

export type { KnowledgeBaseStatus } from './peer';
export type { OfferView } from '../paywall/buyer';
export type { PaymentQuote } from '../payments/payment-rail';
export type { PaidNoteInfo, PurchaseUpdate, ReceiptInfo, WalletInfo, WalletInvoice } from './paid-notes';
export type { WalletConfig, WalletKind } from './wallet-rail';
export { PeerApiError, type PeerApiErrorCode } from './peer-api-error';
export type { KnowledgeBasePreview } from './kb-preview';
export type { InviteStatus, InviteView, NewInviteView, WriterApi, WriterEvent, WriterRole, WriterView } from './peer-api-writers';

/** Where the peer keeps its data and which DHT it joins. */
export interface PeerConfig {
  dataDir: string;
  /** Bootstrap nodes, or null for the public HyperDHT. */
  bootstrap: BootstrapNode[] | null;
  /** The wallet paid notes are sold and bought with; none when absent. */
  wallet?: WalletConfig;
}

/** The identity in a data folder, without its secrets. */
export interface IdentityInfo {
  exists: boolean;
  fingerprint: string | null;
  deviceIndex: number | null;
}

/** Everything the peer tells the UI, as plain data. */
export type PeerEvent =
  | { type: 'running'; running: boolean }
  | { type: 'changed' }
  | { type: 'status'; id: string; peers: number; lastSync: number | null }
  | { type: 'progress'; id: string; side: 'share' | 'mount'; phase: string; done: number; total: number }
  | { type: 'synced'; id: string; written: number; removed: number; moved: number; errors: string[] }
  | { type: 'restored'; id: string; path: string; conflictCopy: string | null; kind: 'edited' | 'deleted' }
  | { type: 'rejected'; id: string; count: number; first: string }
  | { type: 'deletions-held'; id: string; count: number; side: 'share' | 'mount' | 'co-edit' }
  | { type: 'error'; id: string | null; message: string }
  | { type: 'purchase'; purchase: PurchaseUpdate }
  | { type: 'unlocked'; id: string; noteId: string }
  | WriterEvent;

/** The peer as the UI sees it (the writer calls are in peer-api-writers.ts). */
export interface PeerApi extends WriterApi {
  start(config: PeerConfig): Promise<void>;
  stop(): Promise<void>;
  isRunning(): Promise<boolean>;
  share(folder: string, opts: { title?: string; description?: string; ignore?: string[] }): Promise<KnowledgeBaseStatus>;
  stopSharing(id: string): Promise<void>;
  subscribe(link: string, opts: { folder: string; mode: MountMode }): Promise<KnowledgeBaseStatus>;
  unsubscribe(id: string): Promise<void>;
  setPaused(id: string, paused: boolean): Promise<void>;
  list(): Promise<KnowledgeBaseStatus[]>;
  preview(link: string, opts?: { timeoutMs?: number; maxFiles?: number }): Promise<KnowledgeBasePreview>;
  fetchStub(id: string, path: string): Promise<void>;
  checkDrift(id: string, paths: string[]): Promise<DriftRestored[]>;
  /** Write a subscription's notes again with the current rendering (after the reader changed an opt-in). */
  rerender(id: string): Promise<number>;
  confirmDeletions(id: string): Promise<number>;
  identity(dataDir: string): Promise<IdentityInfo>;
  createIdentity(dataDir: string): Promise<IdentityInfo>;
  importIdentity(dataDir: string, words: string, deviceIndex: number): Promise<IdentityInfo>;
  recoveryWords(dataDir: string): Promise<string>;
  /** The paid notes of a followed knowledge base, locked or unlocked. */
  lockedNotes(kbId: string): Promise<PaidNoteInfo[]>;
  /** Ask the author for an invoice for one note (price checked against the signed envelope). */
  requestOffer(kbId: string, noteIdHex: string): Promise<OfferView>;
  /** What paying an invoice with this device's wallet costs, fee included, before paying. */
  quote(bolt11: string): Promise<PaymentQuote>;
  payWithWallet(requestId: string, maxFeeSats: number): Promise<PurchaseUpdate>;
  /** Unlock again, from the knowledge base's grants, every note this identity bought; returns how many. */
  restorePurchases(kbId: string): Promise<number>;
  purchases(): Promise<ReceiptInfo[]>;
  /** The receipts as JSON, for the user's records. */
  exportPurchases(): Promise<string>;
  wallet(): Promise<WalletInfo>;
  /** An invoice that pays into this device's wallet. */
  walletInvoice(amountSats: number): Promise<WalletInvoice>;
  onEvent(listener: (event: PeerEvent) => void): () => void;
}

/** The ports the in-process peer needs from its host (the plugin passes vault adapters). */
export type LocalPeerOptions = Omit<PeerOptions, 'dataDir' | 'bootstrap'>;

/** `PeerApi` over a `Peer` in this process. */
export class LocalPeerApi implements PeerApi {
  private peer: Peer | null = null;
  private rail: PaymentRail | null = null;
  private walletKind: WalletConfig['kind'] = 'none';
  private transition: Promise<void> = Promise.resolve();
  private readonly events = new EventEmitter<{ event: [PeerEvent] }>();
  private readonly writerApi = new LocalWriterApi(() => this.running(), () => this.emit({ type: 'changed' }));

  constructor(private readonly options: LocalPeerOptions = {}) {}

  /** Open the peer and reopen every knowledge base it shares and follows. */
  start(config: PeerConfig): Promise<void> {
    return this.serially(async () => {
      if (this.peer) return;
      if (!(await identityExists(identityFileOf(config.dataDir)))) {
        throw new PeerApiError('no-identity', 'Tzimtzum has no identity on this device yet. Create one, or import your recovery words, in the plugin settings.');
      }
      const rail = await this.openRail(config);
      const peer = await Peer.open({ ...this.options, ...config, rails: rail ? { seller: rail, buyer: rail } : this.options.rails, command: 'Obsidian (Tzimtzum plugin)' })
        .catch(async (err: unknown) => {
          await rail?.close();
          throw err;
        });
      this.peer = peer;
      this.rail = rail;
      this.walletKind = rail ? (config.wallet?.kind ?? 'none') : 'none';
      this.forward(peer);
      this.emit({ type: 'running', running: true });
      await peer.resume();
      this.emit({ type: 'changed' });
    });
  }

  /** Close the swarm and the store; safe to call when not running. */
  stop(): Promise<void> {
    return this.serially(async () => {
      const peer = this.peer;
      if (!peer) return;
      const rail = this.rail;
      this.peer = null;
      this.rail = null;
      await peer.close();
      await rail?.close();
      peer.removeAllListeners();
      this.emit({ type: 'running', running: false });
    });
  }

  isRunning(): Promise<boolean> {
    return Promise.resolve(this.peer !== null);
  }

  async share(folder: string, opts: { title?: string; description?: string; ignore?: string[] }): Promise<KnowledgeBaseStatus> {
    const status = await this.running().share(folder, opts);
    this.emit({ type: 'changed' });
    return status;
  }

  async stopSharing(id: string): Promise<void> {
    await this.running().stopSharing(id);
    this.emit({ type: 'changed' });
  }

  async subscribe(link: string, opts: { folder: string; mode: MountMode }): Promise<KnowledgeBaseStatus> {
    const status = await this.running().subscribe(link, opts.folder, { mode: opts.mode });
    this.emit({ type: 'changed' });
    return status;
  }

  async unsubscribe(id: string): Promise<void> {
    await this.running().unsubscribe(id);
    this.emit({ type: 'changed' });
  }

  async setPaused(id: string, paused: boolean): Promise<void> {
    await this.running().setPaused(id, paused);
    this.emit({ type: 'changed' });
  }

  list(): Promise<KnowledgeBaseStatus[]> {
    return Promise.resolve(this.peer?.list() ?? []);
  }

  /** Open a knowledge base by its link just long enough to read its title and size; bounded in time. */
  preview(link: string, opts: { timeoutMs?: number; maxFiles?: number } = {}): Promise<KnowledgeBasePreview> {
    return previewKnowledgeBase(this.running(), link, opts);
  }

  async fetchStub(id: string, path: string): Promise<void> {
    const mount = this.running().mountOf(id);
    if (!mount) throw new PeerApiError('not-found', `No mounted knowledge base ${id}.`);
    await mount.fetch(path);
  }

  async checkDrift(id: string, paths: string[]): Promise<DriftRestored[]> {
    const mount = this.running().mountOf(id);
    return mount ? mount.checkDrift(paths) : [];
  }

  async rerender(id: string): Promise<number> {
    const mount = this.running().mountOf(id);
    return mount ? mount.rerender() : 0;
  }

  async confirmDeletions(id: string): Promise<number> {
    const peer = this.running();
    // A shared folder holds deletions on both sides: files that vanished here, and files another writer deleted.
    const target = peer.mountOf(id) ?? peer.sharedFolderOf(id);
    if (!target) throw new PeerApiError('not-found', `No knowledge base ${id} is open.`);
    const count = await target.confirmDeletions();
    this.emit({ type: 'changed' });
    return count;
  }

  async identity(dataDir: string): Promise<IdentityInfo> {
    const file = identityFileOf(dataDir);
    if (!(await identityExists(file))) return { exists: false, fingerprint: null, deviceIndex: null };
    const { identity, deviceIndex } = await loadIdentity(file);
    return { exists: true, fingerprint: identity.fingerprint(), deviceIndex };
  }

  async createIdentity(dataDir: string): Promise<IdentityInfo> {
    return this.saveNewIdentity(dataDir, Identity.create().walletMnemonic(), 0);
  }

  async importIdentity(dataDir: string, words: string, deviceIndex: number): Promise<IdentityInfo> {
    return this.saveNewIdentity(dataDir, words, deviceIndex);
  }

  async recoveryWords(dataDir: string): Promise<string> {
    const file = identityFileOf(dataDir);
    if (!(await identityExists(file))) throw new PeerApiError('no-identity', 'There is no identity in this data folder yet.');
    return (await loadIdentity(file)).identity.walletMnemonic();
  }

  async lockedNotes(kbId: string): Promise<PaidNoteInfo[]> {
    const peer = this.running();
    const kb = peer.knowledgeBase(kbId);
    if (!kb) throw new PeerApiError('not-found', 'This knowledge base is not open on this device. Subscribe to it first.');
    return paidNotesOf(peer, kb);
  }

  requestOffer(kbId: string, noteIdHex: string): Promise<OfferView> {
    const peer = this.running();
    if (!new RegExp(`^[0-9a-f]{${NOTE_ID_BYTES * 2}}$`).test(noteIdHex)) throw new PeerApiError('bad-request', 'This unlock button does not name a note. Open the note again from its knowledge base.');
    return peer.paywall.requestOffer(kbId, Buffer.from(noteIdHex, 'hex'));
  }

  async quote(bolt11: string): Promise<PaymentQuote> {
    return this.withWallet((rail) => rail.quotePayment(bolt11));
  }

  async payWithWallet(requestId: string, maxFeeSats: number): Promise<PurchaseUpdate> {
    const peer = this.running();
    if (!this.rail) throw noWallet();
    return purchaseUpdate(await peer.paywall.payWithWallet(requestId, { maxFeeSats }));
  }

  async restorePurchases(kbId: string): Promise<number> {
    const peer = this.running();
    const kb = peer.knowledgeBase(kbId);
    if (!kb) throw new PeerApiError('not-found', 'This knowledge base is not open on this device. Subscribe to it first.');
    return peer.paywall.restore(kb);
  }

  purchases(): Promise<ReceiptInfo[]> {
    return receiptsOf(this.running());
  }

  async exportPurchases(): Promise<string> {
    const receipts = await this.purchases();
    return JSON.stringify({ version: 1, exportedAt: new Date().toISOString(), purchases: receipts }, null, 2);
  }

  wallet(): Promise<WalletInfo> {
    this.running();
    return walletInfoOf(this.walletKind, this.rail);
  }

  async walletInvoice(amountSats: number): Promise<WalletInvoice> {
    const invoice = await this.withWallet((rail) => rail.createInvoice({ amountSats, memo: 'Tzimtzum wallet', expirySeconds: WALLET_INVOICE_SECONDS }));
    return { bolt11: invoice.bolt11, amountSats: invoice.amountSats, expiresAt: invoice.expiresAt };
  }

  inviteWriter: WriterApi['inviteWriter'] = (id, opts) => this.writerApi.inviteWriter(id, opts);
  invites: WriterApi['invites'] = (id) => this.writerApi.invites(id);
  revokeInvite: WriterApi['revokeInvite'] = (inviteId) => this.writerApi.revokeInvite(inviteId);
  joinAsWriter: WriterApi['joinAsWriter'] = (code, folder, opts) => this.writerApi.joinAsWriter(code, folder, opts);
  writers: WriterApi['writers'] = (id) => this.writerApi.writers(id);
  removeWriter: WriterApi['removeWriter'] = (id, key) => this.writerApi.removeWriter(id, key);

  onEvent(listener: (event: PeerEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private async saveNewIdentity(dataDir: string, words: string, deviceIndex: number): Promise<IdentityInfo> {
    const file = identityFileOf(dataDir);
    if (await identityExists(file)) {
      throw new PeerApiError('identity-exists', `${file} already holds an identity. Choose an empty data folder to use another one.`);
    }
    await saveIdentity(file, { mnemonic: words, deviceIndex });
    return this.identity(dataDir);
  }

  /** The rail the wallet setting names; the local wallet is named after the identity, as the CLI's is. */
  private async openRail(config: PeerConfig): Promise<PaymentRail | null> {
    if (!config.wallet || config.wallet.kind === 'none') return null;
    const { fingerprint } = await this.identity(config.dataDir);
    // The words are read only when Spark opens the wallet, from the identity the peer has loaded by then.
    const words = { walletMnemonic: () => this.running().identity.walletMnemonic() };
    return railFor(config.wallet, words, fingerprint ?? 'me');
  }

  private async withWallet<T>(use: (rail: PaymentRail) => Promise<T>): Promise<T> {
    this.running();
    const rail = this.rail;
    if (!rail) throw noWallet();
    try {
      return await use(rail);
    } catch (err) {
      throw new PeerApiError('wallet', walletProblem(err));
    }
  }

  private running(): Peer {
    if (!this.peer) throw new PeerApiError('not-running', 'Tzimtzum is not running. Check the plugin settings (identity and data folder), then run "Restart network".');
    return this.peer;
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private emit(event: PeerEvent): void {
    this.events.emit('event', event);
  }

  private forward(peer: Peer): void {
    peer.on('status', (id, status) => this.emit({ type: 'status', id, peers: status.peers, lastSync: status.lastSync }));
    peer.on('mirror-progress', (id, p) => this.emit({ type: 'progress', id, side: 'share', phase: p.phase, done: p.filesChanged, total: p.filesScanned }));
    peer.on('mount-progress', (id, p) => this.emit({ type: 'progress', id, side: 'mount', phase: p.phase, done: p.files, total: p.totalFiles }));
    peer.on('synced', (id, s) => this.emit({ type: 'synced', id, written: s.written, removed: s.removed, moved: s.moved, errors: s.errors.map((e) => `${e.path}: ${e.message}`) }));
    peer.on('restored', (id, drift) => this.emit({ type: 'restored', id, ...drift }));
    peer.on('rejected', (id, rejections) => this.emit({ type: 'rejected', id, count: rejections.length, first: rejections[0]?.message ?? '' }));
    peer.on('deletions-held', (id, held) => this.emit({ type: 'deletions-held', id, count: held.count, side: held.side }));
    peer.on('error', (id, message) => this.emit({ type: 'error', id, message }));
    peer.paywall.on('purchase', (purchase) => this.emit({ type: 'purchase', purchase: purchaseUpdate(purchase) }));
    peer.paywall.on('unlocked', (id, noteId) => this.emit({ type: 'unlocked', id, noteId }));
    forwardWriterEvents(peer, (event) => this.emit(event));
  }
}

const WALLET_INVOICE_SECONDS = 60 * 60;

function noWallet(): PeerApiError {
  return new PeerApiError('no-wallet', 'No wallet is set up on this device. Choose one in the plugin settings, or pay the invoice with any Lightning wallet.');
}

/** Whether an error means the user must create or import an identity first. */
export function needsIdentity(err: unknown): boolean {
  return (err instanceof PeerApiError && err.code === 'no-identity') || (err instanceof IdentityError && err.code === 'no-identity');
}
