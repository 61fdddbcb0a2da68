// Materializes a knowledge base as a read-only folder: an initial sync with progress, then live updates
// from the view's change feed. The knowledge base is untrusted input: every path goes through the path
// policy, every write through the confined FileWriter, and caps bound what one knowledge base can take.
//
// The mount never loses a user's words: a file edited or deleted locally is restored from the knowledge
// base and the local text is kept next to it as a conflict copy; files the mount did not write are never
// touched; remote mass deletions wait for confirmation.
import { EventEmitter } from 'node:events';
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { SerialQueue } from '../engine/serial';
import { FileWriter, type MountFileSystem } from './file-writer';
import { MountState, type MountedFile } from './mount-state';
import { checkPath, type PathRejection } from './path-policy';
import { LocalChanges } from './local-changes';
import {
  DEFAULT_MOUNT_LIMITS, MountError, emptySummary,
  type DriftRestored, type MountLimits, type MountMode, type MountOptions, type MountProgress, type NoteRenderer, type SyncSummary,
} from './mount-types';
import { BlobPrefetch, prefetchView } from './blob-prefetch';
import { writeEntries } from './entry-writes';
import { screenEntries, type Planned } from './mount-screen';

export * from './mount-types';

const RETRY_MIN_MS = 1000;
/**
 * Live updates save the mount state at most this often (a save appends the files that changed). A state
 * older than the disk only costs rewrites at start-up: a file already holding the entry's bytes is not
 * taken for a user's edit.
 */
const SAVE_COALESCE_MS = 1000;
const RETRY_MAX_MS = 30_000;

type Events = {
  progress: [MountProgress];
  synced: [SyncSummary];
  rejected: [PathRejection[]];
  restored: [DriftRestored];
  'deletions-held': [{ count: number; paths: string[] }];
  error: [Error];
};

/** A knowledge base written into a folder. */
export class Mount extends EventEmitter<Events> {
  readonly kb: KnowledgeBase;
  readonly root: string;
  readonly mode: MountMode;
  readonly writer: MountFileSystem;
  private readonly state: MountState;
  private readonly limits: MountLimits;
  private readonly massDeleteThreshold: number;
  private readonly render: NoteRenderer | undefined;
  private readonly fetchTimeoutMs: number;
  private readonly localChanges: LocalChanges;
  private readonly work = new SerialQueue();
  private heldRemovals: string[] = [];
  private needsFullSync = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = RETRY_MIN_MS;
  private updateScheduled = false;
  private closed = false;
  private readonly onUpdate = () => this.scheduleUpdate();
  private readonly onTruncate = () => {
    this.needsFullSync = true;
    this.scheduleUpdate();
  };

  constructor(opts: MountOptions) {
    super();
    this.kb = opts.kb;
    this.root = opts.root;
    this.mode = opts.mode ?? 'full';
    this.writer = opts.fileSystem ?? new FileWriter(opts.root);
    this.state = new MountState(opts.stateFile);
    this.limits = { ...DEFAULT_MOUNT_LIMITS, ...opts.limits };
    this.massDeleteThreshold = opts.massDeleteThreshold ?? 100;
    this.render = opts.render;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 15_000;
    this.localChanges = new LocalChanges(this.writer, opts.now ?? (() => new Date()));
  }

  /** Load the record of the last run, reconcile the folder against the knowledge base, then follow it. */
  async start(): Promise<SyncSummary> {
    await this.state.load();
    await this.writer.sweepTemps();
    // A full replica takes each new blob as it is announced, so a live edit's bytes are here by the time its op is applied.
    if (this.mode === 'full') this.kb.blobs.followAppends();
    const summary = await this.work.run(() => this.fullSync());
    this.kb.on('update', this.onUpdate);
    this.kb.on('truncate', this.onTruncate);
    this.scheduleUpdate();
    return summary;
  }

  /** The view version the folder reflects. */
  get appliedVersion(): number {
    return this.state.data.appliedVersion;
  }

