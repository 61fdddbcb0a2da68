// The file system as a FolderReader, for the CLI (the plugin reads through Obsidian's vault instead).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FolderFile, FolderReader } from './folder-source';

/** Reads a folder on disk; never follows symbolic links out of it. */
export class NodeFolder implements FolderReader {
  constructor(readonly root: string) {}

  async exists(): Promise<boolean> {
    const stat = await fs.stat(this.root).catch(() => null);
    return stat?.isDirectory() ?? false;
  }

  async *list(): AsyncGenerator<FolderFile> {
    const stack = [''];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const entries = await fs.readdir(path.join(this.root, dir), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          // Hidden folders (the vault's config folder, .git, .trash) are never shared: skip their trees.
          if (!entry.name.startsWith('.')) stack.push(rel);
        } else if (entry.isFile()) {
          const stat = await fs.stat(path.join(this.root, rel)).catch(() => null);
          if (stat) yield { path: rel.normalize('NFC'), size: stat.size, mtime: Math.floor(stat.mtimeMs) };
        }
      }
    }
  }

  async stat(rel: string): Promise<FolderFile | null> {
    const stat = await fs.lstat(this.resolve(rel)).catch(() => null);
    return stat?.isFile() ? { path: rel, size: stat.size, mtime: Math.floor(stat.mtimeMs) } : null;
  }

  async read(rel: string): Promise<Uint8Array> {
    return fs.readFile(this.resolve(rel));
  }

  private resolve(rel: string): string {
    const full = path.resolve(this.root, ...rel.split('/'));
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`"${rel}" is outside the shared folder.`);
    return full;
  }
}
