// A knowledge base: an Autobase whose view is a Hyperbee of file records, with file bytes in each
// writer's blob core. One instance per knowledge base; every base lives in its own store namespace
// because Autobase boots from fixed core names.
import { EventEmitter } from 'node:events';
import Autobase from 'autobase';
import b4a from 'b4a';
import type Hyperbee from 'hyperbee';
import type Corestore from 'corestore';
import z32 from 'z32';
import { applyNodes, readSkipped, UpgradeNeeded } from './apply';
import { BlobStore } from './blob-store';
import { contentHash } from './content-hash';
import { encodeOp, type FileVersion, type Op, type WriterRole } from './schema';
import { readWriters, writerRoleIn, type WriterInfo } from './writers';
import { WriterDevices } from './writer-devices';
import { keepLogComplete } from './writer-logs';
import { LinkHints, preferFastForward } from './fast-forward';
import { decodeRecord, metaEncoding, type KnowledgeBaseMeta, type SkippedOps } from './view-records';
import { GRANTS_PREFIX, META_KEY, PEERS_PREFIX, fileKey, grantKey, inviteKey, mergedKey } from './view-keys';
import { changesSince, filesIn, listFiles, toFileEntry } from './view-files';
import { lookup, openViewTree } from './view-tree';
import type Hypercore from 'hypercore';
import { fileKindOf } from './file-kind';
import { formatBytes } from './format-bytes';
import { DEFAULT_MAX_FILE_BYTES, KnowledgeBaseError, type FileChange, type FileEntry, type FileInput, type KnowledgeBaseOptions } from './knowledge-base-types';

export { DEFAULT_MAX_FILE_BYTES, KnowledgeBaseError, type FileChange, type FileEntry, type FileInput, type KnowledgeBaseOptions };

/**
 * How soon the creator, the only indexer, acknowledges other writers' ops once they stop arriving (Autobase
 * waits between this and twice this). Only acknowledged ops are signed: final for co-editing, part of the
 * view a fresh reader jumps to, and what makes a device added by a second owner writable. Autobase's
 * default (10 s) suits bases with many indexers, where acknowledging costs a round of them; here it is one
 * small append by the creator.
 */
const ACK_INTERVAL_MS = 1_000;

type Events = {
  update: [];
  /** The writers' published devices changed (see `pinnedPeers`). */
  devices: [];
  truncate: [length: number];
  'upgrade-needed': [message: string];
  error: [error: Error];
};

/** A replicated, verifiable folder of files. */
export class KnowledgeBase extends EventEmitter<Events> {
  readonly base: Autobase<Hyperbee>;
  readonly blobs: BlobStore;
  readonly namespace: string;
  readonly maxFileBytes: number;
  private readonly store: Corestore;
  private upgradeMessage: string | null = null;
  private readonly devices: WriterDevices;
  private writerLogs: Hypercore | null = null;
  /** The signed view and file tree a share link named, for a fresh reader. */
  private readonly hints: LinkHints | null = null;

  constructor(opts: KnowledgeBaseOptions) {
    super();
    this.namespace = opts.namespace;
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.store = opts.store.namespace(opts.namespace);
    this.blobs = new BlobStore(this.store);
    // Keys are compared with Buffer methods throughout; callers may hand over any Uint8Array.
    this.base = new Autobase<Hyperbee>(this.store, opts.key ? Buffer.from(opts.key) : null, {
      valueEncoding: 'binary',
      ackInterval: ACK_INTERVAL_MS,
      open: (viewStore) => openViewTree(viewStore.get({ name: 'view' })),
      apply: (nodes, view, host) => (opts.apply ?? applyNodes)(nodes, view, host, {
        creator: () => this.key,
        // Waits for a peer as long as it takes (giving up would merge differently from other peers); rejects
        // only when the knowledge base closes, which abandons this apply cycle with nothing of it kept.
        readBlob: (ref) => this.blobs.get(ref),
      }),
      close: (view) => view.close(),
      update: (_view, changes) => this.onViewUpdate(changes),
    });
    this.devices = new WriterDevices(() => this.view, () => this.emit('devices'));
    if (opts.key && (opts.systemKey || opts.treeKey)) {
      this.hints = new LinkHints({
        base: this.base, store: this.store, open: openViewTree,
        systemKey: opts.systemKey ? Buffer.from(opts.systemKey) : null, treeKey: opts.treeKey ? Buffer.from(opts.treeKey) : null,
        // Notes can be looked up now: whoever waits for news gets a chance to.
        onTreeReady: () => this.emit('update'),
      });
    }
    this.base.on('update', () => {
      this.devices.scheduleRefresh();
      this.emit('update');
    });
    this.base.on('interrupt', (reason: unknown) => {
      this.upgradeMessage = reason instanceof UpgradeNeeded ? reason.message : 'This knowledge base stopped syncing. Update Tzimtzum.';
      this.emit('upgrade-needed', this.upgradeMessage);
    });
    this.base.on('error', (err: Error) => this.emit('error', err));
  }

