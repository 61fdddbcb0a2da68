// The author's side of paid notes at publishing time: a FolderMirror publisher that seals notes whose
// frontmatter sets a price, publishes free notes as they are, and refuses a note with a malformed paid
// marker (it must never go out in clear).
import { contentHash } from '../engine/content-hash';
import type { Identity } from '../engine/identity';
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import type { FileKind } from '../engine/schema';
import type { Publisher } from '../mirror/folder-mirror';
import { newNoteId, noteKey } from './note-keys';
import { classifyNote } from './paid-frontmatter';
import { decodeEnvelope, encodeEnvelope, openNote, sealNote, type SealedNote } from './sealed-note';

/** Seals paid notes with keys derived from the author's identity. */
export class PaidNotePublisher implements Publisher {
  constructor(private readonly opts: { identity: Identity; kb: KnowledgeBase }) {}

  async prepare(path: string, bytes: Uint8Array, current: FileEntry | null): Promise<{ bytes: Uint8Array; kind?: FileKind } | null> {
    if (!path.toLowerCase().endsWith('.md')) return current?.hash.equals(contentHash(bytes)) ? null : { bytes };
    const text = Buffer.from(bytes).toString('utf8');
    const verdict = classifyNote(text, path);
    if (verdict.status === 'invalid') throw verdict.error;
    if (verdict.status === 'free') return current?.hash.equals(contentHash(bytes)) ? null : { bytes, kind: 'note' };

    const { kb, identity } = this.opts;
    const previous = current?.kind === 'paid-note' ? await this.previousEnvelope(current) : null;
    const noteId = previous?.noteId ?? newNoteId();
    const epoch = previous?.epoch ?? 0;
    const key = noteKey(identity, { kbKey: kb.key, noteId, epoch });
    const { note } = verdict;
    if (previous && samePublicParts(previous, note) && openNote(previous, key, { kbKey: kb.key }) === note.text) return null;
    const sealed = sealNote({
      kbKey: kb.key, noteId, epoch, key, title: note.title, price: note.price, preview: note.preview, body: note.text,
      revision: (previous?.revision ?? 0) + 1,
    });
    return { bytes: encodeEnvelope(sealed), kind: 'paid-note' };
  }

  /** The envelope published now, so edits keep the note id (and so the key buyers hold). */
  private async previousEnvelope(current: FileEntry): Promise<SealedNote | null> {
    const bytes = await this.opts.kb.read(current, { wait: false }).catch(() => null);
    return bytes ? decodeEnvelope(bytes) : null;
  }
}

function samePublicParts(envelope: SealedNote, note: { title: string; price: number; preview: string }): boolean {
  return envelope.title === note.title && envelope.price === note.price && envelope.preview === note.preview;
}
