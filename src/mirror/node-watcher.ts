// File-system change events for the CLI's FolderMirror, from chokidar (the plugin uses vault events).
import chokidar, { type FSWatcher } from 'chokidar';
import path from 'node:path';
import type { FolderEvent, FolderEventSource } from './folder-source';

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
    watcher.on('add', (file) => listener({ type: 'changed', path: rel(file) }));
    watcher.on('change', (file) => listener({ type: 'changed', path: rel(file) }));
    watcher.on('unlink', (file) => listener({ type: 'deleted', path: rel(file) }));
    watcher.on('unlinkDir', (dir) => listener({ type: 'deleted', path: rel(dir) }));
    return () => void watcher.close();
  }
}
