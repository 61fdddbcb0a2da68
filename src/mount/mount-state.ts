// What a mount last wrote to each file, kept outside the vault. Comparing the disk with it tells the
// mount's own writes apart from a user's edits, so a local change is never mistaken for ours (or lost).
import { RecordJournal } from '../engine/record-journal';
import type { FileEntry } from '../engine/knowledge-base';
import { collisionKey } from './path-policy';

/** One file the mount wrote. */
export interface MountedFile {
  /** The path in the knowledge base (may differ from the disk path by normalization). */
  source: string;
  /** The knowledge base's hash of the content. */
  hash: string;
  /** Hash of the bytes actually on disk (a stub or a rendered note differ from the original). */
  written: string;
  size: number;
  /** True while only a lazy stub is on disk. */
  stub: boolean;
}

/** Everything a mount remembers between runs. */
export interface MountStateData {
  version: 1;
  /** The view version the files reflect; live updates resume from here. */
  appliedVersion: number;
  files: Record<string, MountedFile>;
}

/**
 * Loads and saves a mount's state. A save writes only the files changed since the last one (a
 * `RecordJournal`), so saving live updates costs the same at 100 files as at 100,000.
 */
export class MountState {
  // Keyed by paths from the knowledge base: without a prototype, a file called "__proto__" or
  // "constructor" is a key like any other, never an inherited property.
  data: MountStateData = { version: 1, appliedVersion: 0, files: Object.create(null) as Record<string, MountedFile> };
  private readonly journal: RecordJournal;
  // Collision keys of the files on disk, so a new path is checked in O(1), not against every file.
  private readonly collisionIndex = new Map<string, Map<string, string>>();
  private readonly collisionKeys = new Map<string, string>();
  // Disk path per knowledge-base path, so a live update finds the files it touches without a scan.
  private readonly disksBySource = new Map<string, string>();
  private bytes = 0;

  constructor(readonly file: string) {
    this.journal = new RecordJournal(file);
  }

  async load(): Promise<void> {
    try {
      const stored = await this.journal.load();
      if (stored.kind === 'journal' && typeof stored.header.appliedVersion === 'number') {
        this.data.appliedVersion = stored.header.appliedVersion;
        for (const [disk, file] of stored.records) if (isMountedFile(file)) this.index(disk, file);
      } else if (stored.kind === 'legacy') {
        // The whole-file state of earlier versions: read once, then saved as a journal.
        const parsed = stored.value as Partial<MountStateData> | null;
        if (parsed?.version === 1 && typeof parsed.appliedVersion === 'number' && parsed.files && typeof parsed.files === 'object') {
          this.data.appliedVersion = parsed.appliedVersion;
          for (const [disk, file] of Object.entries(parsed.files)) if (isMountedFile(file)) this.remember(disk, file);
        }
      }
    } catch {
      // A damaged state only costs a full reconciliation, which rebuilds it.
    }
  }

  /** Persist what changed since the last save (atomic per save: a torn save is dropped whole on load). */
  save(): Promise<void> {
    const { version, appliedVersion } = this.data;
    this.journal.setHeader({ version, appliedVersion });
    return this.journal.save();
  }

  /** Record a file the mount wrote. */
  remember(disk: string, file: MountedFile): void {
    this.index(disk, file);
    this.journal.set(disk, file);
  }

  /** Forget a file the mount removed or moved. */
  forget(disk: string): void {
    this.unindex(disk);
    this.journal.delete(disk);
  }

  private index(disk: string, file: MountedFile): void {
    this.unindex(disk);
    this.data.files[disk] = file;
    this.bytes += file.size;
    this.disksBySource.set(file.source, disk);
    const key = collisionKey(disk);
    this.collisionKeys.set(disk, key);
    const holders = this.collisionIndex.get(key) ?? new Map<string, string>();
    holders.set(disk, file.source);
    this.collisionIndex.set(key, holders);
  }

  private unindex(disk: string): void {
    const file = this.data.files[disk];
    if (!file) return;
    delete this.data.files[disk];
    this.bytes -= file.size;
    if (this.disksBySource.get(file.source) === disk) this.disksBySource.delete(file.source);
    const key = this.collisionKeys.get(disk);
    this.collisionKeys.delete(disk);
    const holders = key === undefined ? undefined : this.collisionIndex.get(key);
    holders?.delete(disk);
    if (key !== undefined && holders?.size === 0) this.collisionIndex.delete(key);
  }

  /** Where the mount wrote a knowledge-base path, if it did. */
  diskOf(source: string): string | undefined {
    return this.disksBySource.get(source);
  }

  /** How many files the mount has written. */
  get fileCount(): number {
    return this.collisionKeys.size;
  }

  /** Whether the mount already wrote this version of the entry at this disk path. */
  wrote(disk: string, entry: FileEntry): boolean {
    const known = this.data.files[disk];
    return known !== undefined && known.hash === entry.hash.toString('hex') && known.source === entry.path;
  }

  /** Bytes of all the files the mount has written (by their size in the knowledge base). */
  get totalBytes(): number {
    return this.bytes;
  }

  /** Whether a disk path would land on a file written for another source (case or normalization twins). */
  collides(disk: string, source: string): boolean {
    const holders = this.collisionIndex.get(collisionKey(disk));
    if (!holders) return false;
    for (const other of holders.values()) if (other !== source) return true;
    return false;
  }
}

function isMountedFile(value: unknown): value is MountedFile {
  const file = value as Partial<MountedFile> | null;
  return typeof file === 'object' && file !== null && typeof file.source === 'string' && typeof file.hash === 'string' &&
    typeof file.written === 'string' && typeof file.size === 'number' && typeof file.stub === 'boolean';
}
