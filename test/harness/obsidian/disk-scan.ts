// Reads what is on disk under a vault folder, the way Obsidian's indexer sees it: hidden entries
// (a name starting with '.') and everything under them are skipped.
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { joinPath } from './path.js';

/** One visible entry on disk. */
export interface DiskEntry {
  path: string;
  kind: 'file' | 'folder';
  ctime: number;
  /** Full-resolution mtime, so two writes within a millisecond still differ. */
  mtimeMs: number;
  size: number;
}

/** Stats of one path, or null when it is gone. */
export async function statEntry(basePath: string, path: string): Promise<DiskEntry | null> {
  try {
    const s = await fs.stat(nodePath.join(basePath, path === '/' ? '' : path));
    return { path, kind: s.isDirectory() ? 'folder' : 'file', ctime: Math.round(s.birthtimeMs || s.ctimeMs), mtimeMs: s.mtimeMs, size: s.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Every visible entry under `folder` (not the folder itself), parents before children, names sorted. */
export async function scanDisk(basePath: string, folder = '/'): Promise<DiskEntry[]> {
  const out: DiskEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    const names = (await fs.readdir(nodePath.join(basePath, dir === '/' ? '' : dir))).sort();
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const entry = await statEntry(basePath, joinPath(dir, name));
      if (!entry) continue;
      out.push(entry);
      if (entry.kind === 'folder') await walk(entry.path);
    }
  };
  await walk(folder);
  return out;
}
