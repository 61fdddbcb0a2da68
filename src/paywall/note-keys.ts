// Every paid note has its own key, derived from the author's identity, so the words alone restore every key
// ever sold and nothing per note has to be stored secretly.
//
// The note is named by a random id chosen when it is first sealed and carried in its envelope (not by its
// path): renames keep the id, hence the key, so buyers keep access; and a new note created later at an old
// path gets a new id, so it never inherits a key someone already bought.
import sodium from 'sodium-universal';
import type { Identity } from '../engine/identity';

/** Length of a note id: random, so two notes of one KB never collide (2^-64 after 2^32 notes). */
export const NOTE_ID_BYTES = 16;
/** Length of a key id. */
export const KEY_ID_BYTES = 16;
/** Length of a note key (XChaCha20-Poly1305). */
export const NOTE_KEY_BYTES = 32;
/** Length of a knowledge base key. */
export const KB_KEY_BYTES = 32;
/** Highest key epoch; an epoch is bumped to rotate a note's key (new buyers only). */
export const MAX_EPOCH = 0xffffffff;

/** Which key of which note of which knowledge base. */
export interface NoteKeyRef {
  kbKey: Uint8Array;
  noteId: Uint8Array;
  epoch: number;
}

/** A fresh random note id, for a note sealed for the first time. */
export function newNoteId(): Buffer {
  const id = Buffer.alloc(NOTE_ID_BYTES);
  sodium.randombytes_buf(id);
  return id;
}

/** The note's 32-byte content key; the same for every edit of the note within one epoch. */
export function noteKey(identity: Identity, ref: NoteKeyRef): Buffer {
  checkNoteKeyRef(ref);
  return identity.deriveSecret('paid-note-key', ref.kbKey, ref.noteId, epochBytes(ref.epoch));
}

/**
 * The public label of a note key: a hash of which key it is (KB, note, epoch), never of the key itself,
 * so anyone can compute it and it reveals nothing secret. Envelopes and grants carry it so a mismatch is
 * reported as "another note or epoch" before any decryption is attempted.
 */
export function keyIdOf(ref: NoteKeyRef): Buffer {
  checkNoteKeyRef(ref);
  const out = Buffer.alloc(KEY_ID_BYTES);
  sodium.crypto_generichash_batch(out, [KEY_ID_DOMAIN, Buffer.from(ref.kbKey), Buffer.from(ref.noteId), epochBytes(ref.epoch)]);
  return out;
}

/** Throws a `RangeError` (a caller's bug, not a user's) unless the ref's parts have their exact sizes. */
export function checkNoteKeyRef(ref: NoteKeyRef): void {
  if (ref.kbKey.byteLength !== KB_KEY_BYTES) throw new RangeError(`A knowledge base key is ${KB_KEY_BYTES} bytes, got ${ref.kbKey.byteLength}.`);
  if (ref.noteId.byteLength !== NOTE_ID_BYTES) throw new RangeError(`A note id is ${NOTE_ID_BYTES} bytes, got ${ref.noteId.byteLength}.`);
  if (!Number.isInteger(ref.epoch) || ref.epoch < 0 || ref.epoch > MAX_EPOCH) {
    throw new RangeError(`A key epoch is a whole number from 0 to ${MAX_EPOCH}, got ${String(ref.epoch)}.`);
  }
}

// Fixed-length fields after a fixed-length domain: the concatenation is unambiguous.
const KEY_ID_DOMAIN = Buffer.from('tzimtzum/v1/paid-note-key-id\0');

function epochBytes(epoch: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(epoch);
  return bytes;
}
