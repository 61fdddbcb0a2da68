// The versions a shared folder last agreed with the knowledge base, per file, kept on disk beside the
// store. With several writers the view runs ahead of the folder, so this record is what tells a local
// edit (the file differs from its synced version) from a remote one (the view does), and what an edit
// names as its base, so `apply` can merge it instead of overwriting a co-author's words.
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { RecordJournal } from '../engine/record-journal';
import type { BlobRef, FileKind } from '../engine/schema';
import type { MirrorBaseline } from './mirror-baseline';

type StoredBlob = [core: string, blockOffset: number, blockLength: number, byteOffset: number, byteLength: number];
type StoredEntry = [path: string, hash: string, size: number, mtime: number, kind: FileKind, blob: StoredBlob | null, writer: string];

// A stale record only costs a re-check (the folder is compared three ways), so saves are spaced out. Each
// save appends only the entries that changed (a `RecordJournal`), whatever the folder's size.
const SAVE_DELAY_MS = 2000;

export class SyncedVersions implements MirrorBaseline {
  /** The view version the folder has caught up with (changes after it are still to be written). */
  version = 0;
  /** Paths changed since the co-editor last looked: what the mirror publishes may not land as expected. */
  readonly touched = new Set<string>();
  private readonly entries = new Map<string, FileEntry>();
  private readonly journal: RecordJournal;
  private timer: NodeJS.Timeout | null = null;

  private constructor(file: string) {
    this.journal = new RecordJournal(file);
  }

  /**
   * Load the record; without one (a folder shared before it had co-authors), start from the view,
   * which is exactly what the folder agreed with while this device was its only writer.
   */
  static async open(file: string, kb: KnowledgeBase, opts: { fresh?: boolean } = {}): Promise<SyncedVersions> {
    const synced = new SyncedVersions(file);
    const stored = await synced.journal.load();
    const legacy = stored.kind === 'legacy' ? (stored.value as { version?: number; files?: unknown } | null) : null;
    if (stored.kind === 'journal') {
      synced.version = Number(stored.header.version) || 0;
      for (const item of stored.records.values()) {
        const entry = fromStored(item);
        if (entry) synced.entries.set(entry.path, entry);
      }
    } else if (legacy && Array.isArray(legacy.files)) {
      // The whole-file record of earlier versions: read once, then saved as a journal.
      synced.version = Number(legacy.version) || 0;
      for (const item of legacy.files) {
        const entry = fromStored(item);
        if (entry) synced.set(entry);
      }
      await synced.save();
    } else if (!opts.fresh) {
      for await (const entry of kb.files()) synced.set(entry);
      synced.version = kb.version;
      await synced.save();
    }
    // A fresh record (a device that just joined, with an empty folder) starts at version 0: the
    // co-editor's first pass writes every file.
    return synced;
  }

  all(prefix = ''): FileEntry[] {
    return [...this.entries.values()].filter((entry) => entry.path.startsWith(prefix));
  }

  get(path: string): Promise<FileEntry | null> {
    return Promise.resolve(this.entries.get(path) ?? null);
  }

  put(entry: FileEntry): void {
    this.set(entry);
    this.touched.add(entry.path);
    this.saveSoon();
  }

  delete(path: string): void {
    this.remove(path);
    this.touched.add(path);
    this.saveSoon();
  }

  move(from: string, to: string, folder: boolean): void {
    for (const entry of [...this.entries.values()]) {
      const moved = folder ? entry.path.startsWith(from + '/') : entry.path === from;
      if (!moved) continue;
      this.remove(entry.path);
      this.touched.add(entry.path);
      const path = folder ? to + entry.path.slice(from.length) : to;
      this.set({ ...entry, path });
    }
    this.saveSoon();
  }

  setVersion(version: number): void {
    this.version = version;
    this.saveSoon();
  }

  /** Write now (on close; saves are otherwise coalesced). */
  async save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.journal.setHeader({ version: this.version });
    await this.journal.save();
  }

  private set(entry: FileEntry): void {
    this.entries.set(entry.path, entry);
    this.journal.set(entry.path, toStored(entry));
  }

  private remove(path: string): void {
    this.entries.delete(path);
    this.journal.delete(path);
  }

  private saveSoon(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.save().catch(() => undefined); // the next save retries; a stale record only costs a re-check
    }, SAVE_DELAY_MS);
  }
}

function toStored(entry: FileEntry): StoredEntry {
  const blob: StoredBlob | null = entry.blob && [entry.blob.core.toString('hex'), entry.blob.blockOffset, entry.blob.blockLength, entry.blob.byteOffset, entry.blob.byteLength];
  return [entry.path, entry.hash.toString('hex'), entry.size, entry.mtime, entry.kind, blob, entry.writer.toString('hex')];
}

function fromStored(item: unknown): FileEntry | null {
  if (!Array.isArray(item) || item.length !== 7) return null;
  const [path, hash, size, mtime, kind, blob, writer] = item as StoredEntry;
  if (typeof path !== 'string' || typeof hash !== 'string' || hash.length !== 64) return null;
  let ref: BlobRef | null = null;
  if (Array.isArray(blob)) ref = { core: Buffer.from(blob[0], 'hex'), blockOffset: blob[1], blockLength: blob[2], byteOffset: blob[3], byteLength: blob[4] };
  return { path, hash: Buffer.from(hash, 'hex'), size, mtime, kind, blob: ref, writer: Buffer.from(String(writer), 'hex') };
}
