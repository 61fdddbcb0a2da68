// Mirrors a folder into a knowledge base: live events are coalesced and flushed in batches, and a full
// reconciliation scan (at start-up, after a crash, after missed events) compares hashes with the view
// and appends only what changed.
//
// The view is the mirror's only memory: every acknowledged append is in it after a restart, so
// reconciling against it never duplicates or loses a change, whatever point the process died at.
import { EventEmitter } from 'node:events';
import { contentHash } from '../engine/content-hash';
import type { FileEntry, FileInput, KnowledgeBase } from '../engine/knowledge-base';
import type { FileKind } from '../engine/schema';
import { SerialQueue } from '../engine/serial';
import type { FolderEvent, FolderEventSource, FolderReader } from './folder-source';
import { scanFolder } from './folder-scan';
import { IgnoreRules } from './ignore-rules';
import { ViewBaseline, type MirrorBaseline } from './mirror-baseline';
import { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_FILES, OpBatch, readAhead } from './op-batch';

const NOT_WRITABLE_RETRY_MS = 5_000;

/** Decides what a file is published as (paid notes are sealed); null when the published version is current. */
export interface Publisher {
  /** Throws an error with a message for the author to refuse publishing (e.g. a malformed paid marker). */
  prepare(path: string, bytes: Uint8Array, current: FileEntry | null): Promise<{ bytes: Uint8Array; kind?: FileKind } | null>;
}

export interface FolderMirrorOptions {
  kb: KnowledgeBase;
  /** Transforms files before publishing; by default files are published as they are. */
  publisher?: Publisher;
  folder: FolderReader;
  events?: FolderEventSource;
  /** What the folder last agreed with (default: the view, right while this device is the only writer). */
  baseline?: MirrorBaseline;
  ignore?: readonly string[];
  /** Quiet time before a burst of events is flushed. */
  debounceMs?: number;
  /** More deletions than this in one flush wait for `confirmDeletions()`. */
  massDeleteThreshold?: number;
  /** Files and bytes per batched append during imports. */
  batchFiles?: number;
  batchBytes?: number;
}

/** Progress of a scan or import, for progress bars. */
export interface MirrorProgress {
  phase: 'scanning' | 'ingesting' | 'done';
  filesScanned: number;
  filesChanged: number;
  bytesIngested: number;
}

/** Deletions held back until the user confirms them. */
export interface HeldDeletions {
  count: number;
  paths: string[];
  reason: 'folder-missing' | 'folder-empty' | 'over-threshold';
}

export interface ReconcileSummary {
  scanned: number;
  put: number;
  deleted: number;
  renamed: number;
  unchanged: number;
  held: HeldDeletions | null;
  errors: { path: string; message: string }[];
}

type Events = {
  progress: [MirrorProgress];
  'deletions-held': [HeldDeletions];
  flushed: [{ put: number; deleted: number; renamed: number }];
  error: [{ path: string | null; message: string }];
};

/** Keeps a knowledge base equal to a folder. */
export class FolderMirror extends EventEmitter<Events> {
  private readonly kb: KnowledgeBase;
  private readonly folder: FolderReader;
  private readonly source: FolderEventSource | undefined;
  private readonly publisher: Publisher | undefined;
  private readonly baseline: MirrorBaseline;
  private readonly rules: IgnoreRules;
  private readonly debounceMs: number;
  private readonly massDeleteThreshold: number;
  private readonly batchFiles: number;
  private readonly batchBytes: number;
  private readonly work = new SerialQueue();
  private pending = new Map<string, FolderEvent>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private held: HeldDeletions | null = null;
  private closed = false;

