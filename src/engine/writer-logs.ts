// Keeping a writer's log complete on a reader, as background work that yields to live updates.
//
// Full subscribers and seeders hold the writers' logs so a writer that lost its device can recover from
// them. A log is one block per op (10,022 blocks for a 10,000-note import), and every block downloaded
// wakes the reader's Autobase (it listens for downloads on writer cores): fetched in one go right after a
// first sync, it cost ~2 s of CPU and doubled the latency of the live edits arriving meanwhile. So the
// history comes in chunks, each once the knowledge base has been quiet for a moment; the tail then stays
// complete because Autobase downloads every new op to apply it, and a live download covers what it skips.
import type Hypercore from 'hypercore';

/** Blocks per chunk of history. */
const CHUNK_BLOCKS = 1024;
/** How long without an update counts as quiet. */
export const QUIET_MS = 1_000;
/** A chunk is fetched after this long even if the knowledge base never goes quiet. */
export const MAX_DEFER_MS = 30_000;

export interface UpdateSource {
  on(event: 'update', listener: () => void): unknown;
  off(event: 'update', listener: () => void): unknown;
}

/** Downloads `core` completely in the background, as described above; stops when the core closes. */
export function keepLogComplete(core: Hypercore, updates: UpdateSource): void {
  let lastUpdateAt = Date.now();
  const onUpdate = (): void => {
    lastUpdateAt = Date.now();
  };
  updates.on('update', onUpdate);
  void run()
    .catch(() => undefined) // a closed core ends it; nothing to report
    .finally(() => updates.off('update', onUpdate));

  async function run(): Promise<void> {
    await core.ready();
    while (!core.closed && core.contiguousLength < core.length) {
      await untilQuiet();
      if (core.closed) return;
      const start = core.contiguousLength;
      await core.download({ start, end: Math.min(core.length, start + CHUNK_BLOCKS) }).done();
    }
    if (!core.closed) core.download({ start: 0, end: -1 });
  }

  /** Resolves once no update came for QUIET_MS (at once if none came lately), after MAX_DEFER_MS at most, or on close. */
  function untilQuiet(): Promise<void> {
    const deferredSince = Date.now();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        core.off('close', finish);
        resolve();
      };
      const check = (): void => {
        const now = Date.now();
        const quietIn = QUIET_MS - (now - lastUpdateAt);
        const deadlineIn = MAX_DEFER_MS - (now - deferredSince);
        if (quietIn <= 0 || deadlineIn <= 0) finish();
        else timer = setTimeout(check, Math.min(quietIn, deadlineIn));
      };
      core.on('close', finish);
      check();
    });
  }
}
