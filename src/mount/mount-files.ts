// The files a mount writes besides the knowledge base's own: lazy stubs and conflict copies.
import type { FileEntry } from '../engine/knowledge-base';
import { formatBytes } from '../engine/format-bytes';

/** Marker in a stub's frontmatter; the plugin fetches the real note when a stub is opened. */
export const STUB_MARKER = 'tzimtzum-stub';

/** A small placeholder for a note whose bytes are not downloaded yet (lazy mounts). */
export function lazyStub(entry: FileEntry): Uint8Array {
  const title = entry.path.split('/').pop()!.replace(/\.md$/i, '');
  const text = [
    '---',
    `${STUB_MARKER}: true`,
    `size: ${entry.size}`,
    '---',
    `# ${title}`,
    '',
    `This note (${formatBytes(entry.size)}) has not been downloaded yet. Open it to fetch it from the knowledge base.`,
    '',
  ].join('\n');
  return Buffer.from(text);
}

/** Whether a lazy mount writes a stub for this entry (notes), or nothing until fetched (attachments). */
export function hasStub(entry: FileEntry): boolean {
  return entry.kind !== 'attachment';
}

/**
 * Where a user's local version goes when the mount restores a file: next to it, named so it sorts
 * beside the original and says what it is, e.g. `Note (local edit 2026-11-24 10.15.02).md`.
 */
export function conflictCopyPath(path: string, when: Date, attempt = 0): string {
  const slash = path.lastIndexOf('/');
  const folder = slash >= 0 ? path.slice(0, slash + 1) : '';
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  const stamp = when.toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '.');
  const counter = attempt > 0 ? ` ${attempt + 1}` : '';
  return `${folder}${stem} (local edit ${stamp}${counter})${extension}`;
}
