// Translation between vault paths (what Obsidian's API speaks) and disk paths (what the peer speaks).
import path from 'node:path';
import { FileSystemAdapter, normalizePath, type App } from 'obsidian';

/** Thrown where a vault is not a folder on disk (mobile, or an unusual adapter). */
export class NotOnDiskError extends Error {
  readonly code = 'not-on-disk';
}

/** The vault's folder on disk and conversions to and from it. */
export class VaultPaths {
  readonly base: string;

  constructor(app: App) {
    const adapter = app.vault.adapter;
    if (!(adapter instanceof FileSystemAdapter)) throw new NotOnDiskError('This vault is not a folder on disk; Tzimtzum needs the desktop app.');
    this.base = path.resolve(adapter.getBasePath());
  }

  /** The disk path of a vault path. */
  toDisk(vaultPath: string): string {
    const normalized = normalizePath(vaultPath);
    return normalized === '/' ? this.base : path.join(this.base, ...normalized.split('/'));
  }

  /** The vault path of a disk path, or null when it is outside the vault. */
  toVault(diskPath: string): string | null {
    const relative = path.relative(this.base, path.resolve(diskPath));
    if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
    return relative === '' ? '/' : normalizePath(relative.split(path.sep).join('/'));
  }
}

/** `child` relative to `folder` (vault paths), or null when it is not inside it. */
export function relativeTo(folder: string, child: string): string | null {
  if (folder === '/' || folder === '') return child;
  return child.startsWith(folder + '/') ? child.slice(folder.length + 1) : null;
}
