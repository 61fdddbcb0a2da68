// A Tzimtzum peer: one identity, one store, one swarm, and the knowledge bases it shares and follows.
// The CLI and the plugin both drive the product through this class (the plugin through `PeerApi`).
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import Corestore from 'corestore';
import HyperDHT from 'hyperdht';
import z32 from 'z32';
import { checkStoreFolder, findEnclosingVault } from '../engine/data-folder';
import type { Identity } from '../engine/identity';
import { identityFileOf, loadIdentity } from '../engine/identity-file';
import { KnowledgeBase } from '../engine/knowledge-base';
import { RecordJournal } from '../engine/record-journal';
import { acquireStoreLock, type StoreLock } from '../engine/store-lock';
import { storeStorage } from '../engine/store-storage';
import type { FolderMirror } from '../mirror/folder-mirror';
import { NodeFolder } from '../mirror/node-folder';
import { NodeFolderWatcher } from '../mirror/node-watcher';
import type { Mount, MountMode } from '../mount/mount';
import { parseShareLink } from '../net/share-link';
import { Swarm } from '../net/swarm';
import { Registry, type RecoveredRecord, type ShareRecord, type SubscriptionRecord } from './registry';
import { PeerError, type FolderAccess, type KnowledgeBaseStatus, type PeerOptions } from './peer-types';
import { clearRecoveryPending, recoverDeviceShares, recoveryPending } from './device-recovery';
import { FileWriter } from '../mount/file-writer';
import { CoAuthoring, type IssuedInvite, type NewInvite, type WriterInfo, type WriterRole } from './co-authoring';
import { SharedFolder } from './shared-folder';
import { describeKnowledgeBase } from './kb-status';
import { shownTitle } from './shown-text';
import { mountStateFileOf, openFollowed, rerenderPaidNotes, type FollowedKnowledgeBase } from './followed-knowledge-base';
import { relaySharedFolderEvents, type PeerEvents } from './peer-events';
import { Paywall } from '../paywall/paywall';
import { DEFAULT_REDEEM_TIMEOUT_MS } from '../writers/join';

export * from './peer-types';
export type { PeerEvents } from './peer-events';

interface OpenShare {
  record: ShareRecord;
  kb: KnowledgeBase;
  folder: SharedFolder;
}

type OpenSubscription = FollowedKnowledgeBase;

/** One device's presence in the network. */
export class Peer extends EventEmitter<PeerEvents> {
  readonly dataDir: string;
  readonly identity: Identity;
  readonly deviceIndex: number;
  readonly store: Corestore;
  readonly swarm: Swarm;
  readonly paywall: Paywall;
  readonly coAuthoring: CoAuthoring;
  private readonly lock: StoreLock;
  private readonly registry: Registry;
  private readonly folderAccess: FolderAccess;
  private readonly opts: PeerOptions;
  private readonly debounceMs: number;
  private readonly shares = new Map<string, OpenShare>();
  private readonly subscriptions = new Map<string, OpenSubscription>();
  private closing = false;
  private recovering = false;

  private constructor(parts: {
    opts: PeerOptions; identity: Identity; deviceIndex: number; store: Corestore; swarm: Swarm; lock: StoreLock; registry: Registry; paywall: Paywall; coAuthoring: CoAuthoring;
  }) {
    super();
    this.dataDir = parts.opts.dataDir;
    this.identity = parts.identity;
    this.deviceIndex = parts.deviceIndex;
    this.store = parts.store;
    this.swarm = parts.swarm;
    this.paywall = parts.paywall;
    this.coAuthoring = parts.coAuthoring;
    this.coAuthoring.desk.on('writer-added', ({ kb, key, role }) => this.emit('writer-added', kb.id, { key, role }));
    this.lock = parts.lock;
    this.registry = parts.registry;
    this.folderAccess = parts.opts.folderAccess ?? ((folder) => ({ reader: new NodeFolder(folder), events: new NodeFolderWatcher(folder) }));
    this.opts = parts.opts;
    this.debounceMs = parts.opts.debounceMs ?? 100;
    this.paywall.on('unlocked', (kbId) => {
      const open = this.subscriptions.get(kbId);
      if (open) void rerenderPaidNotes(open).catch((err: unknown) => this.emit('error', kbId, messageOf(err)));
    });
    this.paywall.on('error', (message) => this.emit('error', null, message));
    this.swarm.on('status', (status) => {
      const id = this.idOfDiscoveryKey(status.discoveryKey);
      if (id) this.emit('status', id, status);
    });
  }

