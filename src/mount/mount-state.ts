// What a mount last wrote to each file, kept outside the vault. Comparing the disk with it tells the
// mount's own writes apart from a user's edits, so a local change is never mistaken for ours (or lost).
import { JsonFile } from '../engine/json-file';

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
  private readonly json: JsonFile;

  constructor(readonly file: string) {
    this.json = new JsonFile(file);
  }

  async load(): Promise<void> {
    try {
      const parsed = (await this.json.read()) as MountStateData | null;
      if (parsed?.version === 1 && typeof parsed.appliedVersion === 'number' && parsed.files && typeof parsed.files === 'object') this.data = parsed;
    } catch {
      // A damaged state only costs a full reconciliation, which rebuilds it.
    }
  }

  /** Persist (serialized, atomic: temp file then rename). */
  save(): Promise<void> {
    return this.json.write(this.data);
  }
}
