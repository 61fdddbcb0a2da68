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

/** Everything that changed since `version`, as puts and deletes in path order (read from a snapshot). */
export async function* changesSince(view: Hyperbee, since: number): AsyncGenerator<FileChange> {
  const current = view.snapshot();
  try {
    for await (const { left, right } of current.createDiffStream(since, prefixRange(''))) {
      const key = (left ?? right)?.key;
      if (key === undefined) continue;
      const entry = left ? fileAt(key, left.value) : null;
      const previous = right ? fileAt(key, right.value) : null;
      if (entry) yield { type: 'put', path: entry.path, entry, previous };
      else if (previous) yield { type: 'delete', path: previous.path, previous };
    }
  } finally {
    await current.close();
  }
}
