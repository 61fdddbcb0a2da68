// A full mount fetches what it is about to write in a few large range requests instead of one round trip
// per block: the view before listing it (a listing alone walks the B-tree one block at a time, ~10 s for
// 10,000 notes over loopback), and each writer's blob core for the files to write (one range per core).
// Files are written once the bytes are local: writing while downloading made both slower, since file
// writes and the store's reads and writes share Node's small thread pool.
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { downloadBytes, downloadView } from '../engine/replica-downloads';
import { waitAtMost } from '../engine/serial';

/**
 * Download the whole view (every block up to its current length), waiting at most `timeoutMs`; what
 * is still missing then is fetched on demand by the listing.
 */
export async function prefetchView(kb: KnowledgeBase, timeoutMs: number): Promise<void> {
  await waitAtMost(downloadView(kb).catch(() => undefined), timeoutMs);
}

/** Range downloads of the blob blocks some entries need, started at once and awaited when needed. */
export class BlobPrefetch {
  private constructor(private readonly downloading: Promise<void>) {}

  /** Start one range download per writer's blob core covering `entries` (merged texts live in the view). */
  static start(kb: KnowledgeBase, entries: Iterable<FileEntry>): BlobPrefetch {
    // A failed range is not an error here: a file whose bytes are then missing is reported and retried.
    return new BlobPrefetch(downloadBytes(kb, entries).catch(() => undefined));
  }

  /** Resolves when every range is local (or failed), or after `timeoutMs` (what is missing is retried later). */
  settled(timeoutMs: number): Promise<void> {
    return waitAtMost(this.downloading, timeoutMs);
  }
}
