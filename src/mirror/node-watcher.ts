// File-system change events for folders that Obsidian's vault events do not cover (the CLI's shared
// folders, and the plugin's folders outside the vault): one `fs.watch` per folder of the tree.
//
// chokidar, used before, re-listed a folder and lstat'ed every file in it on any change inside it: with
// 200 notes per folder (a 10,000-note vault) that was ~18 ms of CPU per saved note, more than the rest of
// publishing it. Here a change costs nothing beyond the event, and only creations and removals
// (`rename` events) cost one lstat, to tell a folder from a file.
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FolderEvent, FolderEventSource } from './folder-source';

/** Watches a folder on disk; moves arrive as delete + change, and the mirror pairs them by hash. */
export class NodeFolderWatcher implements FolderEventSource {
  constructor(private readonly root: string) {}

  subscribe(listener: (event: FolderEvent) => void): () => void {
    return new FolderTreeWatch(this.root, listener).start();
  }
}

/** The folders watched for one subscriber, by path relative to the root ('' is the root). */
class FolderTreeWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(private readonly root: string, private readonly listener: (event: FolderEvent) => void) {}

  start(): () => void {
    // Changes made while the tree is first walked may be missed: ask the mirror for a comparison after.
    void this.watchTree('', false).then(() => this.emit({ type: 'rescan' }));
    return () => this.close();
  }

  private close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private emit(event: FolderEvent): void {
    if (!this.closed) this.listener(event);
  }

  /** Watch `dir` and every folder under it; with `report`, each file found is reported as changed (a folder moved in). */
  private async watchTree(dir: string, report: boolean): Promise<void> {
    if (this.closed || this.watchers.has(dir) || !this.watchDir(dir)) return;
    let entries;
    try {
      entries = await readdir(this.absolute(dir), { withFileTypes: true });
    } catch {
      return; // gone meanwhile: its removal is reported by its parent
    }
    for (const entry of entries) {
      if (hidden(entry.name)) continue;
      const child = join(dir, entry.name.normalize('NFC'));
      if (entry.isDirectory()) await this.watchTree(child, report);
      else if (report && entry.isFile()) this.emit({ type: 'changed', path: child });
    }
  }

  private watchDir(dir: string): boolean {
    let watcher: FSWatcher;
    try {
      watcher = watch(this.absolute(dir), (type, name) => this.onEvent(dir, type, name));
    } catch {
      return false;
    }
    watcher.on('error', () => {
      // The folder went away (or can no longer be watched): its parent reports the removal.
      watcher.close();
      if (this.watchers.get(dir) === watcher) this.watchers.delete(dir);
      if (dir === '') this.emit({ type: 'rescan' });
    });
    this.watchers.set(dir, watcher);
    return true;
  }

  private onEvent(dir: string, type: string, name: string | null): void {
    if (this.closed) return;
    // No name (some platforms, overflowing queues): only a full comparison is safe.
    if (!name) return this.emit({ type: 'rescan' });
    const relative = join(dir, name.split(path.sep).join('/').normalize('NFC'));
    if (relative.split('/').some(hidden)) return;
    if (type === 'change') return this.emit({ type: 'changed', path: relative });
    void this.onCreatedOrRemoved(relative);
  }

  private async onCreatedOrRemoved(relative: string): Promise<void> {
    const stats = await lstat(this.absolute(relative)).catch(() => null);
    if (this.closed) return;
    if (!stats) {
      this.unwatchTree(relative);
      this.emit({ type: 'deleted', path: relative });
    } else if (stats.isDirectory()) {
      await this.watchTree(relative, true);
    } else {
      this.emit({ type: 'changed', path: relative });
    }
  }

  private unwatchTree(dir: string): void {
    for (const [watched, watcher] of this.watchers) {
      if (watched !== dir && !watched.startsWith(dir + '/')) continue;
      watcher.close();
      this.watchers.delete(watched);
    }
  }

  private absolute(relative: string): string {
    return relative === '' ? this.root : path.join(this.root, ...relative.split('/'));
  }
}

/** Dot-names are never shared (the vault's config folder, `.trash`, editors' temp files). */
function hidden(name: string): boolean {
  return name.startsWith('.');
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
