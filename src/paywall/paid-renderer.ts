// The subscriber's side of paid notes at mount time: a locked stub until this device holds the note key,
// the author's text once it does. Nothing secret reaches the vault before then.
import z32 from 'z32';
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { lockedStub, unlockedNote } from './locked-stub';
import type { PurchaseBook } from './purchases';
import { decodeEnvelope } from './sealed-note';

/** Renders a paid-note entry's published bytes (an envelope) into what the mount writes. */
export function renderPaidNote(kb: KnowledgeBase, purchases: PurchaseBook, entry: FileEntry, bytes: Uint8Array): Uint8Array {
  const envelope = decodeEnvelope(bytes);
  if (!envelope) {
    return Buffer.from(`# ${entry.path.split('/').pop()}\n\nThis paid note could not be read: its author published it in a format this Tzimtzum does not understand. Update Tzimtzum.\n`);
  }
  const key = purchases.keyFor(z32.encode(kb.key), envelope.noteId);
  if (key) {
    try {
      return unlockedNote(envelope, key, { kbKey: kb.key });
    } catch {
      // A key for another epoch (the author rotated it): show the stub so the reader can buy again.
    }
  }
  return lockedStub(envelope, kb.key);
}