  /** Files the mount manages, by disk path. */
  get files(): Readonly<Record<string, MountedFile>> {
    return this.state.data.files;
  }

  /** How many files the mount manages. */
  get fileCount(): number {
    return this.state.fileCount;
  }

  /** Whether a disk path (relative to the root) is a file this mount wrote. */
  owns(path: string): boolean {
    return path in this.state.data.files;
  }

  /** Whether a file is still a lazy stub. */
  isStub(path: string): boolean {
    return this.state.data.files[path]?.stub ?? false;
  }

  /** Bring the folder up to date now (what live updates do, awaited). */
  sync(): Promise<SyncSummary> {
    return this.work.run(() => (this.needsFullSync ? this.fullSync() : this.incrementalSync()));
  }

  /** Compare the whole folder with the knowledge base (start-up, after a truncation). */
  reconcile(): Promise<SyncSummary> {
    return this.work.run(() => this.fullSync());
  }

  /** Fetch a lazy file's bytes now and write them; fails with `no-peer` when nobody has them. */
  fetch(path: string): Promise<void> {
    return this.work.run(async () => {
      const known = this.state.data.files[path];
      if (!known) throw new MountError('not-mounted', `"${path}" is not part of this knowledge base.`);
      if (!known.stub) return;
      const entry = await this.kb.stat(known.source, { timeout: this.fetchTimeoutMs }).catch(() => null);
      if (!entry) throw new MountError('no-peer', `No peer has "${path}" right now. Try again when the author or another subscriber is online.`);
      const summary = emptySummary();
      await this.writeEntries([{ disk: path, entry }], summary, { fetch: true });
      const failed = summary.errors.find((e) => e.path === path);
      if (failed) throw new MountError('no-peer', failed.message);
      await this.state.save();
    });
  }

  /**
   * Write files again with the current renderer (a paid note was unlocked, or the reader allowed scripts),
   * by knowledge-base path; all files when omitted. A local edit is kept as a conflict copy first.
   */
  rerender(sources?: string[]): Promise<number> {
    return this.work.run(async () => {
      const wanted = sources ? new Set(sources) : null;
      const plan: Planned[] = [];
      for (const [disk, known] of Object.entries(this.state.data.files)) {
        if (known.stub || (wanted && !wanted.has(known.source))) continue;
        const entry = await this.kb.stat(known.source, { wait: false }).catch(() => null);
        if (!entry || entry.kind === 'attachment') continue;
        const drift = await this.localChanges.keep(disk, known);
        if (drift) this.emit('restored', drift);
        plan.push({ disk, entry });
      }
      const summary = emptySummary();
      await this.writeEntries(plan, summary, { fetch: false });
      await this.state.save();
      return summary.written;
    });
  }

  /** Check files for local edits or deletions and restore them, keeping the user's text as a conflict copy. */
  checkDrift(paths?: string[]): Promise<DriftRestored[]> {
    return this.work.run(async () => {
      const restored: DriftRestored[] = [];
      const targets = paths ?? Object.keys(this.state.data.files);
      const rewrite: Planned[] = [];
      for (const path of targets) {
        const known = this.state.data.files[path];
        if (!known) continue;
        const drift = await this.localChanges.keep(path, known);
        if (!drift) continue;
        restored.push(drift);
        const entry = await this.kb.stat(known.source, { wait: false }).catch(() => null);
        if (entry) rewrite.push({ disk: path, entry });
      }
      const summary = emptySummary();
      await this.writeEntries(rewrite, summary, { fetch: false });
      for (const drift of restored) this.emit('restored', drift);
      if (restored.length > 0) await this.state.save();
      return restored;
    });
  }

  /** Remote deletions waiting for confirmation. */
  get heldDeletions(): string[] {
    return [...this.heldRemovals];
  }

