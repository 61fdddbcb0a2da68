// Obsidian's desktop `FileSystemAdapter`: raw file access by vault-relative path, hidden folders
// included. It does not touch the vault index: like a write from outside Obsidian, the vault sees an
// adapter write to a visible path only when its watcher runs (`vault.syncExternalChanges()` here).
import { constants, promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import { baseName } from './path.js';

/** What `stat` reports. */
export interface Stat {
  type: 'file' | 'folder';
  ctime: number;
  mtime: number;
  size: number;
}

/** What `list` reports: vault-relative paths of the direct children. */
export interface ListedFiles {
  files: string[];
  folders: string[];
}

/** Times to give a written file. */
export interface DataWriteOptions {
  ctime?: number;
  mtime?: number;
}

/** Obsidian's adapter interface, as declared in obsidian.d.ts. */
export type DataAdapter = import('obsidian').DataAdapter;

/** An ArrayBuffer holding exactly these bytes. */
export function toArrayBuffer(buf: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy.buffer;
}

/** Disk-backed adapter rooted at a vault folder. */
export class FileSystemAdapter implements DataAdapter {
  readonly #basePath: string;

  constructor(basePath: string) {
    this.#basePath = nodePath.resolve(basePath);
  }

  getName(): string { return nodePath.basename(this.#basePath); }
  getBasePath(): string { return this.#basePath; }

  /** Absolute path of a vault path; refuses paths that climb out of the vault. */
  getFullPath(normalizedPath: string): string {
    const rel = normalizedPath === '/' ? '' : normalizedPath.replace(/^\/+/, '');
    const full = nodePath.resolve(this.#basePath, rel);
    if (full !== this.#basePath && !full.startsWith(this.#basePath + nodePath.sep)) {
      throw new Error(`Path "${normalizedPath}" is outside the vault.`);
    }
    return full;
  }

  getFilePath(normalizedPath: string): string { return pathToFileURL(this.getFullPath(normalizedPath)).href; }
  getResourcePath(normalizedPath: string): string { return `app://harness/${encodeURI(this.getFullPath(normalizedPath))}`; }

  async exists(normalizedPath: string, _sensitive?: boolean): Promise<boolean> {
    return (await this.stat(normalizedPath)) !== null;
  }

  async stat(normalizedPath: string): Promise<Stat | null> {
    try {
      const s = await fs.stat(this.getFullPath(normalizedPath));
      return { type: s.isDirectory() ? 'folder' : 'file', ctime: Math.round(s.birthtimeMs || s.ctimeMs), mtime: Math.round(s.mtimeMs), size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(normalizedPath: string): Promise<ListedFiles> {
    const entries = await fs.readdir(this.getFullPath(normalizedPath), { withFileTypes: true });
    const prefix = normalizedPath === '/' || normalizedPath === '' ? '' : `${normalizedPath}/`;
    const out: ListedFiles = { files: [], folders: [] };
    for (const entry of entries) {
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await fs.stat(this.getFullPath(prefix + entry.name))).isDirectory());
      (isDir ? out.folders : out.files).push(prefix + entry.name);
    }
    return out;
  }

  async read(normalizedPath: string): Promise<string> {
    return fs.readFile(this.getFullPath(normalizedPath), 'utf8');
  }

  async readBinary(normalizedPath: string): Promise<ArrayBuffer> {
    return toArrayBuffer(await fs.readFile(this.getFullPath(normalizedPath)));
  }

  // Writes fail when the parent folder is missing, as Node's fs does: create folders first (mkdir).
  async write(normalizedPath: string, data: string, options?: DataWriteOptions): Promise<void> {
    await fs.writeFile(this.getFullPath(normalizedPath), data, 'utf8');
    await this.applyTimes(normalizedPath, options);
  }

  async writeBinary(normalizedPath: string, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    await fs.writeFile(this.getFullPath(normalizedPath), new Uint8Array(data));
    await this.applyTimes(normalizedPath, options);
  }

  async append(normalizedPath: string, data: string, options?: DataWriteOptions): Promise<void> {
    await fs.appendFile(this.getFullPath(normalizedPath), data, 'utf8');
    await this.applyTimes(normalizedPath, options);
  }

  async appendBinary(normalizedPath: string, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    await fs.appendFile(this.getFullPath(normalizedPath), new Uint8Array(data));
    await this.applyTimes(normalizedPath, options);
  }

  async process(normalizedPath: string, fn: (data: string) => string, options?: DataWriteOptions): Promise<string> {
    const next = fn(await this.read(normalizedPath));
    await this.write(normalizedPath, next, options);
    return next;
  }

  /** Creates a folder and any missing parents; an existing folder is fine. */
  async mkdir(normalizedPath: string): Promise<void> {
    await fs.mkdir(this.getFullPath(normalizedPath), { recursive: true });
  }

  /** There is no system trash in tests: always reports failure, so callers fall back to the local trash. */
  trashSystem(_normalizedPath: string): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Moves a file or folder into `.trash/` at the vault root, renaming on a name clash. */
  async trashLocal(normalizedPath: string): Promise<void> {
    await this.mkdir('.trash');
    const name = baseName(normalizedPath);
    let target = `.trash/${name}`;
    for (let i = 1; (await this.exists(target)) && i < 10_000; i++) {
      const dot = name.lastIndexOf('.');
      target = dot > 0 ? `.trash/${name.slice(0, dot)} ${i}${name.slice(dot)}` : `.trash/${name} ${i}`;
    }
    await fs.rename(this.getFullPath(normalizedPath), this.getFullPath(target));
  }

  async rmdir(normalizedPath: string, recursive: boolean): Promise<void> {
    if (recursive) await fs.rm(this.getFullPath(normalizedPath), { recursive: true });
    else await fs.rmdir(this.getFullPath(normalizedPath));
  }

  async remove(normalizedPath: string): Promise<void> {
    await fs.unlink(this.getFullPath(normalizedPath));
  }

  async rename(normalizedPath: string, normalizedNewPath: string): Promise<void> {
    if (normalizedPath === normalizedNewPath) return;
    const caseOnly = normalizedPath.toLowerCase() === normalizedNewPath.toLowerCase();
    if (!caseOnly && (await this.exists(normalizedNewPath))) throw new Error('Destination file already exists!');
    await fs.rename(this.getFullPath(normalizedPath), this.getFullPath(normalizedNewPath));
  }

  async copy(normalizedPath: string, normalizedNewPath: string): Promise<void> {
    const from = this.getFullPath(normalizedPath);
    const to = this.getFullPath(normalizedNewPath);
    if ((await fs.stat(from)).isDirectory()) {
      if (await this.exists(normalizedNewPath)) throw new Error('Destination file already exists!');
      await fs.cp(from, to, { recursive: true, errorOnExist: true, force: false });
    } else {
      await fs.copyFile(from, to, constants.COPYFILE_EXCL);
    }
  }

  private async applyTimes(normalizedPath: string, options?: DataWriteOptions): Promise<void> {
    // Only mtime can be set on disk; ctime is the OS's (Obsidian on Linux cannot set it either).
    if (options?.mtime === undefined) return;
    const full = this.getFullPath(normalizedPath);
    const s = await fs.stat(full);
    await fs.utimes(full, s.atime, new Date(options.mtime));
  }
}
