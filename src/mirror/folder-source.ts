// The ports a FolderMirror needs: a way to read the folder, and a stream of change events.
// The CLI implements them over the file system, the plugin over Obsidian's vault.

/** A file as the folder reports it; paths are relative to the folder, '/'-separated. */
export interface FolderFile {
  path: string;
  size: number;
  mtime: number;
}

/** Read access to the folder being shared. */
export interface FolderReader {
  /** Whether the folder itself exists (an unmounted drive or a moved folder must not look empty). */
  exists(): Promise<boolean>;
  /** Every file under the folder, ignored ones included (the mirror filters). */
  list(): AsyncIterable<FolderFile>;
  /** A file's current size and mtime, or null when it no longer exists. */
  stat(path: string): Promise<FolderFile | null>;
  read(path: string): Promise<Uint8Array>;
}

/** A change the folder reports. Folder renames name the folder; file renames the file. */
export type FolderEvent =
  | { type: 'changed'; path: string }
  | { type: 'deleted'; path: string }
  | { type: 'renamed'; from: string; to: string; folder?: boolean }
  /** The source may have missed changes (a watcher finishing its start-up): compare the whole folder. */
  | { type: 'rescan' };

/** Where change events come from (a file watcher, or Obsidian's vault events). */
export interface FolderEventSource {
  /** Start delivering events; returns the function that stops them. */
  subscribe(listener: (event: FolderEvent) => void): () => void;
}
