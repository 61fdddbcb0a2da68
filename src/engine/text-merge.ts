// Three-way merge of text notes, line by line (diff3 on the common base). Used inside `apply`, so it is
// a pure function: the same three texts always give the same result on every peer.
import { isUtf8 } from 'node:buffer';
import { diff3Merge } from 'node-diff3';

/** Notes larger than this are not merged (diff3 is quadratic in the worst case); they become conflict copies. */
export const MAX_MERGE_BYTES = 1024 * 1024;

/**
 * Merge two edits of `base`: `ours` (the version already in the view) and `theirs` (the incoming edit).
 * Returns the merged bytes, or null when hunks overlap or an input is not mergeable text.
 */
export function mergeText(base: Uint8Array, ours: Uint8Array, theirs: Uint8Array): Buffer | null {
  for (const text of [base, ours, theirs]) {
    if (text.byteLength > MAX_MERGE_BYTES || !isUtf8(text)) return null;
  }
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const merged: string[] = [];
  for (const region of regions) {
    if (region.conflict || !region.ok) return null;
    merged.push(...region.ok);
  }
  return Buffer.from(merged.join(''), 'utf8');
}

/** Lines with their endings kept, so joining the merge restores the exact bytes (CRLF, no final newline). */
function lines(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text === '' ? [] : text.split(/(?<=\n)/);
}
