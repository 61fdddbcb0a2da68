// Obsidian's `Vault` over a real folder on disk. Every API write hits the disk first; then the index
// is updated and the event fires, synchronously, before the returned promise settles (Obsidian fires
// it from its own write path too, so a plugin's handler runs before `await vault.create(...)` returns).
// Stricter than Obsidian where the real behaviour is unclear, so code that passes here works there:
// paths are looked up exactly as given (create/rename/copy normalize), a missing parent folder fails
// the write (create the folder first), and hidden paths are refused (use `vault.adapter` for those).
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import { FileSystemAdapter, type DataWriteOptions } from './adapter.js';
import { scanDisk, statEntry, type DiskEntry } from './disk-scan.js';
import { Events, type EventRef } from './events.js';
import { TAbstractFile, TFile, TFolder, setFileNames, type FileStats } from './files.js';
import { isHiddenPath, normalizePath, parentPath } from './path.js';

/** What `syncExternalChanges` found (harness only). */
export interface ExternalChanges {
  created: string[];
  modified: string[];
  deleted: string[];
}

/** The vault: an index of the visible files and folders under one folder, with change events. */
export class Vault extends Events {
  adapter: FileSystemAdapter;
  configDir: string;
  readonly #root: TFolder;
  readonly #index = new Map<string, TAbstractFile>();
  /** Disk mtime (full resolution) of each indexed file after our last look, to spot outside edits. */
  readonly #seen = new Map<string, number>();

  /** Harness only: Obsidian builds the vault itself. `rootDir` must exist. */
  constructor(rootDir: string, configDir = '.obsidian') {
    super();
    this.adapter = new FileSystemAdapter(rootDir);
    this.configDir = configDir;
    this.#root = new TFolder(this, '/', null);
    this.#index.set('/', this.#root);
  }

