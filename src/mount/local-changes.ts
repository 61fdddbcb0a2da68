// A mount never loses a user's words: before it rewrites or removes a file that no longer holds what the
// mount wrote, the user's version is saved beside it as a conflict copy under a name that is not taken.
import { contentHash } from '../engine/content-hash';
import type { FileEntry } from '../engine/knowledge-base';
import type { MountFileSystem } from './file-writer';
import { conflictCopyPath } from './mount-files';
import { inParallel } from '../engine/serial';
import type { Planned } from './mount-screen';
import type { MountState, MountedFile } from './mount-state';
import { collisionKey } from './path-policy';
import type { DriftRestored, SyncSummary } from './mount-types';

/** Files a full sync checks on disk at once. */
const CHECK_CONCURRENCY = 16;

/** Detects local edits and deletions of mounted files and keeps the user's text. */
export class LocalChanges {
  constructor(private readonly writer: MountFileSystem, private readonly now: () => Date) {}

  /**
   * Look at each planned file on disk once, several at a time (every look waits on the file system).
   * Returns those already holding what the mount would write; a user's edit, or a file the mount never
   * wrote that is in the way, is kept as a conflict copy first (reported in `summary.restored`).
   */
  async checkPlanned(plan: Planned[], state: MountState, summary: SyncSummary): Promise<Set<Planned>> {
    // One listing tells which paths may hold a file we never wrote: a fresh mount then reads none of its
    // 10,000 paths. Compared case- and normalization-folded, as the disk may be. Not needed (nor made) when
    // every planned file is one the mount wrote, as on a restart.
    const unknown = plan.some((planned) => !state.data.files[planned.disk]);
    const present = unknown ? new Set([...(await this.writer.listFiles())].map(collisionKey)) : new Set<string>();
    const unchanged = new Set<Planned>();
    await inParallel(plan, CHECK_CONCURRENCY, async (planned) => {
      const known = state.data.files[planned.disk];
      if (known) {
        // Edited here since we wrote it (maybe while stopped, maybe the entry changed too): keep the user's text first.
        const drift = await this.keep(planned.disk, known, planned.entry);
        if (drift) summary.restored.push(drift);
        else if (state.wrote(planned.disk, planned.entry)) unchanged.add(planned);
      } else if (present.has(collisionKey(planned.disk))) {
        await this.keepForeign(planned.disk, planned.entry, summary);
      }
    });
    return unchanged;
  }

  /**
   * If the disk no longer holds what the mount wrote, save the user's version; null when unchanged. Bytes
   * equal to `current` (the entry about to be written) are not the user's: a state saved before a crash
   * may not know the mount already wrote them.
   */
  async keep(path: string, known: MountedFile, current?: FileEntry): Promise<DriftRestored | null> {
    const bytes = await this.writer.read(path).catch(() => null);
    if (bytes === null) return known.written === '' ? null : { path, conflictCopy: null, kind: 'deleted' };
    const hash = contentHash(bytes);
    if (hash.toString('hex') === known.written || (current && hash.equals(current.hash))) return null;
    const copy = await this.saveCopy(path, bytes);
    return { path, conflictCopy: copy, kind: 'edited' };
  }

  /** A file the mount never wrote is in the way of an entry: keep its text unless it already matches. */
  async keepForeign(path: string, entry: FileEntry, summary: SyncSummary): Promise<void> {
    const bytes = await this.writer.read(path).catch(() => null);
    if (bytes === null || contentHash(bytes).equals(entry.hash)) return;
    const copy = await this.saveCopy(path, bytes);
    summary.restored.push({ path, conflictCopy: copy, kind: 'edited' });
  }

  private async saveCopy(path: string, bytes: Uint8Array): Promise<string> {
    const when = this.now();
    for (let attempt = 0; attempt < 100; attempt++) {
      const copy = conflictCopyPath(path, when, attempt);
      if ((await this.writer.read(copy).catch(() => null)) !== null) continue;
      await this.writer.write({ path: copy, bytes });
      return copy;
    }
    throw new Error(`Could not find a free name for a conflict copy of "${path}".`);
  }
}
