import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/engine/identity.js';
import { keyIdOf, newNoteId, noteKey, NOTE_ID_BYTES } from '../../src/paywall/note-keys.js';

const AUTHOR = new Identity([...Array<string>(23).fill('abandon'), 'art'].join(' '));
const OTHER_AUTHOR = new Identity([...Array<string>(11).fill('abandon'), 'about'].join(' '));
const kbKey = Buffer.alloc(32, 1);
const noteId = Buffer.alloc(16, 2);

describe('note keys', () => {
  it('draws a fresh random 16-byte id for each new note', () => {
    const a = newNoteId();
    expect(a).toHaveLength(NOTE_ID_BYTES);
    expect(a.equals(newNoteId())).toBe(false);
  });

  it('derives the same key for the same KB, note and epoch (edits and renames keep the key)', () => {
    expect(noteKey(AUTHOR, { kbKey, noteId, epoch: 0 }).equals(noteKey(AUTHOR, { kbKey, noteId, epoch: 0 }))).toBe(true);
  });

  it('derives a different key for another note, KB, epoch or author', () => {
    const key = noteKey(AUTHOR, { kbKey, noteId, epoch: 0 });
    const others = [
      noteKey(AUTHOR, { kbKey, noteId: Buffer.alloc(16, 3), epoch: 0 }),
      noteKey(AUTHOR, { kbKey: Buffer.alloc(32, 9), noteId, epoch: 0 }),
      noteKey(AUTHOR, { kbKey, noteId, epoch: 1 }),
      noteKey(OTHER_AUTHOR, { kbKey, noteId, epoch: 0 }),
    ];
    for (const other of others) expect(other.equals(key)).toBe(false);
  });

  it('pins the derivation: changing it would lock every buyer out of every note', () => {
    expect(noteKey(AUTHOR, { kbKey, noteId, epoch: 0 }).toString('hex')).toBe('2dc9e5065ab13ab16bce153fbccacb76cf799777cadbe955038cc4dfb1bb5ab9');
    expect(keyIdOf({ kbKey, noteId, epoch: 0 }).toString('hex')).toBe('9ec400b6d8f989b2b3b0c92e5c4b36ae');
  });

  it('gives a public key id that does not depend on the author, so anyone can check it', () => {
    const id = keyIdOf({ kbKey, noteId, epoch: 0 });
    expect(id).toHaveLength(16);
    expect(id.equals(keyIdOf({ kbKey, noteId, epoch: 1 }))).toBe(false);
    expect(id.equals(noteKey(AUTHOR, { kbKey, noteId, epoch: 0 }).subarray(0, 16))).toBe(false);
  });

  it('refuses ids and epochs of the wrong shape', () => {
    expect(() => noteKey(AUTHOR, { kbKey: Buffer.alloc(31), noteId, epoch: 0 })).toThrow(RangeError);
    expect(() => noteKey(AUTHOR, { kbKey, noteId: Buffer.alloc(32), epoch: 0 })).toThrow(RangeError);
    expect(() => keyIdOf({ kbKey, noteId, epoch: -1 })).toThrow(RangeError);
    expect(() => keyIdOf({ kbKey, noteId, epoch: 1.5 })).toThrow(RangeError);
  });
});
