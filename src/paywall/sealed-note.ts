// The envelope a paid note is published as: public title, price and preview, and the note encrypted with
// its key (XChaCha20-Poly1305, a fresh random nonce per seal).
//
// The associated data binds the ciphertext to its knowledge base and to every public field of its header
// (note id, key id, epoch, revision, title, price, preview), so a ciphertext cannot be moved into another
// KB or note, relabelled with another revision, or shown under another price or preview.
import sodium from 'sodium-universal';
import { MAX_PREVIEW_BYTES, MAX_PRICE_SATS, MAX_TITLE_BYTES } from './paid-frontmatter';
import { checkNoteKeyRef, KEY_ID_BYTES, keyIdOf, NOTE_ID_BYTES, NOTE_KEY_BYTES } from './note-keys';
import {
  boundedBytes,
  boundedText,
  canonicalUint,
  check,
  decodeStrict,
  encodeStrict,
  fixedBytes,
} from '../engine/strict-encoding';
import type { Encoding } from 'compact-encoding';

/** The envelope format this build writes and reads. */
export const SEALED_NOTE_VERSION = 1;
/** Largest note that can be sealed, in UTF-8 bytes. */
export const MAX_SEALED_BODY_BYTES = 32 * 1024 * 1024;
/** First bytes of every envelope: a NUL, so no text note ever starts like one, then "tzp". */
export const SEALED_NOTE_MAGIC = Buffer.from([0x00, 0x74, 0x7a, 0x70]);

const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const AD_DOMAIN = Buffer.from('tzimtzum/v1/paid-note\0');

/** A paid note as published: everything here is public except what `ciphertext` hides. */
export interface SealedNote {
  version: typeof SEALED_NOTE_VERSION;
  noteId: Buffer;
  keyId: Buffer;
  epoch: number;
  /** The author's edit counter for this note; bound into the ciphertext. */
  revision: number;
  title: string;
  price: number;
  preview: string;
  nonce: Buffer;
  ciphertext: Buffer;
}

/** What `sealNote` needs: the note's identity and key, its public parts, and its full text. */
export interface SealNoteInput {
  kbKey: Uint8Array;
  noteId: Uint8Array;
  epoch: number;
  key: Uint8Array;
  title: string;
  price: number;
  preview: string;
  body: string;
  revision: number;
}

/** Why a sealed note cannot be sealed or opened; `code` lets callers react without parsing the message. */
export type SealedNoteErrorCode = 'too-large' | 'foreign-note' | 'cannot-decrypt';

/** A note that cannot be sealed, or an envelope that cannot be opened, with what to do about it. */
export class SealedNoteError extends Error {
  override readonly name = 'SealedNoteError';
  constructor(readonly code: SealedNoteErrorCode, message: string) {
    super(message);
  }
}

type Header = Omit<SealedNote, 'nonce' | 'ciphertext'>;

const noteIdEncoding = fixedBytes(NOTE_ID_BYTES);
const keyIdEncoding = fixedBytes(KEY_ID_BYTES);
const nonceEncoding = fixedBytes(NONCE_BYTES);
const kbKeyEncoding = fixedBytes(32);
const titleEncoding = boundedText(MAX_TITLE_BYTES);
const previewEncoding = boundedText(MAX_PREVIEW_BYTES);
const ciphertextEncoding = boundedBytes(MAX_SEALED_BODY_BYTES + TAG_BYTES, TAG_BYTES);

const headerEncoding: Encoding<Header> = {
  preencode(state, h) {
    canonicalUint.preencode(state, h.version);
    noteIdEncoding.preencode(state, h.noteId);
    keyIdEncoding.preencode(state, h.keyId);
    canonicalUint.preencode(state, h.epoch);
    canonicalUint.preencode(state, h.revision);
    titleEncoding.preencode(state, h.title);
    canonicalUint.preencode(state, h.price);
    previewEncoding.preencode(state, h.preview);
  },
  encode(state, h) {
    canonicalUint.encode(state, h.version);
    noteIdEncoding.encode(state, h.noteId);
    keyIdEncoding.encode(state, h.keyId);
    canonicalUint.encode(state, h.epoch);
    canonicalUint.encode(state, h.revision);
    titleEncoding.encode(state, h.title);
    canonicalUint.encode(state, h.price);
    previewEncoding.encode(state, h.preview);
  },
  decode(state) {
    const version = canonicalUint.decode(state);
    check(version === SEALED_NOTE_VERSION, 'unknown envelope version');
    const header: Header = {
      version: SEALED_NOTE_VERSION,
      noteId: noteIdEncoding.decode(state),
      keyId: keyIdEncoding.decode(state),
      epoch: canonicalUint.decode(state),
      revision: canonicalUint.decode(state),
      title: titleEncoding.decode(state),
      price: canonicalUint.decode(state),
      preview: previewEncoding.decode(state),
    };
    check(header.epoch <= 0xffffffff, 'epoch out of range');
    check(header.price >= 1 && header.price <= MAX_PRICE_SATS, 'price out of range');
    return header;
  },
};