  async ready(): Promise<void> {
    await this.base.ready();
    await this.view.ready();
    if (!this.base.writable) preferFastForward(this.base);
    if (this.view.version > 1) await this.devices.refreshLocal();
  }

  /** The key of the signed view (Autobase's system core); share links carry it for fast first reads. */
  get systemKey(): Buffer | null {
    return this.base.core.key;
  }

  /** The key of the view's file tree (its Hyperbee core); share links carry it for a fresh reader's first lookups. */
  get treeKey(): Buffer | null {
    return this.view.core.key ?? null;
  }

  /** Cores whose peers and traffic belong to this knowledge base (for the swarm's accounting). */
  cores(): Hypercore[] {
    return [this.base.core, this.view.core, this.base.local, ...this.blobs.cores()].filter((core) => core && !core.closed);
  }

  /** Swarm keys of the writers' devices, as last read from the view (re-read about a second after updates; "devices" fires on a change). */
  pinnedPeers(): Buffer[] {
    return this.devices.swarmKeys;
  }

  onPinnedPeersChange(listener: () => void): () => void {
    this.on('devices', listener);
    return () => this.off('devices', listener);
  }

  /** Signing keys of the writers, as the current view publishes them (paid-note offers and receipts are signed with them). */
  async signingKeys(): Promise<Buffer[]> {
    return (await this.devices.current()).signingKeys;
  }

  /** Publish this device's swarm key and the writer's signing key (once), so readers can dial and verify it. */
  async announcePeer(publicKey: Buffer, signingKey: Buffer): Promise<void> {
    const value = Buffer.concat([publicKey, signingKey]);
    const current = await this.view.get(PEERS_PREFIX + this.base.local.key!.toString('hex'), { wait: false }).catch(() => null);
    if (current?.value.equals(value)) return;
    await this.appendOps([{ type: 'peer', publicKey, signingKey }]);
    await this.devices.refresh();
  }

  /** The knowledge base's stable public key (the Autobase key, not the view key, which changes). */
  get key(): Buffer {
    // Autobase keeps the array it was first given; callers compare with Buffer methods.
    return b4a.toBuffer(this.base.key);
  }

  /** The key as people share it: z-base-32. */
  get id(): string {
    return z32.encode(this.base.key);
  }

  get discoveryKey(): Buffer {
    return this.base.discoveryKey;
  }

  /** Whether this device may write to the knowledge base. */
  get writable(): boolean {
    return this.base.writable;
  }

  /** The view's current version; pass it to `changes` later to get what happened since. */
  get version(): number {
    return this.view.version;
  }

  /** The part of the view the indexers have signed: a reorder never rewrites versions up to here. */
  get signedVersion(): number {
    return this.view.core.signedLength;
  }

  /** Set when an op needs a newer Tzimtzum; the base stops applying until the app is updated. */
  get upgradeNeeded(): string | null {
    return this.upgradeMessage;
  }

  get view(): Hyperbee {
    return this.base.view;
  }

  /**
   * Where single lookups read: the view, or, on a fresh reader whose view is still empty, the signed file
   * tree the link named (the same core, signed by the same key, so it holds what the view is about to).
   */
  private get lookupView(): Hyperbee {
    return this.hints?.lookupIn(this.base.view) ?? this.base.view;
  }

  /** Pull in what connected peers have and bring the view up to date. */
  async update(): Promise<void> {
    await this.base.update();
  }

  async meta(opts: { wait?: boolean; timeout?: number } = {}): Promise<KnowledgeBaseMeta | null> {
    const entry = await lookup(this.lookupView, META_KEY, opts);
    return entry ? decodeRecord(metaEncoding, entry.value) : null;
  }

  /** How many ops `apply` skipped (malformed, or not allowed to their writer), and why the last one was. */
  skippedOps(): Promise<SkippedOps> {
    return readSkipped(this.view, { wait: false }).catch(() => ({ skipped: 0, lastSkipReason: '' }));
  }

  /** One file's record, or null. */
  async stat(path: string, opts: { wait?: boolean; timeout?: number } = {}): Promise<FileEntry | null> {
    const entry = await lookup(this.lookupView, fileKey(path), opts);
    return entry ? toFileEntry(path, entry.value) : null;
  }

