// A seeding peer keeps a complete replica of a knowledge base (its view and every file's bytes), so others
// can sync from it while the author is offline.
import type { KnowledgeBase } from '../engine/knowledge-base';

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
    await kb.downloadAll({ since: changedOnly ? complete : null });
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
