// The view's key layout. Files sit under one prefix so a range read lists a folder, and the
// knowledge base's own records sit under another that no file path can reach.
import type { Range } from 'hyperbee';

/** Every file record's key starts with this. */
export const FILE_PREFIX = 'files/';
/** The knowledge base's title, description and author. */
export const META_KEY = 'kb/meta';
/** Swarm keys of writers' devices, one per writer: `kb/peers/<writer key hex>`. */
export const PEERS_PREFIX = 'kb/peers/';
/** Sealed grants of paid notes: `grants/<buyer tag hex>/<note id hex>`. */
export const GRANTS_PREFIX = 'grants/';

/** The view key of one buyer's grant for one note. */
export function grantKey(buyerTag: Uint8Array, noteId: Uint8Array): string {
  return `${GRANTS_PREFIX}${Buffer.from(buyerTag).toString('hex')}/${Buffer.from(noteId).toString('hex')}`;
}

/** Writers and their roles: `kb/writers/<writer key hex>`. */
export const WRITERS_PREFIX = 'kb/writers/';
/** Invites already redeemed: `kb/invites/<invite id hex>`. */
export const INVITES_PREFIX = 'kb/invites/';
/** Texts `apply` produced by merging concurrent edits: `merged/<hash hex>`. */
export const MERGED_PREFIX = 'merged/';
/** Where a renamed file went, so a concurrent edit of the old path follows it: `moved/<old path>`. */
export const MOVED_PREFIX = 'moved/';

export function writerKey(key: Uint8Array): string {
  return WRITERS_PREFIX + Buffer.from(key).toString('hex');
}

export function inviteKey(id: Uint8Array): string {
  return INVITES_PREFIX + Buffer.from(id).toString('hex');
}

export function mergedKey(hash: Uint8Array): string {
  return MERGED_PREFIX + Buffer.from(hash).toString('hex');
}

export function movedKey(path: string): string {
  return MOVED_PREFIX + path;
}

/** The count of skipped ops and the last reason (`SkippedOps`). */
export const SKIPPED_KEY = 'kb/skipped';

/** The view key of a file path. */
export function fileKey(path: string): string {
  return FILE_PREFIX + path;
}

/** The file path of a view key, or null for keys that are not files. */
export function pathOfKey(key: string): string | null {
  return key.startsWith(FILE_PREFIX) ? key.slice(FILE_PREFIX.length) : null;
}

/** The range of every file whose path starts with `prefix` (a folder prefix should end with '/'). */
export function prefixRange(prefix: string): Range {
  // U+10FFFF sorts after every other code point in UTF-8 byte order, which Hyperbee compares.
  return { gte: fileKey(prefix), lt: fileKey(prefix) + '\u{10FFFF}' };
}

/** The range of every file inside a folder (not the folder's name as a file). */
export function folderRange(folder: string): Range {
  return prefixRange(folder + '/');
}