  getName(): string { return this.adapter.getName(); }
  getRoot(): TFolder { return this.#root; }
  getAbstractFileByPath(path: string): TAbstractFile | null { return this.#index.get(path) ?? null; }
  getFileByPath(path: string): TFile | null {
    const f = this.getAbstractFileByPath(path);
    return f instanceof TFile ? f : null;
  }
  getFolderByPath(path: string): TFolder | null {
    const f = this.getAbstractFileByPath(path);
    return f instanceof TFolder ? f : null;
  }
  getAllLoadedFiles(): TAbstractFile[] { return [...this.#index.values()]; }
  getAllFolders(includeRoot?: boolean): TFolder[] {
    return this.getAllLoadedFiles().filter((f): f is TFolder => f instanceof TFolder && (includeRoot === true || !f.isRoot()));
  }
  getFiles(): TFile[] { return this.getAllLoadedFiles().filter((f): f is TFile => f instanceof TFile); }
  getMarkdownFiles(): TFile[] { return this.getFiles().filter((f) => f.extension === 'md'); }
  getResourcePath(file: TFile): string { return `${this.adapter.getResourcePath(file.path)}?${file.stat.mtime}`; }

  /** Calls `cb` for `root` and everything under it, parents first. */
  static recurseChildren(root: TFolder, cb: (file: TAbstractFile) => any): void {
    walk(root, cb);
  }

  async create(path: string, data: string, options?: DataWriteOptions): Promise<TFile> {
    const p = this.#writablePath(path);
    if (this.#findInsensitive(p)) throw new Error('File already exists.');
    await this.adapter.write(p, data, options);
    return this.#indexFile(p);
  }

  async createBinary(path: string, data: ArrayBuffer, options?: DataWriteOptions): Promise<TFile> {
    const p = this.#writablePath(path);
    if (this.#findInsensitive(p)) throw new Error('File already exists.');
    await this.adapter.writeBinary(p, data, options);
    return this.#indexFile(p);
  }

  /** Creates the folder and any missing parents (a create event for each, parents first). */
  async createFolder(path: string): Promise<TFolder> {
    const p = this.#writablePath(path);
    if (this.#findInsensitive(p)) throw new Error('Folder already exists.');
    await this.adapter.mkdir(p);
    return this.#indexFolder(p);
  }

  async read(file: TFile): Promise<string> { return this.adapter.read(file.path); }
  /** Obsidian may answer from memory; the harness always reads the disk (same content). */
  async cachedRead(file: TFile): Promise<string> { return this.adapter.read(file.path); }
  async readBinary(file: TFile): Promise<ArrayBuffer> { return this.adapter.readBinary(file.path); }

  async modify(file: TFile, data: string, options?: DataWriteOptions): Promise<void> {
    this.#assertIndexed(file);
    await this.adapter.write(file.path, data, options);
    await this.#modified(file);
  }

  async modifyBinary(file: TFile, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    this.#assertIndexed(file);
    await this.adapter.writeBinary(file.path, data, options);
    await this.#modified(file);
  }

  async append(file: TFile, data: string, options?: DataWriteOptions): Promise<void> {
    this.#assertIndexed(file);
    await this.adapter.append(file.path, data, options);
    await this.#modified(file);
  }

  async appendBinary(file: TFile, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    this.#assertIndexed(file);
    await this.adapter.appendBinary(file.path, data, options);
    await this.#modified(file);
  }

  async process(file: TFile, fn: (data: string) => string, options?: DataWriteOptions): Promise<string> {
    this.#assertIndexed(file);
    const next = fn(await this.adapter.read(file.path));
    await this.adapter.write(file.path, next, options);
    await this.#modified(file);
    return next;
  }

  /**
   * Deletes a file, or a folder with everything visible in it (a delete event for each, children
   * first). Hidden entries left in a folder make it fail unless `force` is set.
   */
  async delete(file: TAbstractFile, force?: boolean): Promise<void> {
    this.#assertIndexed(file);
    if (file instanceof TFolder) {
      if (file.isRoot()) throw new Error('Cannot delete the vault root.');
      for (const child of [...file.children]) await this.delete(child, force);
      await this.adapter.rmdir(file.path, force === true);
    } else {
      await this.adapter.remove(file.path);
    }
    this.#unindex(file);
    this.trigger('delete', file);
  }

  /** Moves to the system trash, or to `.trash/` when that fails (it always does in tests). */
  async trash(file: TAbstractFile, system: boolean): Promise<void> {
    this.#assertIndexed(file);
    if (file instanceof TFolder && file.isRoot()) throw new Error('Cannot trash the vault root.');
    if (!system || !(await this.adapter.trashSystem(file.path))) await this.adapter.trashLocal(file.path);
    const gone: TAbstractFile[] = [];
    walk(file, (f) => gone.unshift(f));
    this.#unindex(file);
    for (const f of gone) this.trigger('delete', f);
  }

  /** Renames or moves; the same objects change path, and each (folder first, then what is inside) fires rename. */
  async rename(file: TAbstractFile, newPath: string): Promise<void> {
    this.#assertIndexed(file);
    const p = this.#writablePath(newPath);
    if (p === file.path) return;
    const clash = this.#findInsensitive(p);
    if (clash && clash !== file) throw new Error('Destination file already exists!');
    await this.adapter.rename(file.path, p);
    const newParent = await this.#indexFolder(parentPath(p));
    const moved: [TAbstractFile, string][] = [];
    file.parent?.children.splice(file.parent.children.indexOf(file), 1);
    walk(file, (f) => {
      const oldPath = f.path;
      f.path = f === file ? p : p + oldPath.slice(moved[0][1].length);
      moved.push([f, oldPath]);
    });
    for (const [f, oldPath] of moved) {
      this.#index.delete(oldPath);
      const mtime = this.#seen.get(oldPath);
      this.#seen.delete(oldPath);
      if (mtime !== undefined) this.#seen.set(f.path, mtime);
    }
    for (const [f] of moved) {
      this.#index.set(f.path, f);
      setFileNames(f);
    }
    file.parent = newParent;
    newParent.children.push(file);
    for (const [f, oldPath] of moved) this.trigger('rename', f, oldPath);
  }

  /** Copies a file or folder; the copy fires create (for a folder: the folder, then what is inside). */
  async copy<T extends TAbstractFile>(file: T, newPath: string): Promise<T> {
    this.#assertIndexed(file);
    const p = this.#writablePath(newPath);
    if (this.#findInsensitive(p)) throw new Error('File already exists.');
    await this.adapter.copy(file.path, p);
    if (file instanceof TFile) return (await this.#indexFile(p)) as TAbstractFile as T;
    const folder = await this.#indexFolder(p);
    for (const entry of await scanDisk(this.adapter.getBasePath(), p)) this.#indexEntry(entry);
    return folder as TAbstractFile as T;
  }

  override on(name: 'create', callback: (file: TAbstractFile) => any, ctx?: any): EventRef;
  override on(name: 'modify', callback: (file: TAbstractFile) => any, ctx?: any): EventRef;
  override on(name: 'delete', callback: (file: TAbstractFile) => any, ctx?: any): EventRef;
  override on(name: 'rename', callback: (file: TAbstractFile, oldPath: string) => any, ctx?: any): EventRef;
  override on(name: string, callback: (...data: any[]) => any, ctx?: any): EventRef {
    return super.on(name, callback, ctx);
  }

  /**
   * Harness only: Obsidian's start-up. Indexes everything visible on disk that is not indexed yet and
   * fires create for each (parents first), as Obsidian does before the layout is ready.
   */
  async loadFromDisk(): Promise<number> {
    let n = 0;
    for (const entry of await scanDisk(this.adapter.getBasePath())) {
      if (!this.#index.has(entry.path)) { this.#indexEntry(entry); n++; }
    }
    return n;
  }

  /**
   * Harness only: Obsidian's file watcher, run on demand. Diffs the disk against the index and fires
   * delete (children first), then create (parents first), then modify, for changes made outside the
   * Vault API. An outside rename shows up as a delete and a create.
   */
  async syncExternalChanges(): Promise<ExternalChanges> {
    const changes: ExternalChanges = { created: [], modified: [], deleted: [] };
    const disk = new Map((await scanDisk(this.adapter.getBasePath())).map((e) => [e.path, e]));
    const gone = [...this.#index.values()].filter((f) => {
      if (f === this.#root) return false;
      const entry = disk.get(f.path);
      return !entry || entry.kind !== (f instanceof TFolder ? 'folder' : 'file');
    });
    for (const f of gone.sort((a, b) => b.path.split('/').length - a.path.split('/').length)) {
      if (!this.#index.has(f.path)) continue;
      this.#unindex(f);
      this.trigger('delete', f);
      changes.deleted.push(f.path);
    }
    for (const entry of disk.values()) {
      if (!this.#index.has(entry.path)) { this.#indexEntry(entry); changes.created.push(entry.path); }
    }
    for (const entry of disk.values()) {
      const f = this.#index.get(entry.path);
      if (!(f instanceof TFile) || changes.created.includes(entry.path)) continue;
      if (this.#seen.get(f.path) === entry.mtimeMs && f.stat.size === entry.size) continue;
      this.#applyStat(f, entry);
      this.trigger('modify', f);
      changes.modified.push(f.path);
    }
    return changes;
  }

  #writablePath(path: string): string {
    const p = normalizePath(path);
    if (p === '/') throw new Error('The vault root cannot be written to.');
    if (isHiddenPath(p)) {
      throw new Error(`"${p}" is in a hidden folder, which the vault does not index: use vault.adapter for it.`);
    }
    return p;
  }

  #findInsensitive(path: string): TAbstractFile | null {
    const lower = path.toLowerCase();
    for (const [p, f] of this.#index) if (p.toLowerCase() === lower) return f;
    return null;
  }

  #assertIndexed(file: TAbstractFile): void {
    if (this.#index.get(file.path) !== file) throw new Error(`"${file.path}" is no longer in the vault.`);
  }

  async #indexFile(path: string): Promise<TFile> {
    const parent = await this.#indexFolder(parentPath(path));
    const entry = await statEntry(this.adapter.getBasePath(), path);
    if (!entry) throw new Error(`"${path}" vanished while it was being created.`);
    const file = new TFile(this, path, parent, { ctime: 0, mtime: 0, size: 0 });
    this.#applyStat(file, entry);
    this.#add(file);
    return file;
  }

  /** Indexes a folder that exists on disk, and its missing parents; returns the indexed folder. */
  async #indexFolder(path: string): Promise<TFolder> {
    const existing = this.#index.get(path);
    if (existing instanceof TFolder) return existing;
    if (existing) throw new Error(`"${path}" is a file, not a folder.`);
    const parent = await this.#indexFolder(parentPath(path));
    const entry = await statEntry(this.adapter.getBasePath(), path);
    if (!entry || entry.kind !== 'folder') throw new Error(`ENOENT: no such folder in the vault, "${path}"`);
    const folder = new TFolder(this, path, parent);
    this.#add(folder);
    return folder;
  }

  #indexEntry(entry: DiskEntry): void {
    const parent = this.#index.get(parentPath(entry.path));
    if (!(parent instanceof TFolder)) throw new Error(`Harness: "${entry.path}" scanned before its folder.`);
    if (entry.kind === 'folder') {
      this.#add(new TFolder(this, entry.path, parent));
    } else {
      const file = new TFile(this, entry.path, parent, { ctime: 0, mtime: 0, size: 0 });
      this.#applyStat(file, entry);
      this.#add(file);
    }
  }

  #add(file: TAbstractFile): void {
    this.#index.set(file.path, file);
    file.parent?.children.push(file);
    this.trigger('create', file);
  }

  #unindex(file: TAbstractFile): void {
    walk(file, (f) => {
      this.#index.delete(f.path);
      this.#seen.delete(f.path);
    });
    const siblings = file.parent?.children;
    if (siblings && siblings.includes(file)) siblings.splice(siblings.indexOf(file), 1);
  }

  async #modified(file: TFile): Promise<void> {
    const entry = await statEntry(this.adapter.getBasePath(), file.path);
    if (entry) this.#applyStat(file, entry);
    this.trigger('modify', file);
  }

  #applyStat(file: TFile, entry: DiskEntry): void {
    const stat: FileStats = { ctime: entry.ctime, mtime: Math.round(entry.mtimeMs), size: entry.size };
    file.stat = stat;
    this.#seen.set(file.path, entry.mtimeMs);
  }
}

/** Calls `cb` for `file` and, for a folder, everything under it, parents first. */
function walk(file: TAbstractFile, cb: (file: TAbstractFile) => unknown): void {
  const stack: TAbstractFile[] = [file];
  for (let f = stack.pop(); f; f = stack.pop()) {
    cb(f);
    if (f instanceof TFolder) stack.push(...[...f.children].reverse());
  }
}
