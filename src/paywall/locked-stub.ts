// What a subscriber's mount writes for a paid note: a locked stub until the note is bought, the original
// note once it is unlocked.
//
// The stub is built only from the envelope's public header (title, preview, price, note id) and the KB key;
// it never sees the ciphertext, so nothing secret can end up in the vault before the note is paid for.
import z32 from 'z32';
import { KB_KEY_BYTES, NOTE_ID_BYTES } from './note-keys';
import { MAX_PRICE_SATS } from './paid-frontmatter';
import { openNote, type SealedNote } from './sealed-note';

/** Marker in a locked stub's frontmatter: the note is paid and not unlocked on this device. */
export const LOCKED_MARKER = 'tzimtzum-locked';
/** Language of the code block the plugin renders as an unlock button. */
export const UNLOCK_BLOCK = 'tzimtzum-unlock';

/** What an unlock button asks to buy: one note of one knowledge base, at the price shown. */
export interface UnlockRequest {
  kbKey: Buffer;
  noteId: Buffer;
  price: number;
}

/** The Markdown a mount writes for a locked note: title, preview, price and an unlock block. */
export function lockedStub(envelope: Pick<SealedNote, 'noteId' | 'title' | 'price' | 'preview'>, kbKey: Uint8Array): Buffer {
  const title = oneLine(envelope.title);
  const preview = neutralizeUnlockBlocks(envelope.preview.trim());
  const lines = ['---', `${LOCKED_MARKER}: true`, '---'];
  // A preview cut at `%% more %%` usually starts with the note's own heading; do not repeat it.
  if (!/^#[ \t]/.test(preview)) lines.push(`# ${title}`, '');
  if (preview !== '') lines.push(preview, '');
  lines.push(
    `*This note is paid: ${envelope.price.toLocaleString('en-US')} sats. Unlock it to read the rest.*`,
    '',
    '```' + UNLOCK_BLOCK,
    `kb: ${z32.encode(kbKey)}`,
    `note: ${envelope.noteId.toString('hex')}`,
    `price: ${envelope.price}`,
    '```',
    '',
  );
  return Buffer.from(lines.join('\n'));
}

/** The note as its author wrote it, to write in place of the stub once unlocked. */
export function unlockedNote(envelope: SealedNote, key: Uint8Array, { kbKey }: { kbKey: Uint8Array }): Buffer {
  return Buffer.from(openNote(envelope, key, { kbKey }), 'utf8');
}

/** Reads the body of an unlock block (as the plugin's code block processor gets it), or null if malformed. */
export function parseUnlockBlock(source: string): UnlockRequest | null {
  const fields = new Map<string, string>();
  for (const line of source.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const match = /^(kb|note|price): (\S+)$/.exec(line.trim());
    if (match === null || fields.has(match[1])) return null;
    fields.set(match[1], match[2]);
  }
  const kb = fields.get('kb');
  const note = fields.get('note');
  const price = fields.get('price');
  if (kb === undefined || note === undefined || price === undefined) return null;
  if (!/^[0-9a-f]+$/.test(note) || note.length !== NOTE_ID_BYTES * 2) return null;
  if (!/^[1-9][0-9]{0,15}$/.test(price) || Number(price) > MAX_PRICE_SATS) return null;
  let kbKey: Buffer;
  try {
    kbKey = z32.decode(kb);
  } catch {
    return null;
  }
  if (kbKey.byteLength !== KB_KEY_BYTES || z32.encode(kbKey) !== kb) return null;
  return { kbKey, noteId: Buffer.from(note, 'hex'), price: Number(price) };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

// The preview is the author's text; an unlock block inside it would render as a second button pointing
// wherever the author likes. Only the block this module writes may be a button.
function neutralizeUnlockBlocks(preview: string): string {
  return preview.replace(/^( {0,3}(?:`{3,}|~{3,})[ \t]*)tzimtzum-/gim, '$1text tzimtzum-');
}