  /** Apply held remote deletions. */
  confirmDeletions(): Promise<number> {
    return this.work.run(async () => {
      const paths = this.heldRemovals;
      this.heldRemovals = [];
      const summary = emptySummary();
      await this.removeFiles(paths, summary);
      await this.state.save();
      return summary.removed;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.kb.off('update', this.onUpdate);
    this.kb.off('truncate', this.onTruncate);
    if (this.mode === 'full') this.kb.blobs.stopFollowingAppends();
    await this.work.idle();
    await this.state.save();
  }

  private scheduleUpdate(): void {
    if (this.updateScheduled || this.closed) return;
    this.updateScheduled = true;
    void this.work
      .run(async () => {
        this.updateScheduled = false;
        if (this.closed) return;
        const summary = this.needsFullSync ? await this.fullSync() : await this.incrementalSync();
        if (summary.written + summary.removed + summary.moved > 0 || summary.rejected.length > 0 || summary.unavailable > 0) this.emit('synced', summary);
      })
      .catch((err: unknown) => {
        this.updateScheduled = false;
        if (!this.closed) this.emit('error', err instanceof Error ? err : new Error(String(err)));
      });
  }

  private async fullSync(): Promise<SyncSummary> {
    const summary = emptySummary();
    const version = this.kb.version;
    this.emit('progress', { phase: 'listing', files: 0, totalFiles: 0, bytes: 0, totalBytes: 0 });
    if (this.mode === 'full') await prefetchView(this.kb, this.fetchTimeoutMs);
    const entries = new Map<string, FileEntry>();
    for await (const entry of this.kb.files()) entries.set(entry.path, entry);
    const plan = screenEntries(this.state, this.limits, [...entries.values()], summary);
    const wanted = new Map(plan.map((planned) => [planned.disk, planned]));
    // Bytes of files that differ from what was written start downloading now, while the folder is checked.
    const prefetch = this.mode === 'full' ? BlobPrefetch.start(this.kb, plan.filter((planned) => !this.state.wrote(planned.disk, planned.entry)).map((planned) => planned.entry)) : undefined;
    const unchanged = await this.localChanges.checkPlanned(plan, this.state, summary);
    summary.unchanged += unchanged.size;
    const changed = plan.filter((planned) => !unchanged.has(planned));
    const removals = Object.keys(this.state.data.files).filter((disk) => !wanted.has(disk));
    await this.writeEntries(changed, summary, { fetch: this.mode === 'full', prefetch });
    await this.removeOrHold(removals, summary);
    this.needsFullSync = summary.unavailable > 0;
    this.state.data.appliedVersion = version;
    this.retryLaterIf(summary);
    await this.state.save();
    this.emit('progress', { phase: 'done', files: summary.written, totalFiles: changed.length, bytes: 0, totalBytes: 0 });
    for (const drift of summary.restored) this.emit('restored', drift);
    if (summary.rejected.length > 0) this.emit('rejected', summary.rejected);
    return summary;
  }

  private async incrementalSync(): Promise<SyncSummary> {
    const summary = emptySummary();
    const version = this.kb.version;
    const since = this.state.data.appliedVersion;
    if (version === since) return summary;
    if (version < since) {
      // The view was rewound (a reorder) below what we applied: only a full comparison is safe.
      return this.fullSync();
    }
    // Nothing written yet (a new subscription whose view just arrived): a listing is that same diff, cheaper.
    if (this.state.fileCount === 0) return this.fullSync();
    const puts: FileEntry[] = [];
    const deletes: FileEntry[] = [];
    for await (const change of this.kb.changes(since)) {
      if (change.type === 'put') puts.push(change.entry);
      else deletes.push(change.previous);
    }
    // Same bytes deleted at one path and put at another: a rename, applied as a local move.
    const moved = new Set<FileEntry>();
    for (const put of puts) {
      const index = deletes.findIndex((gone) => gone.hash.equals(put.hash) && this.state.diskOf(gone.path) !== undefined && this.state.diskOf(put.path) === undefined);
      if (index < 0) continue;
      const verdict = checkPath(put.path, this.limits.paths);
      if (!verdict.ok || this.state.collides(verdict.path, deletes[index].path)) continue;
      const [gone] = deletes.splice(index, 1);
      const fromDisk = this.state.diskOf(gone.path)!;
      const known = this.state.data.files[fromDisk];
      if (await this.localChanges.keep(fromDisk, known)) continue; // drifted: rewrite instead of moving
      try {
        await this.writer.move(fromDisk, verdict.path);
        this.state.forget(fromDisk);
        this.state.remember(verdict.path, { ...known, source: put.path });
        moved.add(put);
        summary.moved++;
        summary.changes.push({ type: 'move', path: verdict.path, from: fromDisk });
      } catch (err) {
        summary.errors.push({ path: put.path, message: errorMessage(err) });
      }
    }
    const plan = screenEntries(this.state, this.limits, puts.filter((put) => !moved.has(put)), summary, { incremental: true });
    const changed: Planned[] = [];
    for (const planned of plan) {
      const known = this.state.data.files[planned.disk];
      if (known?.hash === planned.entry.hash.toString('hex')) continue;
      if (known) {
        const drift = await this.localChanges.keep(planned.disk, known);
        if (drift) summary.restored.push(drift);
      } else {
        await this.localChanges.keepForeign(planned.disk, planned.entry, summary);
      }
      changed.push(planned);
    }
    await this.writeEntries(changed, summary, { fetch: this.mode === 'full' });
    const removals = deletes.map((gone) => this.state.diskOf(gone.path)).filter((disk): disk is string => disk !== undefined);
    await this.removeOrHold(removals, summary);
    // Changes whose bytes were unavailable are diffed again next time (applying a change twice is a no-op).
    if (summary.unavailable === 0) this.state.data.appliedVersion = version;
    this.retryLaterIf(summary);
    this.scheduleSave();
    for (const drift of summary.restored) this.emit('restored', drift);
    if (summary.rejected.length > 0) this.emit('rejected', summary.rejected);
    return summary;
  }

  /** Try again after a backoff while some files could not be fetched. */
  private retryLaterIf(summary: SyncSummary): void {
    if (summary.unavailable === 0) {
      this.retryDelayMs = RETRY_MIN_MS;
      return;
    }
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.scheduleUpdate();
    }, this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
  }

  /** Persist the state soon, coalescing the saves of a burst of live updates. */
  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.state.save().catch((err: unknown) => this.emit('error', err instanceof Error ? err : new Error(String(err))));
    }, SAVE_COALESCE_MS);
  }

  private writeEntries(plan: Planned[], summary: SyncSummary, opts: { fetch: boolean; prefetch?: BlobPrefetch }): Promise<void> {
    return writeEntries({
      kb: this.kb, files: this.writer, state: this.state, render: this.render, fetchTimeoutMs: this.fetchTimeoutMs,
      closed: () => this.closed, progress: (progress) => this.emit('progress', progress),
    }, plan, summary, opts);
  }

  private async removeOrHold(paths: string[], summary: SyncSummary): Promise<void> {
    if (paths.length > this.massDeleteThreshold) {
      this.heldRemovals = [...new Set([...this.heldRemovals, ...paths])];
      summary.heldDeletions = this.heldRemovals.length;
      this.emit('deletions-held', { count: this.heldRemovals.length, paths: this.heldRemovals });
      return;
    }
    await this.removeFiles(paths, summary);
  }

  private async removeFiles(paths: string[], summary: SyncSummary): Promise<void> {
    for (const path of paths) {
      const known = this.state.data.files[path];
      if (!known) continue;
      // A file the user changed is kept as a conflict copy, never deleted with the remote.
      await this.localChanges.keep(path, known);
      try {
        await this.writer.remove(path);
        this.state.forget(path);
        summary.removed++;
        summary.changes.push({ type: 'remove', path });
      } catch (err) {
        summary.errors.push({ path, message: errorMessage(err) });
      }
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
