// The vault's file objects. Like Obsidian, the vault keeps one object per path and mutates it in
// place on rename, so references a plugin holds stay valid.
import type { Vault } from './vault.js';
import { baseName } from './path.js';

/** Size and times of a file, in milliseconds since the epoch. */
export interface FileStats {
  ctime: number;
  mtime: number;
  size: number;
}

/** A file or folder in the vault index. */
export abstract class TAbstractFile {
  vault: Vault;
  path: string;
  name: string;
  parent: TFolder | null;

  constructor(vault: Vault, path: string, parent: TFolder | null) {
    this.vault = vault;
    this.path = path;
    this.name = baseName(path);
    this.parent = parent;
  }
}

/** A file. */
export class TFile extends TAbstractFile {
  stat: FileStats;
  basename: string;
  extension: string;

  constructor(vault: Vault, path: string, parent: TFolder | null, stat: FileStats) {
    super(vault, path, parent);
    this.stat = stat;
    this.basename = '';
    this.extension = '';
    setFileNames(this);
  }
}

/** A folder; the root is the folder with path '/'. */
export class TFolder extends TAbstractFile {
  children: TAbstractFile[] = [];

  isRoot(): boolean {
    return this.path === '/';
  }
}

/** Sets name, basename and extension from the path ('a.tar.gz' → 'a.tar' + 'gz'; 'README' → no extension). */
export function setFileNames(file: TAbstractFile): void {
  file.name = baseName(file.path);
  if (!(file instanceof TFile)) return;
  const dot = file.name.lastIndexOf('.');
  file.basename = dot > 0 ? file.name.slice(0, dot) : file.name;
  file.extension = dot > 0 ? file.name.slice(dot + 1) : '';
}