  constructor(opts: FolderMirrorOptions) {
    super();
    this.kb = opts.kb;
    this.folder = opts.folder;
    this.source = opts.events;
    this.publisher = opts.publisher;
    this.baseline = opts.baseline ?? new ViewBaseline(opts.kb);
    this.rules = new IgnoreRules(opts.ignore);
    this.debounceMs = opts.debounceMs ?? 100;
    this.massDeleteThreshold = opts.massDeleteThreshold ?? 100;
    this.batchFiles = opts.batchFiles ?? DEFAULT_BATCH_FILES;
    this.batchBytes = opts.batchBytes ?? DEFAULT_BATCH_BYTES;
  }

  /** Follow live events, and reconcile once (events arriving meanwhile are applied after it). */
  async start(): Promise<ReconcileSummary> {
    if (this.source && !this.closed) this.unsubscribe = this.source.subscribe((event) => this.enqueue(event));
    return this.reconcile();
  }

  /** Deletions currently waiting for confirmation, if any. */
  get heldDeletions(): HeldDeletions | null {
    return this.held;
  }

  /** Apply held deletions (the user said the folder really lost those files). */
  async confirmDeletions(): Promise<number> {
    const held = this.held;
    if (!held) return 0;
    this.held = null;
    return this.work.run(() => this.deletePresent(held.paths));
  }

  /** Drop held deletions; the next reconciliation will find them again if they are still missing. */
  discardHeldDeletions(): void {
    this.held = null;
  }

