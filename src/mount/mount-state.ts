// What a mount last wrote to each file, kept outside the vault. Comparing the disk with it tells the
// mount's own writes apart from a user's edits, so a local change is never mistaken for ours (or lost).
import { promises as fs } from 'node:fs';
import path from 'node:path';

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

/** Loads and saves a mount's state atomically. */
export class MountState {
  data: MountStateData = { version: 1, appliedVersion: 0, files: {} };
  private saving: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async load(): Promise<void> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => null);
    if (text === null) return;
    try {
      const parsed = JSON.parse(text) as MountStateData;
      if (parsed.version === 1 && typeof parsed.appliedVersion === 'number' && parsed.files && typeof parsed.files === 'object') this.data = parsed;
    } catch {
      // A damaged state only costs a full reconciliation, which rebuilds it.
    }
  }

  /** Persist (serialized, atomic: temp file then rename). */
  save(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    this.saving = this.saving.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(temp, snapshot, { mode: 0o600 });
      await fs.rename(temp, this.file);
    });
    return this.saving;
  }
}
