import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/engine/identity.js';
import { keyIdOf, noteKey } from '../../src/paywall/note-keys.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  isSealedNote,
  openNote,
  sealNote,
  SealedNoteError,
  type SealedNote,
  type SealedNoteErrorCode,
  type SealNoteInput,
} from '../../src/paywall/sealed-note.js';

const AUTHOR = new Identity([...Array<string>(23).fill('abandon'), 'art'].join(' '));
const kbKey = Buffer.alloc(32, 1);
const otherKbKey = Buffer.alloc(32, 7);
const noteId = Buffer.alloc(16, 2);
const otherNoteId = Buffer.alloc(16, 3);
const BODY = '---\nprice: 2100\n---\n# Secrets\n\nThe treasure is under the old oak tree. 🌳\n';

function input(overrides: Partial<SealNoteInput> = {}): SealNoteInput {
  return {
    kbKey,
    noteId,
    epoch: 0,
    key: noteKey(AUTHOR, { kbKey, noteId, epoch: 0 }),
    title: 'Secrets',
    price: 2100,
    preview: 'Where the treasure is',
    body: BODY,
    revision: 1,
    ...overrides,
  };
}

function openError(envelope: SealedNote, key: Buffer, kb = kbKey): SealedNoteErrorCode {
  try {
    openNote(envelope, key, { kbKey: kb });
  } catch (err) {
    if (err instanceof SealedNoteError) return err.code;
    throw err;
  }
  throw new Error('expected the note not to open');
}

const key = noteKey(AUTHOR, { kbKey, noteId, epoch: 0 });

describe('sealing and opening a paid note', () => {
  it('opens what it sealed, through the encoded envelope', () => {
    const envelope = decodeEnvelope(encodeEnvelope(sealNote(input())));
    expect(envelope).not.toBeNull();
    expect(openNote(envelope!, key, { kbKey })).toBe(BODY);
  });

  it('publishes the title, price, preview and key id in the header', () => {
    const envelope = sealNote(input());
    expect(envelope).toMatchObject({ version: 1, title: 'Secrets', price: 2100, preview: 'Where the treasure is', epoch: 0, revision: 1 });
    expect(envelope.noteId.equals(noteId)).toBe(true);
    expect(envelope.keyId.equals(keyIdOf({ kbKey, noteId, epoch: 0 }))).toBe(true);
  });

  it('never contains the paid text in clear', () => {
    const bytes = encodeEnvelope(sealNote(input()));
    expect(bytes.includes(Buffer.from('treasure is under'))).toBe(false);
    expect(bytes.includes(Buffer.from('old oak'))).toBe(false);
    expect(isSealedNote(bytes)).toBe(true);
    expect(isSealedNote(Buffer.from(BODY))).toBe(false);
  });

  it('cannot be read without the key', () => {
    const randomKey = Buffer.alloc(32, 0x55);
    expect(openError(sealNote(input()), randomKey)).toBe('cannot-decrypt');
  });

  it('rejects the key of another note or epoch', () => {
    const envelope = sealNote(input());
    expect(openError(envelope, noteKey(AUTHOR, { kbKey, noteId: otherNoteId, epoch: 0 }))).toBe('cannot-decrypt');
    expect(openError(envelope, noteKey(AUTHOR, { kbKey, noteId, epoch: 1 }))).toBe('cannot-decrypt');
  });

  it('draws a fresh nonce for every seal, even of the same text', () => {
    const a = sealNote(input());
    const b = sealNote(input());
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('keeps the key and key id across edits', () => {
    const first = sealNote(input({ revision: 1 }));
    const edited = sealNote(input({ revision: 2, body: BODY + '\nMore secrets.\n' }));
    expect(edited.keyId.equals(first.keyId)).toBe(true);
    expect(openNote(edited, key, { kbKey })).toContain('More secrets.');
  });

  it('changes the key id when the key is rotated to a new epoch', () => {
    const rotated = sealNote(input({ epoch: 1, key: noteKey(AUTHOR, { kbKey, noteId, epoch: 1 }) }));
    expect(rotated.keyId.equals(sealNote(input()).keyId)).toBe(false);
  });

  it('seals an empty note', () => {
    expect(openNote(sealNote(input({ body: '' })), key, { kbKey })).toBe('');
  });

  it('refuses a note larger than the limit with a message that says what to do', () => {
    const err = (() => {
      try {
        sealNote(input({ body: 'x'.repeat(32 * 1024 * 1024 + 1) }));
      } catch (e) {
        return e as SealedNoteError;
      }
      return null;
    })();
    expect(err?.code).toBe('too-large');
    expect(err?.message).toContain('Split it');
  });
});

describe('binding the ciphertext to its place', () => {
  it('refuses to open an envelope in another knowledge base', () => {
    expect(openError(sealNote(input()), key, otherKbKey)).toBe('foreign-note');
  });

  it('refuses an envelope copied into another KB even with its key id rewritten to match', () => {
    const moved = { ...sealNote(input()), keyId: keyIdOf({ kbKey: otherKbKey, noteId, epoch: 0 }) };
    expect(openError(moved, key, otherKbKey)).toBe('cannot-decrypt');
  });

  it('refuses a ciphertext moved under another note id', () => {
    const envelope = sealNote(input());
    const moved = { ...envelope, noteId: otherNoteId, keyId: keyIdOf({ kbKey, noteId: otherNoteId, epoch: 0 }) };
    expect(openError(moved, key)).toBe('cannot-decrypt');
  });

  it.each([
    ['an older revision', { revision: 0 }],
    ['another price', { price: 1 }],
    ['another title', { title: 'Free stuff' }],
    ['another preview', { preview: 'Lies' }],
  ])('refuses a ciphertext relabelled with %s', (_what, change) => {
    expect(openError({ ...sealNote(input()), ...change }, key)).toBe('cannot-decrypt');
  });

  it('refuses a tampered ciphertext, nonce or tag', () => {
    const envelope = sealNote(input());
    for (const field of ['ciphertext', 'nonce'] as const) {
      for (const at of [0, envelope[field].length - 1]) {
        const copy = Buffer.from(envelope[field]);
        copy[at] ^= 1;
        expect(openError({ ...envelope, [field]: copy }, key)).toBe('cannot-decrypt');
      }
    }
  });

  it('refuses a truncated ciphertext', () => {
    const envelope = sealNote(input());
    expect(openError({ ...envelope, ciphertext: envelope.ciphertext.subarray(0, 10) }, key)).toBe('cannot-decrypt');
  });
});

describe('decoding envelopes', () => {
  it('returns null for a clear note, an empty buffer, trailing bytes and a newer version', () => {
    const bytes = encodeEnvelope(sealNote(input()));
    expect(decodeEnvelope(Buffer.from(BODY))).toBeNull();
    expect(decodeEnvelope(Buffer.alloc(0))).toBeNull();
    expect(decodeEnvelope(Buffer.concat([bytes, Buffer.from([0])]))).toBeNull();
    const newer = Buffer.from(bytes);
    newer[4] = 2; // the version follows the 4-byte magic
    expect(decodeEnvelope(newer)).toBeNull();
  });

  it('returns null for every truncation of a valid envelope', () => {
    const bytes = encodeEnvelope(sealNote(input()));
    for (let n = 0; n < bytes.length; n++) expect(decodeEnvelope(bytes.subarray(0, n))).toBeNull();
  });

  it('does not alias the bytes it decoded', () => {
    const bytes = encodeEnvelope(sealNote(input()));
    const envelope = decodeEnvelope(bytes)!;
    bytes.fill(0);
    expect(openNote(envelope, key, { kbKey })).toBe(BODY);
  });
});
