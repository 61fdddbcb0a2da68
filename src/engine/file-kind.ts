// Notes are Markdown; everything else (images, PDFs, canvases) travels as an opaque attachment.
import type { FileKind } from './schema';

/** The kind of a file, judged by its extension the way Obsidian does. */
export function fileKindOf(path: string): FileKind {
  return path.toLowerCase().endsWith('.md') ? 'note' : 'attachment';
}