const envelopeEncoding: Encoding<SealedNote> = {
  preencode(state, e) {
    state.end += SEALED_NOTE_MAGIC.byteLength;
    headerEncoding.preencode(state, e);
    nonceEncoding.preencode(state, e.nonce);
    ciphertextEncoding.preencode(state, e.ciphertext);
  },
  encode(state, e) {
    state.buffer!.set(SEALED_NOTE_MAGIC, state.start);
    state.start += SEALED_NOTE_MAGIC.byteLength;
    headerEncoding.encode(state, e);
    nonceEncoding.encode(state, e.nonce);
    ciphertextEncoding.encode(state, e.ciphertext);
  },
  decode(state) {
    const magic = fixedBytes(SEALED_NOTE_MAGIC.byteLength).decode(state);
    check(magic.equals(SEALED_NOTE_MAGIC), 'not a sealed note');
    return { ...headerEncoding.decode(state), nonce: nonceEncoding.decode(state), ciphertext: ciphertextEncoding.decode(state) };
  },
};

const adEncoding: Encoding<{ kbKey: Buffer; header: Header }> = {
  preencode(state, { kbKey, header }) {
    state.end += AD_DOMAIN.byteLength;
    kbKeyEncoding.preencode(state, kbKey);
    headerEncoding.preencode(state, header);
  },
  encode(state, { kbKey, header }) {
    state.buffer!.set(AD_DOMAIN, state.start);
    state.start += AD_DOMAIN.byteLength;
    kbKeyEncoding.encode(state, kbKey);
    headerEncoding.encode(state, header);
  },
  decode() {
    throw new Error('associated data is never decoded');
  },
};

/** Encrypts a paid note into its envelope; every call draws a fresh nonce. */
export function sealNote(input: SealNoteInput): SealedNote {
  const { kbKey, noteId, epoch, key, title, price, preview, body, revision } = input;
  checkNoteKeyRef({ kbKey, noteId, epoch });
  if (key.byteLength !== NOTE_KEY_BYTES) throw new RangeError(`A note key is ${NOTE_KEY_BYTES} bytes, got ${key.byteLength}.`);
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`A revision is a whole number, got ${String(revision)}.`);
  if (!Number.isSafeInteger(price) || price < 1 || price > MAX_PRICE_SATS) throw new RangeError(`A price is 1 to ${MAX_PRICE_SATS} sats, got ${String(price)}.`);
  const plaintext = Buffer.from(body, 'utf8');
  if (plaintext.byteLength > MAX_SEALED_BODY_BYTES) {
    throw new SealedNoteError(
      'too-large',
      `This note is ${Math.ceil(plaintext.byteLength / 1024 / 1024)} MiB; a paid note can be at most ` +
        `${MAX_SEALED_BODY_BYTES / 1024 / 1024} MiB. Split it, or move embedded files into attachments.`,
    );
  }
  const header: Header = {
    version: SEALED_NOTE_VERSION,
    noteId: Buffer.from(noteId),
    keyId: keyIdOf({ kbKey, noteId, epoch }),
    epoch,
    revision,
    title,
    price,
    preview,
  };
  // Encoding the AD also checks the title and preview bounds, before anything is encrypted.
  const ad = encodeStrict(adEncoding, { kbKey: Buffer.from(kbKey), header });
  const nonce = Buffer.alloc(NONCE_BYTES);
  sodium.randombytes_buf(nonce);
  const ciphertext = Buffer.alloc(plaintext.byteLength + TAG_BYTES);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, plaintext, ad, null, nonce, key);
  return { ...header, nonce, ciphertext };
}

/** Decrypts an envelope of the knowledge base `kbKey`; throws a `SealedNoteError` if it cannot. */
export function openNote(envelope: SealedNote, key: Uint8Array, { kbKey }: { kbKey: Uint8Array }): string {
  const { nonce, ciphertext, ...header } = envelope;
  if (kbKey.byteLength !== 32 || !keyIdOf({ kbKey, noteId: header.noteId, epoch: header.epoch }).equals(header.keyId)) {
    throw new SealedNoteError(
      'foreign-note',
      'This paid note does not belong to this knowledge base (or its header was altered), so it cannot be unlocked here.',
    );
  }
  const plaintext = Buffer.alloc(Math.max(0, ciphertext.byteLength - TAG_BYTES));
  let opened = false;
  if (key.byteLength === NOTE_KEY_BYTES && nonce.byteLength === NONCE_BYTES && ciphertext.byteLength >= TAG_BYTES) {
    try {
      const ad = encodeStrict(adEncoding, { kbKey: Buffer.from(kbKey), header });
      opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext, null, ciphertext, ad, nonce, key) === plaintext.byteLength;
    } catch {
      opened = false; // sodium throws on authentication failure
    }
  }
  if (!opened) {
    throw new SealedNoteError(
      'cannot-decrypt',
      'This paid note cannot be decrypted with the key you hold: the key is for another note or epoch, or the note ' +
        'was altered. Ask the author for a new grant if you bought it.',
    );
  }
  return plaintext.toString('utf8');
}

/** The bytes stored in the knowledge base in place of the clear note. */
export function encodeEnvelope(envelope: SealedNote): Buffer {
  return encodeStrict(envelopeEncoding, envelope);
}

/** Reads an envelope from untrusted bytes: the envelope, or null for anything else. Never throws. */
export function decodeEnvelope(bytes: Uint8Array): SealedNote | null {
  return decodeStrict(envelopeEncoding, bytes);
}

/** Whether `bytes` claim to be an envelope (cheap; `decodeEnvelope` decides whether they are a valid one). */
export function isSealedNote(bytes: Uint8Array): boolean {
  return bytes.byteLength >= SEALED_NOTE_MAGIC.byteLength && SEALED_NOTE_MAGIC.equals(bytes.subarray(0, SEALED_NOTE_MAGIC.byteLength));
}
