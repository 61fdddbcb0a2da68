// Brings other writers' changes into a shared folder, without echoing them back and without ever
// overwriting what the user typed. Each file is compared three ways: the folder's copy (L), the version
// the folder last agreed with (S, synced-versions.ts) and the view (V).
// - L equals V: already in sync.
// - L equals S (or both are absent): the user has not touched it, so V is written (or the file removed).
// - otherwise the user edited it: it is left alone and handed to the mirror, which publishes it with S as
//   its base, and `apply` merges it with V (or keeps it as a conflict copy); the result comes back here.
// Writes run inside the mirror's queue and update S first, so the watcher's echo of a write is seen by the
// mirror as "unchanged" and never published again.
// Another writer deleting many files at once (a slip, a buggy or compromised device) does not empty this
// folder: above a threshold the removals of a pass are held until `confirmDeletions()`. A held file stays
// in the folder and in S, so the mirror sees it as unchanged and never publishes it back; its deletion is
// remembered here and re-examined whenever the path comes up again (an edit, a deletion here, a remote
// change, and every full pass, the first after a restart included).
import { EventEmitter } from 'node:events';
import { contentHash } from '../engine/content-hash';
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { SerialQueue } from '../engine/serial';
import type { MountFileSystem } from '../mount/file-writer';
import { checkPath } from '../mount/path-policy';
import { executableCodeIn } from '../mount/untrusted-code';
import type { FolderMirror } from './folder-mirror';
import { IgnoreRules } from './ignore-rules';
import type { SyncedVersions } from './synced-versions';

const RETRY_MS = 2_000;
/** Reads of a view that keeps moving before a pass goes on with what it read (removals wait for a still one). */
const VIEW_READ_ATTEMPTS = 3;

export interface CoEditorOptions {
  kb: KnowledgeBase;
  mirror: FolderMirror;
  synced: SyncedVersions;
  /** Confined, atomic writes into the shared folder (the plugin routes them through the vault). */
  files: MountFileSystem;
  ignore?: readonly string[];
  /** How long to wait for a remote file's bytes before trying again on the next update. */
  readTimeoutMs?: number;
  /** More remote deletions than this in one pass wait for `confirmDeletions()`. */
  massDeleteThreshold?: number;
}

/** Remote deletions kept out of the folder until the user confirms them. */
export interface HeldRemovals {
  count: number;
  paths: string[];
}

/** What bringing one path in line with the view needs: nothing more, a retry (bytes not reachable), or a removal. */
type Outcome = 'done' | 'unavailable' | 'remove';

type Events = {
  /**
   * A remote change reached the folder. `newCode`: the note now holds more code that plugins run when it is
   * opened (Dataview JS, Templater, run-blocks) than before; co-authors' notes are not neutralized, since
   * what this folder holds is published back as the user's own text, so the user is told instead.
   */
  written: [{ path: string; type: 'put' | 'delete'; newCode?: boolean }];
  /** A remote change met a local edit; the edit is published and merged instead. */
  'kept-local': [path: string];
  /** Another writer deleted more files at once than the threshold: none were removed here. */
  'deletions-held': [HeldRemovals];
  error: [{ path: string; message: string }];
};

export class CoEditor extends EventEmitter<Events> {
  private readonly kb: KnowledgeBase;
  private readonly mirror: FolderMirror;
  private readonly synced: SyncedVersions;
  private readonly files: MountFileSystem;
  private readonly rules: IgnoreRules;
  private readonly readTimeoutMs: number;
  private readonly massDeleteThreshold: number;
  private readonly held = new Set<string>();
  private readonly passes = new SerialQueue();
  private fullPass = true;
  private scheduled = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly onUpdate = () => this.schedule();
  private readonly onTruncate = () => {
    this.fullPass = true;
    this.schedule();
  };

  constructor(opts: CoEditorOptions) {
    super();
    this.kb = opts.kb;
    this.mirror = opts.mirror;
    this.synced = opts.synced;
    this.files = opts.files;
    this.rules = new IgnoreRules(opts.ignore);
    this.readTimeoutMs = opts.readTimeoutMs ?? 5_000;
    this.massDeleteThreshold = opts.massDeleteThreshold ?? 100;
    // What the mirror publishes may not change the view as it expected (a delete of an edited file is
    // skipped, an edit may be merged): look at those paths again after the next update.
    this.mirror.on('flushed', () => this.schedule());
  }

  /** Follow the view; the first pass compares every file. */
  start(): void {
    this.kb.on('update', this.onUpdate);
    this.kb.on('truncate', this.onTruncate);
    this.schedule();
  }

  /** Resolves once the folder has caught up with the view as it is now. */
  async catchUp(): Promise<void> {
    await this.passes.run(() => this.pass());
  }

  /** Remote deletions waiting for confirmation. */
  get heldDeletions(): string[] {
    return [...this.held];
  }