  /** Feed one event; events are coalesced per path and flushed after a quiet period. */
  enqueue(event: FolderEvent): void {
    if (this.closed) return;
    if (event.type === 'rescan') {
      void this.reconcile().catch((err: unknown) => this.emit('error', { path: null, message: errorMessage(err) }));
      return;
    }
    if (event.type === 'renamed') {
      // A rename must not be reordered with edits of either path: flush what is queued first.
      this.pending.set(`rename:${event.from}->${event.to}:${this.pending.size}`, event);
    } else {
      this.pending.set(event.path, event);
    }
    // The window opens at the first event and is not extended by later ones, so a steady stream of
    // events (an editor saving every keystroke) still publishes at least every `debounceMs`.
    this.timer ??= setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Flush queued events now; resolves when they are appended. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.kb.writable && !this.closed) {
      // Not (or no longer) a writer: keep the edits queued, quietly, in case this device is added again.
      if (this.pending.size > 0) this.timer = setTimeout(() => void this.flush(), NOT_WRITABLE_RETRY_MS);
      return this.work.idle();
    }
    const events = [...this.pending.values()];
    this.pending = new Map();
    if (events.length === 0) return this.work.idle();
    return this.work.run(() => this.applyEvents(events)).catch((err: unknown) => {
      this.emit('error', { path: null, message: errorMessage(err) });
    });
  }

  /** Compare the whole folder with the view and append the difference (renames detected by hash). */
  reconcile(): Promise<ReconcileSummary> {
    return this.work.run(() => this.reconcileNow());
  }

  /** Run `task` between the mirror's own appends (the co-editor writes remote changes this way). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.work.run(task);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flush();
    await this.work.idle();
  }

  private async reconcileNow(): Promise<ReconcileSummary> {
    const summary: ReconcileSummary = { scanned: 0, put: 0, deleted: 0, renamed: 0, unchanged: 0, held: null, errors: [] };
    const known = new Map<string, FileEntry>();
    for await (const entry of this.baseline.all()) known.set(entry.path, entry);

    if (!(await this.folder.exists())) {
      summary.held = this.holdDeletions([...known.keys()], 'folder-missing');
      return summary;
    }

    const progress: MirrorProgress = { phase: 'scanning', filesScanned: 0, filesChanged: 0, bytesIngested: 0 };
    const { scanned, unchanged, candidates, missing, missingByHash } = await scanFolder(this.folder, this.rules, known, (count) => {
      progress.filesScanned = count;
      this.emit('progress', { ...progress });
    });
    progress.filesScanned = scanned;
    summary.scanned = scanned;
    summary.unchanged = unchanged;

    progress.phase = 'ingesting';
    const batch = this.newBatch();
    const renamedAway = new Set<string>();
    // Reads run ahead in small parallel groups (file systems serve several at once); appends stay in order.
    const reads = readAhead(candidates, (file) => this.folder.read(file.path), (file) => file.size);
    for (const file of candidates) {
      let bytes: Uint8Array;
      try {
        bytes = await reads.next();
      } catch (err) {
        summary.errors.push({ path: file.path, message: errorMessage(err) });
        continue;
      }
      const hash = contentHash(bytes);
      const entry = known.get(file.path) ?? null;
      const renamedFrom = !entry ? missingByHash.get(hash.toString('hex'))?.shift() : undefined;
      if (renamedFrom) {
        await batch.op({ type: 'rename', from: renamedFrom, to: file.path, folder: false });
        renamedAway.add(renamedFrom);
        summary.renamed++;
      } else {
        let publish: Awaited<ReturnType<FolderMirror['publishable']>>;
        try {
          publish = await this.publishable(file.path, bytes, entry);
        } catch (err) {
          summary.errors.push({ path: file.path, message: errorMessage(err) });
          this.emit('error', { path: file.path, message: errorMessage(err) });
          continue;
        }
        if (!publish) {
          // Touched but not changed: nothing to publish (the next scan reads it again, which is cheap).
          summary.unchanged++;
          continue;
        }
        await batch.put({ path: file.path, bytes: publish.bytes, kind: publish.kind, mtime: file.mtime, base: entry ?? null });
        summary.put++;
        progress.bytesIngested += bytes.byteLength;
      }
      progress.filesChanged++;
      if (progress.filesChanged % 200 === 0) this.emit('progress', { ...progress });
    }
    await batch.flush();

    const toDelete = missing.filter((path) => !renamedAway.has(path));
    if (toDelete.length > 0) {
      const reason = scanned === 0 ? 'folder-empty' : toDelete.length > this.massDeleteThreshold ? 'over-threshold' : null;
      if (reason) {
        summary.held = this.holdDeletions(toDelete, reason);
      } else {
        await this.deleteEntries(toDelete.map((path) => known.get(path)!));
        summary.deleted = toDelete.length;
      }
    }
    this.emit('progress', { ...progress, phase: 'done' });
    return summary;
  }

  private async applyEvents(events: FolderEvent[]): Promise<void> {
    const batch = this.newBatch();
    const deletions: FileEntry[] = [];
    const puts: { input: FileInput; hash: Buffer; isNew: boolean }[] = [];
    let renamed = 0;
    for (const event of events) {
      if (event.type === 'renamed') {
        renamed += await this.applyRename(batch, event);
        continue;
      }
      if (event.type === 'rescan' || this.rules.ignores(event.path)) continue;
      const entry = await this.baseline.get(event.path);
      const file = await this.folder.stat(event.path);
      if (!file) {
        // "deleted", or "changed" for a file that is gone by now: either way it is a deletion.
        if (entry) deletions.push(entry);
        else for await (const inner of this.baseline.all(event.path + '/')) deletions.push(inner);
        continue;
      }
      try {
        const bytes = await this.folder.read(event.path);
        const publish = await this.publishable(event.path, bytes, entry);
        if (!publish) continue;
        puts.push({ input: { path: event.path, bytes: publish.bytes, kind: publish.kind, mtime: file.mtime, base: entry ?? null }, hash: contentHash(publish.bytes), isNew: !entry });
      } catch (err) {
        this.emit('error', { path: event.path, message: errorMessage(err) });
      }
    }
    // A watcher reports a move as a deletion plus a creation: pair them by content into a rename.
    for (const put of puts.filter((candidate) => candidate.isNew)) {
      const index = deletions.findIndex((entry) => entry.hash.equals(put.hash));
      if (index < 0) continue;
      const [from] = deletions.splice(index, 1);
      await batch.op({ type: 'rename', from: from.path, to: put.input.path, folder: false });
      puts.splice(puts.indexOf(put), 1);
      renamed++;
    }
    for (const put of puts) await batch.put(put.input);
    await batch.flush();
    const deleted = await this.applyDeletions(deletions.map((entry) => entry.path));
    this.emit('flushed', { put: puts.length, deleted, renamed });
  }

  private async applyRename(batch: OpBatch, event: Extract<FolderEvent, { type: 'renamed' }>): Promise<number> {
    const fromIgnored = this.rules.ignores(event.from);
    const toIgnored = this.rules.ignores(event.to);
    if (fromIgnored && toIgnored) return 0;
    if (toIgnored) {
      // Moved out of what is shared (into a hidden or ignored place): a deletion for readers.
      const deletions: string[] = [];
      for await (const entry of this.baseline.all(event.from + '/')) deletions.push(entry.path);
      if (await this.baseline.get(event.from)) deletions.push(event.from);
      await batch.flush();
      await this.applyDeletions(deletions);
      return 0;
    }
    if (fromIgnored) {
      // Moved into view: a creation.
      this.enqueueScanOf(event.to);
      return 0;
    }
    const isFolder = event.folder ?? !(await this.baseline.get(event.from));
    if (isFolder && !(await hasAny(this.baseline.all(event.from + '/')))) return 0;
    await batch.op({ type: 'rename', from: event.from, to: event.to, folder: isFolder });
    if (!isFolder) {
      // A rename can come with an edit (an editor's save-as): publish the new bytes too.
      const file = await this.folder.stat(event.to);
      const entry = await this.baseline.get(event.from);
      if (file && entry) {
        const bytes = await this.folder.read(event.to);
        const publish = await this.publishable(event.to, bytes, entry).catch((err: unknown) => {
          this.emit('error', { path: event.to, message: errorMessage(err) });
          return null;
        });
        if (publish) await batch.put({ path: event.to, bytes: publish.bytes, kind: publish.kind, mtime: file.mtime, base: entry });
      }
    }
    return 1;
  }

  /** What to publish for a file's current bytes, or null when the knowledge base already has them. */
  private async publishable(path: string, bytes: Uint8Array, entry: FileEntry | null): Promise<{ bytes: Uint8Array; kind?: FileKind } | null> {
    if (this.publisher) return this.publisher.prepare(path, bytes, entry);
    return entry?.hash.equals(contentHash(bytes)) ? null : { bytes };
  }

  private enqueueScanOf(path: string): void {
    this.enqueue({ type: 'changed', path });
  }

  private async applyDeletions(paths: string[]): Promise<number> {
    if (paths.length === 0) return 0;
    if (paths.length > this.massDeleteThreshold) {
      this.holdDeletions(paths, 'over-threshold');
      return 0;
    }
    return this.deletePresent(paths);
  }

  /** Delete those of `paths` the baseline still holds; returns how many. */
  private async deletePresent(paths: string[]): Promise<number> {
    const present: FileEntry[] = [];
    for (const path of paths) {
      const entry = await this.baseline.get(path);
      if (entry) present.push(entry);
    }
    await this.deleteEntries(present);
    return present.length;
  }

  private async deleteEntries(entries: FileEntry[]): Promise<void> {
    await this.kb.deleteFiles(entries.map((entry) => ({ path: entry.path, base: entry.hash })));
    for (const entry of entries) this.baseline.delete(entry.path);
  }

  private newBatch(): OpBatch {
    return new OpBatch(this.kb, this.batchFiles, this.batchBytes, this.baseline);
  }

  private holdDeletions(paths: string[], reason: HeldDeletions['reason']): HeldDeletions | null {
    if (paths.length === 0) return null;
    const merged = new Set([...(this.held?.paths ?? []), ...paths]);
    this.held = { count: merged.size, paths: [...merged], reason };
    this.emit('deletions-held', this.held);
    return this.held;
  }
}

async function hasAny(entries: AsyncIterable<unknown> | Iterable<unknown>): Promise<boolean> {
  for await (const _ of entries) return true;
  return false;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
