// File-system change events for the CLI's FolderMirror, from chokidar (the plugin uses vault events).
import chokidar, { type FSWatcher } from 'chokidar';
import path from 'node:path';
import type { FolderEvent, FolderEventSource } from './folder-source';

/**
 * chokidar drops a file's 'change' events that come within 50 ms of the previous one, so the last write
 * of a quick burst would go unseen. Every change is therefore reported again once, after this quiet time;
 * the mirror compares hashes, so a repeat costs one read.
 */
const TRAILING_RECHECK_MS = 75;

/** Watches a folder on disk; renames arrive as delete + change and the mirror pairs them by hash. */
export class NodeFolderWatcher implements FolderEventSource {
  constructor(private readonly root: string) {}

  subscribe(listener: (event: FolderEvent) => void): () => void {
    const watcher: FSWatcher = chokidar.watch(this.root, {
      ignoreInitial: true,
      followSymlinks: false,
      ignored: (file: string) => path.basename(file).startsWith('.') && path.resolve(file) !== path.resolve(this.root),
      awaitWriteFinish: false,
    });
    const rel = (file: string) => path.relative(this.root, file).split(path.sep).join('/').normalize('NFC');
    const rechecks = new Map<string, NodeJS.Timeout>();
    const changed = (file: string) => {
      const relPath = rel(file);
      listener({ type: 'changed', path: relPath });
      clearTimeout(rechecks.get(relPath));
      rechecks.set(relPath, setTimeout(() => {
        rechecks.delete(relPath);
        listener({ type: 'changed', path: relPath });
      }, TRAILING_RECHECK_MS));
    };
    watcher.on('add', changed);
    watcher.on('change', changed);
    watcher.on('unlink', (file) => listener({ type: 'deleted', path: rel(file) }));
    watcher.on('unlinkDir', (dir) => listener({ type: 'deleted', path: rel(dir) }));
    // Changes made while chokidar was still scanning at start-up are not reported: ask for a comparison.
    watcher.on('ready', () => listener({ type: 'rescan' }));
    return () => {
      for (const timer of rechecks.values()) clearTimeout(timer);
      rechecks.clear();
      void watcher.close();
    };
  }
}
