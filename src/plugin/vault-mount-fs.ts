// How a mount's files reach the vault: writes, reads and removals go through the confined FileWriter
// (atomic, never through a symbolic link, never outside the mount), while remote renames go through
// `vault.rename`, so Obsidian keeps the open note, its history and its place in the file explorer.
// `fileManager.renameFile` is never used: it would rewrite links in the user's own notes and can prompt.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TFile, type App } from 'obsidian';
import { FileWriter, type MountFileSystem, type WriteJob } from '../mount/file-writer';
import { safeJoin } from '../mount/path-policy';
import type { VaultPaths } from './vault-paths';

/** A mount's file system inside the vault. */
export class VaultMountFileSystem implements MountFileSystem {
  readonly root: string;
  private readonly writer: FileWriter;

  constructor(private readonly app: App, private readonly paths: VaultPaths, root: string) {
    this.writer = new FileWriter(root);
    this.root = this.writer.root;
  }

  writeMany(jobs: WriteJob[], onWritten?: (job: WriteJob) => void): Promise<{ path: string; error: Error }[]> {
    return this.writer.writeMany(jobs, onWritten);
  }

  write(job: WriteJob): Promise<void> {
    return this.writer.write(job);
  }

  read(rel: string): Promise<Buffer | null> {
    return this.writer.read(rel);
  }

  remove(rel: string): Promise<void> {
    return this.writer.remove(rel);
  }

  /** A rename through the vault when Obsidian knows the file; on disk when it has not indexed it yet. */
  async move(from: string, to: string): Promise<void> {
    // safeJoin refuses paths that climb out of the mount, as the FileWriter would.
    const source = this.paths.toVault(safeJoin(this.root, from));
    const target = this.paths.toVault(safeJoin(this.root, to));
    const file = source ? this.app.vault.getAbstractFileByPath(source) : null;
    if (!(file instanceof TFile) || !target) return this.writer.move(from, to);
    const parent = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
    if (parent && !this.app.vault.getAbstractFileByPath(parent)) {
      // Another write may have made it on disk already; the rename below then still works.
      await this.app.vault.createFolder(parent).catch(() => undefined);
    }
    await this.app.vault.rename(file, target);
    await this.pruneEmptyFolders(path.dirname(safeJoin(this.root, from)));
  }

  sweepTemps(): Promise<void> {
    return this.writer.sweepTemps();
  }

  listFiles(): Promise<Set<string>> {
    return this.writer.listFiles();
  }

  /** Folders a move left empty go too, as the FileWriter's own move does; rmdir refuses non-empty ones. */
  private async pruneEmptyFolders(dir: string): Promise<void> {
    // Bounded by the depth of the path below the root.
    for (let current = dir; current !== this.root && current.startsWith(this.root + path.sep); current = path.dirname(current)) {
      const removed = await fs.rmdir(current).then(() => true, () => false);
      if (!removed) return;
    }
  }
}
