// What a mirror compares a folder with: the version of each file the folder last agreed with the
// knowledge base. For a folder only this device writes, that is simply the view. For a folder several
// writers share, it is a record of its own (synced-versions.ts): the view may be ahead of the folder
// (remote edits not yet written), and an edit must name the version the user actually edited.
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';

export interface MirrorBaseline {
  /** Every file the folder is known to hold, optionally under a folder prefix ('dir/'). */
  all(prefix?: string): AsyncIterable<FileEntry> | Iterable<FileEntry>;
  get(path: string): Promise<FileEntry | null>;
  /** The mirror published (or the co-editor wrote) this version of a file. */
  put(entry: FileEntry): void;
  delete(path: string): void;
  move(from: string, to: string, folder: boolean): void;
}

/** The view as baseline: right when this device is the only one writing the folder. */
export class ViewBaseline implements MirrorBaseline {
  constructor(private readonly kb: KnowledgeBase) {}

  all(prefix = ''): AsyncIterable<FileEntry> {
    return this.kb.files(prefix);
  }

  get(path: string): Promise<FileEntry | null> {
    return this.kb.stat(path, { wait: false }).catch(() => null);
  }

  put(): void {}
  delete(): void {}
  move(): void {}
}