  /** Open the peer: identity, store (locked to this process) and swarm. Does not join anything yet. */
  static async open(opts: PeerOptions): Promise<Peer> {
    const dataDir = path.resolve(opts.dataDir);
    const vault = await findEnclosingVault(dataDir);
    if (vault) throw new Error(`The data folder ${dataDir} is inside the Obsidian vault ${vault}. Choose a data folder outside any vault.`);
    const { identity, deviceIndex } = await loadIdentity(identityFileOf(dataDir), { passphrase: opts.passphrase });
    const folder = await checkStoreFolder(path.join(dataDir, 'store'));
    const lock = await acquireStoreLock(folder.dir, { command: opts.command });
    try {
      const store = new Corestore(storeStorage(folder.corestoreDir), { primaryKey: identity.deviceStoreKey(deviceIndex), unsafe: true });
      await store.ready();
      const keyPair = HyperDHT.keyPair(identity.deriveSecret('swarm-key', String(deviceIndex)));
      const swarm = new Swarm({ store, bootstrap: opts.bootstrap, keyPair });
      const registry = new Registry(path.join(dataDir, 'knowledge-bases.json'));
      await registry.load();
      let peer: Peer | null = null;
      const rails = typeof opts.rails === 'function' ? opts.rails(identity) : opts.rails;
      const paywall = await Paywall.open({
        identity, dataDir, sellerRail: rails?.seller ?? null, buyerRail: rails?.buyer ?? null,
        knowledgeBase: (id) => peer?.knowledgeBase(id) ?? null,
      });
      swarm.on('stream', (stream, remote) => paywall.attach(stream, remote));
      const coAuthoring = new CoAuthoring(swarm, dataDir);
      await coAuthoring.ready();
      peer = new Peer({ opts: { ...opts, dataDir }, identity, deviceIndex, store, swarm, lock, registry, paywall, coAuthoring });
      peer.recovering = await recoveryPending(dataDir);
      return peer;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Reopen every knowledge base in the registry: mirrors, mounts and swarm topics. */
  async resume(): Promise<void> {
    for (const record of this.registry.shares) await this.openShare(record).catch((err: unknown) => this.emit('error', record.id, messageOf(err)));
    for (const record of this.registry.subscriptions) await this.openSubscription(record).catch((err: unknown) => this.emit('error', record.id, messageOf(err)));
  }

  /** Publish a folder as a knowledge base (or reopen the one it already is); returns its id and link. */
  async share(folder: string, opts: { title?: string; description?: string; author?: string; ignore?: string[]; kb?: string } = {}): Promise<KnowledgeBaseStatus> {
    const resolved = path.resolve(folder);
    const existing = this.registry.shares.find((share) => share.folder === resolved);
    if (existing) {
      const open = this.shares.get(existing.id) ?? (await this.openShare(existing));
      return this.statusOf(open.record.id)!;
    }
    const stat = await fs.stat(resolved).catch(() => null);
    if (!stat?.isDirectory()) throw new PeerError('unknown-kb', `${resolved} is not a folder. Give the path of a folder to share.`);
    if (this.recovering) {
      throw new PeerError('recovery-pending', `This device reuses device ${this.deviceIndex} of your identity. Run "tzimtzum recover" while a peer that follows your knowledge bases is online, before sharing from it.`);
    }
    if (opts.kb) {
      // Attach a knowledge base restored by `recover` to its folder: the mirror reconciles, appending only differences.
      const recovered = await this.registry.takeRecovered(opts.kb);
      if (!recovered) throw new PeerError('unknown-kb', `No recovered knowledge base ${opts.kb}. Run "tzimtzum recover" to list them.`);
      const record: ShareRecord = { id: recovered.id, namespace: recovered.namespace, folder: resolved, title: recovered.title, ignore: opts.ignore ?? [] };
      return this.addShare(record);
    }
    const namespace = this.registry.allocateShareNamespace();
    const kb = new KnowledgeBase({ store: this.store, namespace });
    await kb.ready();
    const title = opts.title?.trim() || path.basename(resolved);
    await kb.setMeta({ title, description: opts.description ?? '', author: opts.author ?? '' });
    await kb.close();
    const record: ShareRecord = { id: kb.id, namespace, folder: resolved, title, ignore: opts.ignore ?? [] };
    return this.addShare(record);
  }

  /** Whether this device reuses a lost device's index and must `recover` before writing. */
  get recoveryPending(): boolean {
    return this.recovering;
  }

  /** Knowledge bases restored by `recover`, waiting for `share(folder, { kb })`. */
  get recovered(): readonly RecoveredRecord[] {
    return this.registry.recovered;
  }

  /**
   * Restore the knowledge bases this device index wrote, from the peers that hold them: for each of the
   * device's sequential namespaces, wait (bounded) for a peer, bring the writer core and blob core up to
   * the length peers have signed, and record the knowledge base. Stops after two namespaces nobody has.
   */
  async recover(opts: { timeoutMs?: number; probeMs?: number; scan?: number } = {}): Promise<RecoveredRecord[]> {
    const { found, next } = await recoverDeviceShares({ store: this.store, swarm: this.swarm, registry: this.registry, ...opts });
    await this.registry.setRecovered(found, next);
    await clearRecoveryPending(this.dataDir);
    this.recovering = false;
    return found;
  }

  /**
   * Become a writer of someone's knowledge base with this device: redeem the invite with the key this device
   * will write with (never a copied one), then share an empty folder that the knowledge base fills.
   */
  async joinAsWriter(code: string, folder: string, opts: { timeoutMs?: number } = {}): Promise<KnowledgeBaseStatus> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_REDEEM_TIMEOUT_MS;
    const resolved = path.resolve(folder);
    if (this.recovering) throw new PeerError('recovery-pending', 'Run "tzimtzum recover" on this device before it writes.');
    const present = await fs.readdir(resolved).catch(() => []);
    if (present.some((name) => !name.startsWith('.'))) throw new PeerError('folder-in-use', `${resolved} is not empty. Choose a new or empty folder for the knowledge base you join.`);
    const namespace = this.registry.allocateShareNamespace();
    const key = await this.coAuthoring.redeem(code, await KnowledgeBase.localWriterKey(this.store, namespace), timeoutMs);
    const id = z32.encode(key);
    if (this.registry.shares.some((share) => share.id === id)) throw new PeerError('already-shared', 'This device already writes this knowledge base.');
    if (this.registry.subscriptions.some((sub) => sub.id === id)) throw new PeerError('already-subscribed', 'This device follows this knowledge base read-only; unsubscribe first, then join as a writer.');
    await fs.mkdir(resolved, { recursive: true });
    const kb = await this.coAuthoring.openJoined(this.store, namespace, key, timeoutMs);
    const title = shownTitle((await kb.meta({ timeout: 5_000 }).catch(() => null))?.title ?? '') || id.slice(0, 8);
    const record: ShareRecord = { id, namespace, folder: resolved, title, ignore: [] };
    return this.addShare(record, kb);
  }

  /** Invite a device or a co-author to write a knowledge base this device owns. */
  async inviteWriter(id: string, opts: { role: WriterRole; expiresInMs: number; name?: string }): Promise<NewInvite> {
    return this.coAuthoring.desk.create(this.sharedKnowledgeBase(id), opts);
  }

  /** Invites this device issued for a knowledge base. */
  async invitesOf(id: string): Promise<IssuedInvite[]> {
    return this.coAuthoring.desk.list(this.sharedKnowledgeBase(id));
  }

  async revokeInvite(inviteId: string): Promise<boolean> {
    return this.coAuthoring.desk.revoke(inviteId);
  }

  /** The writers of a knowledge base: its creator, and every device added since (removed ones inactive). */
  async writersOf(id: string): Promise<WriterInfo[]> {
    return this.sharedKnowledgeBase(id).writers();
  }

  /** Stop a writer's future changes (owner devices only); what it wrote stays. */
  removeWriter(id: string, key: Buffer): Promise<void> {
    return this.coAuthoring.removeWriter(this.sharedKnowledgeBase(id), key);
  }

  private sharedKnowledgeBase(id: string): KnowledgeBase {
    const open = this.shares.get(id);
    if (!open) throw new PeerError('unknown-kb', `This device does not write knowledge base ${id}.`);
    return open.kb;
  }

  /** Stop publishing a folder; its knowledge base stays in the store for readers who have it. */
  async stopSharing(id: string): Promise<void> {
    const open = this.shares.get(id);
    if (open) {
      this.shares.delete(id);
      this.paywall.removeKnowledgeBase(open.kb);
      await this.coAuthoring.unserve(open.kb);
      await this.swarm.leave(open.kb.discoveryKey);
      await open.folder.close();
      await open.kb.close();
    }
    await this.registry.remove(id);
  }

  /** Follow a knowledge base and write it into a folder (or, with folder null, only keep a replica). */
  async subscribe(link: string, folder: string | null, opts: { mode?: MountMode } = {}): Promise<KnowledgeBaseStatus> {
    const parsed = parseShareLink(link);
    const id = z32.encode(parsed.key);
    if (this.registry.shares.some((share) => share.id === id)) throw new PeerError('own-kb', 'This is a knowledge base you share from this device; it is already in your vault.');
    const existing = this.registry.subscriptions.find((sub) => sub.id === id);
    if (existing) {
      if (existing.folder !== (folder && path.resolve(folder))) {
        throw new PeerError('already-subscribed', `You already follow this knowledge base${existing.folder ? ` in ${existing.folder}` : ''}. Unsubscribe first to move it.`);
      }
      const open = this.subscriptions.get(id) ?? (await this.openSubscription(existing));
      return this.statusOf(open.record.id)!;
    }
    const resolved = folder ? path.resolve(folder) : null;
    if (resolved && this.registry.subscriptions.some((sub) => sub.folder === resolved)) {
      throw new PeerError('folder-in-use', `${resolved} already holds another knowledge base. Choose another folder.`);
    }
    const record: SubscriptionRecord = {
      id, namespace: `subscription/${id}`, folder: resolved, name: parsed.name ?? id.slice(0, 8), mode: opts.mode ?? 'full', paused: false,
      ...(parsed.view ? { view: z32.encode(parsed.view) } : {}),
      ...(parsed.tree ? { tree: z32.encode(parsed.tree) } : {}),
    };
    await this.registry.upsertSubscription(record);
    await this.openSubscription(record);
    return this.statusOf(id)!;
  }

  /** Stop following a knowledge base. The mounted files stay (they are the user's to delete). */
  async unsubscribe(id: string): Promise<void> {
    const open = this.subscriptions.get(id);
    if (!open && !this.registry.subscriptions.some((sub) => sub.id === id)) throw new PeerError('unknown-kb', `No subscription ${id}. Run status to see what you follow.`);
    if (open) {
      this.subscriptions.delete(id);
      this.paywall.removeKnowledgeBase(open.kb);
      await this.swarm.leave(open.kb.discoveryKey);
      await open.mount?.close();
      await open.kb.close();
    }
    await RecordJournal.remove(mountStateFileOf(this.dataDir, id));
    await this.registry.remove(id);
  }

  /** Pause or resume syncing one subscription (it leaves the swarm while paused). */
  async setPaused(id: string, paused: boolean): Promise<void> {
    const record = this.registry.subscriptions.find((sub) => sub.id === id);
    if (!record) throw new PeerError('unknown-kb', `No subscription ${id}.`);
    await this.registry.upsertSubscription({ ...record, paused });
    const open = this.subscriptions.get(id);
    if (!open) return;
    if (paused) await this.swarm.leave(open.kb.discoveryKey);
    else await this.swarm.join(open.kb);
  }

  /** The knowledge base behind an id, if open. */
  knowledgeBase(id: string): KnowledgeBase | null {
    return this.shares.get(id)?.kb ?? this.subscriptions.get(id)?.kb ?? null;
  }

  /** The mount of a subscription, if any. */
  mountOf(id: string): Mount | null {
    return this.subscriptions.get(id)?.mount ?? null;
  }

  /** The folder of a share: its mirror and its co-editor. */
  sharedFolderOf(id: string): SharedFolder | null {
    return this.shares.get(id)?.folder ?? null;
  }

  /** The mirror of a share. */
  mirrorOf(id: string): FolderMirror | null {
    return this.shares.get(id)?.folder.mirror ?? null;
  }

  /** Status of every knowledge base this peer shares or follows. */
  list(): KnowledgeBaseStatus[] {
    return [...this.registry.shares, ...this.registry.subscriptions].map((record) => this.statusOf(record.id)!).filter(Boolean);
  }

  /** Status of one knowledge base. */
  statusOf(id: string): KnowledgeBaseStatus | null {
    const share = this.registry.shares.find((record) => record.id === id);
    const subscription = this.registry.subscriptions.find((record) => record.id === id);
    if (!share && !subscription) return null;
    const kb = this.knowledgeBase(id);
    return describeKnowledgeBase(id, { share, subscription, kb, mount: this.mountOf(id), network: kb ? this.swarm.status(kb.discoveryKey) : null });
  }

  /** Close everything in the order that shuts down cleanly: swarm, then bases, then the store. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const open of this.shares.values()) await open.folder.close().catch(() => undefined);
    this.paywall.close();
    await this.coAuthoring.close().catch(() => undefined);
    await this.swarm.destroy();
    for (const open of this.subscriptions.values()) await open.mount?.close().catch(() => undefined);
    for (const open of [...this.shares.values(), ...this.subscriptions.values()]) await open.kb.close().catch(() => undefined);
    this.shares.clear();
    this.subscriptions.clear();
    await this.store.close();
    await this.lock.release();
  }

  /** Record a new share and open it. */
  private async addShare(record: ShareRecord, opened?: KnowledgeBase): Promise<KnowledgeBaseStatus> {
    await this.registry.upsertShare(record);
    await this.openShare(record, opened);
    return this.statusOf(record.id)!;
  }

  private async openShare(record: ShareRecord, opened?: KnowledgeBase): Promise<OpenShare> {
    const kb = opened ?? new KnowledgeBase({ store: this.store, namespace: record.namespace, key: Buffer.from(z32.decode(record.id)) });
    await kb.ready();
    kb.on('error', (err) => this.emit('error', record.id, err.message));
    const { reader, events } = this.folderAccess(record.folder);
    const folder = await SharedFolder.open({
      kb, identity: this.identity, reader, events, ignore: record.ignore, debounceMs: this.debounceMs,
      files: this.opts.mountFileSystem?.(record.id, record.folder) ?? new FileWriter(record.folder),
      syncedFile: path.join(this.dataDir, 'shares', `${record.id}.json`),
      fresh: opened !== undefined,
    });
    relaySharedFolderEvents(this, record.id, folder);
    this.paywall.addKnowledgeBase(kb);
    const open: OpenShare = { record, kb, folder };
    this.shares.set(record.id, open);
    await kb.announcePeer(this.swarm.publicKey, this.identity.signingKeyPair().publicKey);
    await this.swarm.join(kb);
    await this.coAuthoring.serve(kb);
    await folder.start();
    return open;
  }

  private async openSubscription(record: SubscriptionRecord): Promise<OpenSubscription> {
    return openFollowed({ store: this.store, swarm: this.swarm, paywall: this.paywall, dataDir: this.dataDir, opts: this.opts, peer: this }, record, (open) => {
      this.subscriptions.set(record.id, open);
    });
  }

  private idOfDiscoveryKey(hex: string): string | null {
    for (const [id, open] of [...this.shares, ...this.subscriptions]) if (open.kb.discoveryKey.toString('hex') === hex) return id;
    return null;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