  /**
   * Apply held removals: only files still untouched here and still deleted in the view are removed (an
   * edited one is published and kept, a recreated one written). Resolves with the number removed.
   */
  confirmDeletions(): Promise<number> {
    return this.passes.run(() => this.mirror.exclusive(async () => {
      const paths = [...this.held];
      this.held.clear();
      let removed = 0;
      for (const path of paths) {
        if (this.closed) break;
        const remote = await this.kb.stat(path, { wait: false }).catch(() => null);
        const outcome = await this.syncPath(path, remote);
        if (outcome === 'remove') {
          await this.remove(path);
          removed++;
        } else if (outcome === 'unavailable') {
          this.synced.touched.add(path); // recreated meanwhile, bytes not here yet: the next pass retries
          this.schedule();
        }
      }
      return removed;
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.kb.off('update', this.onUpdate);
    this.kb.off('truncate', this.onTruncate);
    if (this.retry) clearTimeout(this.retry);
    await this.passes.idle();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    void this.passes.run(async () => {
      this.scheduled = false;
      await this.pass();
    }).catch((err: unknown) => this.emit('error', { path: '', message: err instanceof Error ? err.message : String(err) }));
  }

  private async pass(): Promise<void> {
    if (this.closed) return;
    const touched = [...this.synced.touched];
    this.synced.touched.clear();
    // The view may move while it is read, and paths read at different versions would split one
    // deletion set across passes, each below the threshold: read again until it held still.
    let read = await this.readView(touched);
    for (let attempt = 1; this.kb.version !== read.target && attempt < VIEW_READ_ATTEMPTS; attempt++) read = await this.readView(touched);
    const { target, paths } = read;
    const consistent = this.kb.version === target;
    let complete = true;
    await this.mirror.exclusive(async () => {
      const removals: string[] = [];
      for (const [path, entry] of paths) {
        if (this.closed) return;
        const outcome = await this.syncPath(path, entry);
        if (outcome === 'unavailable') complete = false;
        else if (outcome === 'remove') removals.push(path);
        else this.held.delete(path); // settled otherwise: edited here, gone here, or back in the view
      }
      if (consistent) await this.removeOrHold(removals);
      else this.defer(removals);
    });
    if (!complete && !this.closed) {
      // Some bytes were not reachable yet: look again soon, whether or not the view changes meanwhile.
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.schedule();
      }, RETRY_MS);
    }
    if (complete && !this.closed) {
      this.fullPass = false;
      // Only the signed part of the view is final: a reorder may rewrite the rest (and may be reported
      // after a pass has read it), so the next pass looks at the unsigned tail again. Paths whose synced
      // version already matches cost no disk access.
      this.synced.setVersion(Math.min(target, this.kb.signedVersion));
    }
  }

  /** What changed in the view since the folder last caught up with it (everything, on a full pass), and the touched paths. */
  private async readView(touched: string[]): Promise<{ target: number; paths: Map<string, FileEntry | null> }> {
    const target = this.kb.version;
    const full = this.fullPass || this.synced.version > target;
    const paths = new Map<string, FileEntry | null>();
    if (full) {
      for await (const entry of this.kb.files()) paths.set(entry.path, entry);
      for (const entry of this.synced.all()) if (!paths.has(entry.path)) paths.set(entry.path, null);
    } else if (target !== this.synced.version) {
      for await (const change of this.kb.changes(this.synced.version)) paths.set(change.path, change.type === 'put' ? change.entry : null);
    }
    for (const path of touched) if (!paths.has(path)) paths.set(path, await this.kb.stat(path, { wait: false }).catch(() => null));
    return { target, paths };
  }

  /** Removals read from a moving view are counted again by the next pass, from a view that holds still. */
  private defer(removals: string[]): void {
    for (const path of removals) if (!this.held.has(path)) this.synced.touched.add(path);
    if (removals.length > 0) this.schedule();
  }

  /**
   * Remove what this pass found deleted remotely, unless there are more fresh removals than the threshold:
   * then none of them is removed and they join the held ones. A held path stays held when it comes up again.
   */
  private async removeOrHold(removals: string[]): Promise<void> {
    const fresh = removals.filter((path) => !this.held.has(path));
    if (fresh.length > this.massDeleteThreshold) {
      for (const path of fresh) this.held.add(path);
      this.emit('deletions-held', { count: this.held.size, paths: [...this.held] });
      return;
    }
    for (const path of fresh) {
      if (this.closed) return;
      await this.remove(path);
    }
  }

  private async remove(path: string): Promise<void> {
    this.synced.delete(path);
    await this.files.remove(path);
    this.emit('written', { path, type: 'delete' });
  }

  /** Bring one path in line with the view, except removals, which are left to the caller. */
  private async syncPath(path: string, remote: FileEntry | null): Promise<Outcome> {
    const synced = await this.synced.get(path);
    if (remote && synced?.hash.equals(remote.hash)) return 'done';
    // Another writer's paid note is a sealed envelope, and a locked stub written here would be published
    // back over it: it stays in the knowledge base only (paid notes are edited where they were published).
    if (remote?.kind === 'paid-note' && !synced) return 'done';
    const verdict = checkPath(path);
    if (this.rules.ignores(path) || !verdict.ok || verdict.path !== path) {
      if (remote) this.emit('error', { path, message: `"${path}" from a co-author cannot be written in this folder; it stays in the knowledge base only.` });
      return 'done';
    }
    const local = await this.files.read(path);
    const localHash = local && contentHash(local);
    if (remote && localHash?.equals(remote.hash)) {
      this.synced.put({ ...remote, path });
      return 'done';
    }
    if (!remote && !local) {
      if (synced) this.synced.delete(path);
      return 'done';
    }
    const untouched = synced ? localHash !== null && localHash.equals(synced.hash) : local === null;
    if (!untouched) {
      this.emit('kept-local', path);
      this.mirror.enqueue({ type: 'changed', path });
      return 'done';
    }
    if (!remote) return 'remove';
    let bytes: Buffer;
    try {
      bytes = await this.kb.read(remote, { timeout: this.readTimeoutMs });
    } catch {
      return 'unavailable';
    }
    this.synced.put({ ...remote, path });
    await this.files.write({ path, bytes, mtime: remote.mtime });
    const newCode = remote.kind === 'note' && executableCodeIn(bytes) > (local ? executableCodeIn(local) : 0);
    this.emit('written', { path, type: 'put', newCode });
    return 'done';
  }
}
