import z32 from 'z32';
import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/engine/identity.js';
import { LOCKED_MARKER, lockedStub, parseUnlockBlock, unlockedNote, UNLOCK_BLOCK } from '../../src/paywall/locked-stub.js';
import { noteKey } from '../../src/paywall/note-keys.js';
import { classifyNote } from '../../src/paywall/paid-frontmatter.js';
import { sealNote, SealedNoteError, type SealedNote } from '../../src/paywall/sealed-note.js';

const AUTHOR = new Identity([...Array<string>(23).fill('abandon'), 'art'].join(' '));
const kbKey = Buffer.alloc(32, 1);
const noteId = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const key = noteKey(AUTHOR, { kbKey, noteId, epoch: 0 });
const TEXT = '---\nprice: 2100\n---\n# Oak\n\nFree intro.\n\n%% more %%\nThe treasure is under the old oak.\n';

function sealed(text = TEXT): SealedNote {
  const verdict = classifyNote(text, 'Oak.md');
  if (verdict.status !== 'paid') throw new Error('fixture must be a paid note');
  const { title, price, preview } = verdict.note;
  return sealNote({ kbKey, noteId, epoch: 0, key, title, price, preview, body: verdict.note.text, revision: 1 });
}

describe('locked stub', () => {
  it('shows the preview, the price and an unlock block naming the KB and note', () => {
    const stub = lockedStub(sealed(), kbKey).toString();
    expect(stub).toBe(
      [
        '---',
        `${LOCKED_MARKER}: true`,
        '---',
        '# Oak',
        '',
        'Free intro.',
        '',
        '*This note is paid: 2,100 sats. Unlock it to read the rest.*',
        '',
        '```' + UNLOCK_BLOCK,
        `kb: ${z32.encode(kbKey)}`,
        'note: 00112233445566778899aabbccddeeff',
        'price: 2100',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('shows only the title and price of a note without a preview', () => {
    const stub = lockedStub(sealed('---\nprice: 5\n---\n# Oak\nAll paid.\n'), kbKey).toString();
    expect(stub).toContain('# Oak\n\n*This note is paid: 5 sats.');
    expect(stub).not.toContain('All paid');
  });

  it('never contains the paid text or the ciphertext', () => {
    const envelope = sealed();
    const stub = lockedStub(envelope, kbKey);
    expect(stub.toString()).not.toContain('treasure');
    for (const encoding of ['hex', 'base64'] as const) {
      expect(stub.toString()).not.toContain(envelope.ciphertext.subarray(0, 12).toString(encoding));
    }
    expect(stub.includes(envelope.ciphertext.subarray(0, 12))).toBe(false);
  });

  it('turns an unlock block inside the preview into plain code, so only the real one is a button', () => {
    const envelope = { ...sealed(), preview: 'Look:\n```tzimtzum-unlock\nkb: x\nnote: y\nprice: 1\n```' };
    const stub = lockedStub(envelope, kbKey).toString();
    expect(stub.match(/^```tzimtzum-unlock$/gm)).toHaveLength(1);
    expect(stub).toContain('```text tzimtzum-unlock');
  });

  it('keeps the title on one line', () => {
    expect(lockedStub({ ...sealed(), preview: '', title: 'A\nB' }, kbKey).toString()).toContain('# A B\n');
  });
});

describe('unlock block', () => {
  it('reads back what the stub wrote', () => {
    const stub = lockedStub(sealed(), kbKey).toString();
    const source = /```tzimtzum-unlock\n([\s\S]*?)```/.exec(stub)![1];
    const request = parseUnlockBlock(source);
    expect(request?.kbKey.equals(kbKey)).toBe(true);
    expect(request?.noteId.equals(noteId)).toBe(true);
    expect(request?.price).toBe(2100);
  });

  it.each([
    ['a missing field', `kb: ${z32.encode(kbKey)}\nnote: ${noteId.toString('hex')}`],
    ['a duplicate field', `kb: ${z32.encode(kbKey)}\nnote: ${noteId.toString('hex')}\nprice: 1\nprice: 2`],
    ['an unknown field', `kb: ${z32.encode(kbKey)}\nnote: ${noteId.toString('hex')}\nprice: 1\npay: me`],
    ['a short KB key', `kb: ${z32.encode(kbKey.subarray(0, 31))}\nnote: ${noteId.toString('hex')}\nprice: 1`],
    ['a bad note id', `kb: ${z32.encode(kbKey)}\nnote: xyz\nprice: 1`],
    ['a bad price', `kb: ${z32.encode(kbKey)}\nnote: ${noteId.toString('hex')}\nprice: 1.5`],
  ])('rejects a block with %s', (_what, source) => {
    expect(parseUnlockBlock(source)).toBeNull();
  });
});

describe('unlocked note', () => {
  it('is the original note, byte for byte', () => {
    expect(unlockedNote(sealed(), key, { kbKey }).toString()).toBe(TEXT);
  });

  it('is refused with the wrong key', () => {
    expect(() => unlockedNote(sealed(), Buffer.alloc(32), { kbKey })).toThrow(SealedNoteError);
  });
});
