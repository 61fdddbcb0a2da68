// Reading file records out of the view: pages, full listings and the change feed between two versions.
import type Hyperbee from 'hyperbee';
import type { FileChange, FileEntry } from './knowledge-base-types';
import { decodeRecord, fileRecordEncoding } from './view-records';
import { fileKey, pathOfKey, prefixRange } from './view-keys';

/** A file record as an entry, or null when the record does not decode (skipped, like a malformed op). */
export function toFileEntry(path: string, value: Buffer): FileEntry | null {
  const record = decodeRecord(fileRecordEncoding, value);
  return record ? { path, ...record } : null;
}

/** The entry a view key and value hold, or null for keys outside the file prefix and undecodable records. */
function fileAt(key: string, value: Buffer): FileEntry | null {
  const path = pathOfKey(key);
  return path === null ? null : toFileEntry(path, value);
}

/** A page of files whose path starts with `prefix`, in path order; pass `next` back as `after`. */
export async function listFiles(view: Hyperbee, opts: { prefix?: string; limit?: number; after?: string }): Promise<{ entries: FileEntry[]; next: string | null }> {
  const limit = opts.limit ?? 1000;
  const range = prefixRange(opts.prefix ?? '');
  if (opts.after !== undefined) {
    delete range.gte;
    range.gt = fileKey(opts.after);
  }
  const entries: FileEntry[] = [];
  for await (const entry of view.createReadStream({ ...range, limit: limit + 1 })) {
    const file = fileAt(entry.key, entry.value);
    if (file) entries.push(file);
  }
  const more = entries.length > limit;
  if (more) entries.length = limit;
  return { entries, next: more ? entries[entries.length - 1].path : null };
}

/** Every file under `prefix`, streamed in path order. */
export async function* filesIn(view: Hyperbee, prefix: string): AsyncGenerator<FileEntry> {
  for await (const entry of view.createReadStream(prefixRange(prefix))) {
    const file = fileAt(entry.key, entry.value);
    if (file) yield file;
  }
}

/**
 * Past this many view blocks since the version asked about, changes come from a diff of the two trees
 * instead of the log: reading the log costs one block per op, however many ops touched the same file.
 */
const LOG_READ_MAX_BLOCKS = 512;

/**
 * Everything that changed since `version`, as puts and deletes in path order (read from a snapshot). A file
 * rewritten with the record it had (moved away and back) may come as a put too: readers compare hashes.
 */
export async function* changesSince(view: Hyperbee, since: number): AsyncGenerator<FileChange> {
  const current = view.snapshot();
  try {
    await current.ready();
    const changes = current.version - since <= LOG_READ_MAX_BLOCKS ? changesFromLog(current, since) : changesFromDiff(current, since);
    for await (const { key, now, before } of changes) {
      const entry = now ? fileAt(key, now) : null;
      if (entry) {
        yield { type: 'put', path: entry.path, entry };
        continue;
      }
      const previous = await before();
      const gone = previous ? fileAt(key, previous) : null;
      if (gone) yield { type: 'delete', path: gone.path, previous: gone };
    }
  } finally {
    await current.close();
  }
}

/** A key's value now (null when deleted) and how to get its value at the earlier version. */
interface KeyChange {
  key: string;
  now: Buffer | null;
  before: () => Promise<Buffer | null>;
}

/**
 * The blocks appended since `since` are the changes themselves: a live update reads its few new blocks,
 * and looks a record up at the earlier version only for a deletion (which must say what was deleted).
 * A diff of the two trees walks both from their roots instead, as a lookup in the older version does: each
 * took 1-6 ms for one edit in a 1,000-note view, on the path of every live update.
 */
async function* changesFromLog(current: Hyperbee, since: number): AsyncGenerator<KeyChange> {
  const latest = new Map<string, Buffer | null>();
  for await (const node of current.createHistoryStream({ gte: Math.max(1, since), lt: current.version })) {
    if (pathOfKey(node.key) !== null) latest.set(node.key, node.type === 'put' ? node.value : null);
  }
  // The same session, read at the earlier version (a checkout that reuses it needs no closing of its own).
  const earlier = since > 1 ? current.checkout(since, { reuseSession: true }) : null;
  // In the tree's own order (bytes of the key), as a diff would yield them.
  const keys = [...latest.keys()].map((key) => Buffer.from(key)).sort((a, b) => Buffer.compare(a, b)).map((key) => key.toString());
  for (const key of keys) {
    const before = earlier ? async () => (await earlier.get(key))?.value ?? null : () => Promise.resolve(null);
    yield { key, now: latest.get(key) ?? null, before };
  }
}

async function* changesFromDiff(current: Hyperbee, since: number): AsyncGenerator<KeyChange> {
  for await (const { left, right } of current.createDiffStream(since, prefixRange(''))) {
    const key = (left ?? right)?.key;
    const before = right?.value ?? null;
    if (key !== undefined) yield { key, now: left?.value ?? null, before: () => Promise.resolve(before) };
  }
}
