// A shared folder as the mirror sees it, read through the vault: the vault's index lists files (no disk
// scan), and vault events become folder events with paths relative to the shared folder. A file the
// index does not know yet (written by another program or by a co-author's change, before Obsidian's
// watcher reported it) is looked up on disk, so the mirror never mistakes it for a deletion.
import { TFile, TFolder, type App, type EventRef, type TAbstractFile } from 'obsidian';
import type { FolderEvent, FolderEventSource, FolderFile, FolderReader } from '../mirror/folder-source';
import { relativeTo } from './vault-paths';

/** One shared folder of the vault, read and watched through Obsidian's API. */
export class VaultFolder implements FolderReader, FolderEventSource {
  /** `disk` reads the same folder on disk, for files the vault has not indexed yet. */
  constructor(private readonly app: App, readonly folder: string, private readonly disk: FolderReader | null = null) {}

  exists(): Promise<boolean> {
    return Promise.resolve(this.folder === '/' || this.app.vault.getAbstractFileByPath(this.folder) instanceof TFolder);
  }

  async *list(): AsyncIterable<FolderFile> {
    const root = this.folder === '/' ? this.app.vault.getRoot() : this.app.vault.getAbstractFileByPath(this.folder);
    if (!(root instanceof TFolder)) return;
    const stack: TAbstractFile[] = [root];
    // Bounded by the vault's index, which is finite and acyclic.
    for (let item = stack.pop(); item; item = stack.pop()) {
      if (item instanceof TFolder) stack.push(...item.children);
      else if (item instanceof TFile) yield this.describe(item);
    }
  }

  stat(path: string): Promise<FolderFile | null> {
    const file = this.app.vault.getAbstractFileByPath(this.vaultPath(path));
    if (file instanceof TFile) return Promise.resolve(this.describe(file));
    return file === null && this.disk ? this.disk.stat(path) : Promise.resolve(null);
  }

  async read(path: string): Promise<Uint8Array> {
    const file = this.app.vault.getAbstractFileByPath(this.vaultPath(path));
    if (file instanceof TFile) return new Uint8Array(await this.app.vault.readBinary(file));
    if (file === null && this.disk && (await this.disk.stat(path))) return this.disk.read(path);
    throw new Error(`"${path}" is no longer in the shared folder.`);
  }

  subscribe(listener: (event: FolderEvent) => void): () => void {
    const vault = this.app.vault;
    // Obsidian reports a folder rename, then a rename per item inside it; the mirror needs only the first.
    let folderMove: { from: string; to: string } | null = null;
    const refs: EventRef[] = [
      vault.on('create', (file) => {
        const rel = this.inside(file.path);
        if (rel !== null && file instanceof TFile) listener({ type: 'changed', path: rel });
      }),
      vault.on('modify', (file) => {
        const rel = this.inside(file.path);
        if (rel !== null) listener({ type: 'changed', path: rel });
      }),
      vault.on('delete', (file) => {
        const rel = this.inside(file.path);
        if (rel !== null) listener({ type: 'deleted', path: rel });
      }),
      vault.on('rename', (file, oldPath) => {
        if (folderMove && oldPath.startsWith(folderMove.from + '/') && file.path === folderMove.to + oldPath.slice(folderMove.from.length)) return;
        folderMove = file instanceof TFolder ? { from: oldPath, to: file.path } : null;
        const from = this.inside(oldPath);
        const to = this.inside(file.path);
        if (from !== null && to !== null) listener({ type: 'renamed', from, to, folder: file instanceof TFolder });
        else if (from !== null) listener({ type: 'deleted', path: from });
        else if (to !== null) for (const rel of this.filesUnder(file)) listener({ type: 'changed', path: rel });
      }),
    ];
    return () => {
      for (const ref of refs) vault.offref(ref);
    };
  }

  private describe(file: TFile): FolderFile {
    return { path: this.inside(file.path) ?? file.path, size: file.stat.size, mtime: file.stat.mtime };
  }

  private inside(vaultPath: string): string | null {
    return relativeTo(this.folder, vaultPath);
  }

  private vaultPath(rel: string): string {
    return this.folder === '/' ? rel : `${this.folder}/${rel}`;
  }

  /** Files under something moved into the shared folder, as paths relative to it. */
  private filesUnder(item: TAbstractFile): string[] {
    const out: string[] = [];
    const stack = [item];
    for (let next = stack.pop(); next; next = stack.pop()) {
      if (next instanceof TFolder) stack.push(...next.children);
      else {
        const rel = this.inside(next.path);
        if (rel !== null) out.push(rel);
      }
    }
    return out;
  }
}
