// A seeding peer keeps a complete replica of a knowledge base (its view and every file's bytes), so others
// can sync from it while the author is offline.
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { downloadBytes, downloadView } from '../engine/replica-downloads';

/**
 * Keep the replica complete: everything once, then on each update only what changed since the last
 * complete pass (a pass over every file on each live edit cost a 10,000-note seeder ~10,000 awaited
 * downloads per edit). One pass at a time, and one more after it if updates came meanwhile. A pass that
 * could not fetch everything (no peer had it) is redone from the same version on the next update.
 */
export function keepReplicaComplete(kb: KnowledgeBase): void {
  let complete = -1; // the view version the replica is known complete at
  let running: Promise<void> | null = null;
  let again = false;
  kb.blobs.followAppends();
  const pass = async (): Promise<void> => {
    const version = kb.version;
    // A rewound view (a reorder) or the first pass: everything; otherwise the changes since the last pass.
    const changedOnly = complete >= 0 && version >= complete;
    await downloadFiles(kb, changedOnly ? complete : null);
    complete = version;
  };
  const seed = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = pass().catch(() => undefined).finally(() => {
      running = null;
      if (again) {
        again = false;
        seed();
      }
    });
  };
  kb.on('update', seed);
  seed();
}

/**
 * Download the whole view (merged texts live there) and the bytes of every file, or with `since` of the
 * files changed after that version. Rejects if something could not be fetched.
 */
async function downloadFiles(kb: KnowledgeBase, since: number | null): Promise<void> {
  await downloadView(kb);
  const entries: FileEntry[] = [];
  if (since === null) {
    for await (const entry of kb.files()) entries.push(entry);
  } else {
    for await (const change of kb.changes(since)) if (change.type === 'put') entries.push(change.entry);
  }
  await downloadBytes(kb, entries);
}
