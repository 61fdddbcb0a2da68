// A seeding peer keeps a complete replica of a knowledge base (its view and every file's bytes), so others
// can sync from it while the author is offline.
import type { KnowledgeBase } from '../engine/knowledge-base';

/** Download everything on every update: one pass at a time, and one more after it if updates came meanwhile. */
export function keepReplicaComplete(kb: KnowledgeBase): void {
  let running: Promise<void> | null = null;
  let again = false;
  const seed = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = kb.downloadAll().catch(() => undefined).finally(() => {
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