  /** A page of files whose path starts with `prefix`, in path order; pass `next` back as `after`. */
  list(opts: { prefix?: string; limit?: number; after?: string } = {}): Promise<{ entries: FileEntry[]; next: string | null }> {
    return listFiles(this.view, opts);
  }

  /** Every file, streamed in path order. */
  files(prefix = ''): AsyncGenerator<FileEntry> {
    return filesIn(this.view, prefix);
  }

  /** A file's bytes, verified against the hash in its record. */
  async read(pathOrEntry: string | FileEntry, opts: { wait?: boolean; timeout?: number } = {}): Promise<Buffer> {
    const path = typeof pathOrEntry === 'string' ? pathOrEntry : pathOrEntry.path;
    const entry = typeof pathOrEntry === 'string' ? await this.stat(path, opts) : pathOrEntry;
    if (!entry) throw new KnowledgeBaseError('not-found', `"${path}" is not in this knowledge base.`);
    const bytes = entry.blob ? await this.blobs.get(entry.blob, opts) : await this.mergedText(entry, opts);
    if (!contentHash(bytes).equals(entry.hash)) {
      throw new KnowledgeBaseError('integrity', `"${entry.path}" does not match its recorded hash; it was not written. Its writer published inconsistent data.`);
    }
    return bytes;
  }

  private async mergedText(entry: FileEntry, opts: { wait?: boolean; timeout?: number }): Promise<Buffer> {
    const merged = await lookup(this.lookupView, mergedKey(entry.hash), opts);
    if (!merged) throw new KnowledgeBaseError('integrity', `"${entry.path}" names a merged text the view does not hold.`);
    return merged.value;
  }

  /** Whether a merged text is on this device (merged texts live in the view, not in blob cores). */
  async hasMergedText(entry: FileEntry): Promise<boolean> {
    return (await this.view.get(mergedKey(entry.hash), { wait: false }).catch(() => null)) !== null;
  }

  /** Everything that changed since `version`, as puts and deletes in path order (see `changesSince`). */
  changes(since: number): AsyncGenerator<FileChange> {
    return changesSince(this.view, since);
  }

  /** Write files: bytes first (one batched blob append), then one batched op append. Returns what was written. */
  async putFiles(files: FileInput[]): Promise<FileEntry[]> {
    if (files.length === 0) return [];
    this.assertWritable();
    for (const file of files) {
      if (file.bytes.byteLength > this.maxFileBytes) {
        throw new KnowledgeBaseError('file-too-large', `"${file.path}" is ${formatBytes(file.bytes.byteLength)}, over the ${formatBytes(this.maxFileBytes)} limit. Raise the limit in settings or leave the file out.`);
      }
    }
    const bases = await Promise.all(files.map(async (file) => (file.base === undefined ? this.currentVersion(file.path) : file.base)));
    const refs = await this.blobs.putMany(files.map((file) => file.bytes));
    const ops: Op[] = files.map((file, i) => ({
      type: 'put',
      path: file.path,
      hash: contentHash(file.bytes),
      size: file.bytes.byteLength,
      mtime: Math.max(0, Math.floor(file.mtime)),
      kind: file.kind ?? fileKindOf(file.path),
      blob: refs[i],
      base: bases[i] && { hash: bases[i].hash, blob: bases[i].blob },
    }));
    await this.appendOps(ops);
    const writer = this.localWriterKey;
    return ops.map((op) => op.type === 'put' ? { path: op.path, hash: op.hash, size: op.size, mtime: op.mtime, kind: op.kind, blob: op.blob, writer } : null).filter((entry) => entry !== null);
  }

  private async currentVersion(path: string): Promise<FileVersion | null> {
    const entry = await this.stat(path, { wait: false }).catch(() => null);
    return entry && { hash: entry.hash, blob: entry.blob };
  }

  async deleteFiles(paths: { path: string; base?: Buffer | null }[]): Promise<void> {
    await this.appendOps(paths.map(({ path, base }) => ({ type: 'delete', path, base: base ?? null })));
  }

  async rename(from: string, to: string, opts: { folder?: boolean } = {}): Promise<void> {
    await this.appendOps([{ type: 'rename', from, to, folder: opts.folder ?? false }]);
  }

  /** The key this device writes with; an owner adds it to make the device a writer. */
  get localWriterKey(): Buffer {
    return this.base.local.key!;
  }

  /** The writer key a device will have in a namespace, before the knowledge base is opened there (for invites). */
  static async localWriterKey(store: Corestore, namespace: string): Promise<Buffer> {
    return Autobase.getLocalKey(store.namespace(namespace));
  }

