// Which entries of a knowledge base a mount writes, and where: the path policy, collisions with files
// already on disk, and the caps on file size, file count and total size. Every refusal is reported.
import { formatBytes } from '../engine/format-bytes';
import type { FileEntry } from '../engine/knowledge-base';
import type { MountState } from './mount-state';
import type { MountLimits, SyncSummary } from './mount-types';
import { screenPaths } from './path-policy';

/** One entry to write, at its (NFC, policy-checked) disk path. */
export interface Planned {
  disk: string;
  entry: FileEntry;
}

/**
 * Screen entries for writing. A full sync screens the whole listing (caps count from zero); an
 * incremental one screens changed entries against what is already mounted.
 */
export function screenEntries(state: MountState, limits: MountLimits, entries: FileEntry[], summary: SyncSummary, opts: { incremental?: boolean } = {}): Planned[] {
  const incremental = opts.incremental ?? false;
  const { accepted, rejected } = screenPaths(entries.map((entry) => entry.path), limits.paths);
  summary.rejected.push(...rejected);
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  // Kept by the state as files come and go: a live update screens one entry, not the whole mount.
  let totalBytes = incremental ? state.totalBytes : 0;
  let totalFiles = incremental ? state.fileCount : 0;
  const plan: Planned[] = [];
  for (const { source, path } of accepted) {
    const entry = byPath.get(source)!;
    if (incremental && state.collides(path, source)) {
      summary.rejected.push({ path: source, reason: 'collision', message: `"${source}" would land on the same file as another entry on a case-insensitive or normalizing file system.` });
      continue;
    }
    if (entry.size > limits.maxFileBytes) {
      summary.rejected.push({ path: source, reason: 'too-long', message: `"${source}" is ${formatBytes(entry.size)}, over this mount's ${formatBytes(limits.maxFileBytes)} file limit.` });
      continue;
    }
    const isNew = !incremental || !state.data.files[path];
    if (isNew && (totalFiles + 1 > limits.maxFiles || totalBytes + entry.size > limits.maxTotalBytes)) {
      summary.rejected.push({ path: source, reason: 'too-long', message: `"${source}" was left out: this knowledge base is over the mount's limit of ${limits.maxFiles} files or ${formatBytes(limits.maxTotalBytes)}.` });
      continue;
    }
    if (isNew) {
      totalFiles++;
      totalBytes += entry.size;
    }
    plan.push({ disk: path, entry });
  }
  return plan;
}
