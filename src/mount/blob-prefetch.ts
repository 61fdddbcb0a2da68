// Full mounts fetch every block they are about to write in a few large range requests (one per writer's
// blob core) instead of one request per file: "all data local" first, then writing.
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import type { BlobRef } from '../engine/schema';

/** Download the blob ranges covering `entries`, waiting at most `timeoutMs` (what is missing is retried later). */
export async function prefetchBlobs(kb: KnowledgeBase, entries: FileEntry[], timeoutMs: number): Promise<void> {
  const ranges = new Map<string, { ref: BlobRef; start: number; end: number }>();
  for (const { blob } of entries) {
    if (!blob || blob.blockLength === 0) continue; // merged texts live in the view
    const id = blob.core.toString('hex');
    const range = ranges.get(id) ?? { ref: blob, start: Infinity, end: 0 };
    range.start = Math.min(range.start, blob.blockOffset);
    range.end = Math.max(range.end, blob.blockOffset + blob.blockLength);
    ranges.set(id, range);
  }
  const downloads = Promise.all([...ranges.values()].map(({ ref, start, end }) =>
    kb.blobs.download({ ...ref, blockOffset: start, blockLength: end - start }).catch(() => undefined)));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([downloads, new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
  clearTimeout(timer);
}