  /** Make a device a writer (owners only; `apply` ignores it from anyone else). */
  async addWriter(key: Buffer, opts: { role: WriterRole; name?: string; invite?: Buffer | null }): Promise<void> {
    await this.appendOps([{ type: 'add-writer', key, role: opts.role, name: opts.name ?? '', invite: opts.invite ?? null }]);
  }

  /** Stop a writer's future ops (owners only); what it wrote before stays. */
  async removeWriter(key: Buffer): Promise<void> {
    await this.appendOps([{ type: 'remove-writer', key }]);
  }

  /** Every writer: the creator first, then added devices (removed ones marked inactive). */
  async writers(): Promise<WriterInfo[]> {
    return readWriters(this.view, this.base.key);
  }

  /** An active writer's role, or null. */
  async roleOf(key: Buffer): Promise<WriterRole | null> {
    return writerRoleIn(this.view, this.base.key, key);
  }

  /** Whether an invite has been redeemed (an add-writer op carrying its id was applied). */
  async inviteUsed(id: Buffer): Promise<boolean> {
    return (await this.view.get(inviteKey(id), { wait: false }).catch(() => null)) !== null;
  }

  /** File a sealed grant for one buyer (authors only); any replica then carries it. */
  async putGrant(buyerTag: Buffer, noteId: Buffer, grant: Buffer): Promise<void> {
    await this.appendOps([{ type: 'grant', buyerTag, noteId, grant }]);
  }

  /** One buyer's grant for one note, if filed. */
  async grant(buyerTag: Uint8Array, noteId: Uint8Array, opts: { wait?: boolean; timeout?: number } = {}): Promise<Buffer | null> {
    const entry = await lookup(this.lookupView, grantKey(buyerTag, noteId), opts);
    return entry?.value ?? null;
  }

  /** Every grant filed for one buyer tag: `{ noteId, grant }` pairs (restoring purchases from the seed). */
  async grantsFor(buyerTag: Uint8Array, opts: { timeout?: number } = {}): Promise<{ noteId: Buffer; grant: Buffer }[]> {
    const prefix = `${GRANTS_PREFIX}${Buffer.from(buyerTag).toString('hex')}/`;
    const grants: { noteId: Buffer; grant: Buffer }[] = [];
    for await (const entry of this.view.createReadStream({ gte: prefix, lt: prefix + '\u{10FFFF}' }, opts)) {
      const noteId = Buffer.from(entry.key.slice(prefix.length), 'hex');
      if (noteId.byteLength === 16) grants.push({ noteId, grant: entry.value });
    }
    return grants;
  }

  async setMeta(meta: KnowledgeBaseMeta): Promise<void> {
    await this.appendOps([{ type: 'meta', ...meta }]);
  }

  /** Append already-built ops as one batch (one awaited append, one apply cycle). */
  async appendOps(ops: Op[]): Promise<void> {
    if (ops.length === 0) return;
    this.assertWritable();
    await this.base.append(ops.map(encodeOp));
  }

  /** Append raw bytes as ops, bypassing the encoder: for tests of hostile writers. */
  async appendRaw(values: Uint8Array[]): Promise<void> {
    this.assertWritable();
    await this.base.append(values);
  }

  /**
   * Keep the writers' own logs complete on this device, in the background while no update is arriving
   * (`writer-logs.ts`). Full subscribers and seeders do, so a writer that lost its device can recover its
   * log from them before writing again.
   */
  keepWriterLogs(): void {
    if (this.writerLogs || this.base.writable) return;
    // The creator's log (its key is the knowledge base's key); added writers' logs Autobase downloads
    // whole anyway, since every node must be local to be linearized.
    const core = this.store.get({ key: this.base.key });
    this.writerLogs = core;
    keepLogComplete(core, this);
  }

  async close(): Promise<void> {
    this.devices.close();
    await this.writerLogs?.close();
    await this.hints?.close();
    // The base starts closing first, so an apply cycle waiting for blob bytes, which fails when the blob
    // cores close, is abandoned as part of closing (nothing kept) rather than reported as an apply error.
    const closing = this.base.close();
    await this.blobs.close();
    await closing;
  }

  private assertWritable(): void {
    if (this.upgradeMessage) throw new KnowledgeBaseError('upgrade-needed', this.upgradeMessage);
    if (!this.base.writable) throw new KnowledgeBaseError('not-writable', 'This device is not a writer of this knowledge base. Ask its owner for an invite.');
  }

  private onViewUpdate(changes: unknown): void {
    const view = (changes as { get(name: string): { from: number; to: number; shared: number } | undefined } | null)?.get('view');
    if (view && view.shared < view.from) this.emit('truncate', view.shared);
  }
}
