// Making a replica complete in a few large range requests instead of one round trip per block: the view
// as it is now, and the bytes of a set of files. Full mounts and seeders both do this.
import type { FileEntry } from './knowledge-base-types';
import type { KnowledgeBase } from './knowledge-base';

/** Download the whole view as it is now (merged texts live there); rejects if a block could not be fetched. */
export async function downloadView(kb: KnowledgeBase): Promise<void> {
  const core = kb.view.core;
  if (core.length === 0 || core.contiguousLength >= core.length) return;
  // A bounded range: `end: -1` would be a live download whose `done()` never resolves.
  await core.download({ start: 0, end: core.length }).done();
}

/** Download the bytes of `entries`, one range per writer's blob core; rejects if some could not be fetched. */
export function downloadBytes(kb: KnowledgeBase, entries: Iterable<FileEntry>): Promise<void> {
  return kb.blobs.downloadMany([...entries].flatMap((entry) => (entry.blob ? [entry.blob] : [])));
}
