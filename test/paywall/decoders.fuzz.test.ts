// Envelopes and grants arrive from untrusted replicas: decoding garbage must never throw, and whatever a
// decoder accepts must be the canonical encoding of what it returned. `SEED=` replays a run.
import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/engine/identity.js';
import {
  buyerKeyPair,
  createGrant,
  decodeGrant,
  decodeReceipt,
  encodeGrant,
  encodeReceipt,
  GrantError,
  openGrant,
} from '../../src/paywall/grant.js';
import { keyIdOf, noteKey } from '../../src/paywall/note-keys.js';
import { classifyNote } from '../../src/paywall/paid-frontmatter.js';
import { decodeEnvelope, encodeEnvelope, openNote, sealNote, SealedNoteError } from '../../src/paywall/sealed-note.js';
import { seededRandom, testSeed } from '../support/temp.js';

const RUNS = 5_000;
const AUTHOR = new Identity([...Array<string>(23).fill('abandon'), 'art'].join(' '));
const BUYER = new Identity([...Array<string>(11).fill('abandon'), 'about'].join(' '));
const kbKey = Buffer.alloc(32, 1);
const noteId = Buffer.alloc(16, 2);
const key = noteKey(AUTHOR, { kbKey, noteId, epoch: 0 });
const keyId = keyIdOf({ kbKey, noteId, epoch: 0 });
const buyer = buyerKeyPair(BUYER, kbKey);
const author = AUTHOR.signingKeyPair();

const envelope = encodeEnvelope(
  sealNote({ kbKey, noteId, epoch: 3, key: noteKey(AUTHOR, { kbKey, noteId, epoch: 3 }), title: 'Tïtle', price: 70_000, preview: 'teaser', body: 'secret body', revision: 300 }),
);
const grant = encodeGrant(createGrant({ author, kbKey, noteId, keyId, key, buyerPublicKey: buyer.publicKey, amount: 70_000, paymentHash: Buffer.alloc(32, 9), issuedAt: 1_760_000_000_000 }));
const receipt = encodeReceipt(openGrant(decodeGrant(grant)!, buyer, { authorPublicKey: author.publicKey, kbKey, noteId, keyId }).receipt);

/** A hostile variant of `valid`: noise, truncation, extension, bit flips, or a byte spliced in or out. */
function mutate(random: () => number, valid: Buffer): Buffer {
  const byte = () => Math.floor(random() * 256);
  const at = (length: number) => Math.floor(random() * length);
  const pick = random();
  if (pick < 0.15) return Buffer.from(Array.from({ length: at(valid.length * 2) }, byte));
  if (pick < 0.3) return valid.subarray(0, at(valid.length));
  if (pick < 0.4) return Buffer.concat([valid, Buffer.from(Array.from({ length: 1 + at(8) }, byte))]);
  const copy = Buffer.from(valid);
  if (pick < 0.8) {
    for (let flips = 1 + at(3); flips > 0; flips--) copy[at(copy.length)] ^= 1 << at(8);
    return copy;
  }
  const i = at(copy.length);
  return pick < 0.9
    ? Buffer.concat([copy.subarray(0, i), Buffer.from([byte()]), copy.subarray(i)])
    : Buffer.concat([copy.subarray(0, i), copy.subarray(i + 1)]);
}

/** 'opened', 'refused' (the expected typed error), or any other error thrown. */
function attempt(open: () => unknown, refusal: new (...args: never[]) => Error): 'opened' | 'refused' | Error {
  try {
    open();
    return 'opened';
  } catch (err) {
    return err instanceof refusal ? 'refused' : (err as Error);
  }
}

describe('decoders on garbage', () => {
  it('never throw, and accept only canonical encodings', () => {
    const seed = testSeed('paywall decoders fuzz');
    const random = seededRandom(seed);
    const cases = [
      { name: 'envelope', valid: envelope, decode: decodeEnvelope, encode: encodeEnvelope },
      { name: 'grant', valid: grant, decode: decodeGrant, encode: encodeGrant },
      { name: 'receipt', valid: receipt, decode: decodeReceipt, encode: encodeReceipt },
    ] as const;
    for (const { name, valid, decode, encode } of cases) {
      let accepted = 0;
      for (let run = 0; run < RUNS; run++) {
        const bytes = mutate(random, valid);
        let decoded: unknown;
        try {
          decoded = decode(bytes);
        } catch (err) {
          expect.fail(`${name} decoder threw on run ${run} (SEED=${seed}) for ${bytes.toString('hex')}: ${String(err)}`);
        }
        if (decoded === null) continue;
        accepted++;
        if (!(encode as (v: unknown) => Buffer)(decoded).equals(bytes)) {
          expect.fail(`${name} decoder accepted a non-canonical encoding on run ${run} (SEED=${seed}): ${bytes.toString('hex')}`);
        }
      }
      console.log(`paywall decoders fuzz: ${name}: ${accepted} of ${RUNS} mutants still decode`);
    }
  });

  it('opens an altered envelope or grant never, failing only with its typed error', () => {
    const seed = testSeed('paywall open fuzz');
    const random = seededRandom(seed);
    const noteKeyAtEpoch3 = noteKey(AUTHOR, { kbKey, noteId, epoch: 3 });
    for (let run = 0; run < RUNS; run++) {
      const sealedBytes = mutate(random, envelope);
      const sealed = decodeEnvelope(sealedBytes);
      if (sealed !== null) {
        const outcome = attempt(() => openNote(sealed, noteKeyAtEpoch3, { kbKey }), SealedNoteError);
        if (outcome === 'opened' && !sealedBytes.equals(envelope)) expect.fail(`an altered envelope opened on run ${run} (SEED=${seed})`);
        if (outcome instanceof Error) expect.fail(`openNote threw ${String(outcome)} on run ${run} (SEED=${seed})`);
      }
      const grantBytes = mutate(random, grant);
      const granted = decodeGrant(grantBytes);
      if (granted !== null) {
        const outcome = attempt(() => openGrant(granted, buyer, { authorPublicKey: author.publicKey, kbKey, noteId, keyId }), GrantError);
        if (outcome === 'opened' && !grantBytes.equals(grant)) expect.fail(`an altered grant opened on run ${run} (SEED=${seed})`);
        if (outcome instanceof Error) expect.fail(`openGrant threw ${String(outcome)} on run ${run} (SEED=${seed})`);
      }
    }
  });

  it('classifies any mix of frontmatter-like lines without throwing', () => {
    const seed = testSeed('paywall frontmatter fuzz');
    const random = seededRandom(seed);
    const parts = ['---', '...', 'price: 2100', 'price: 21.5', 'Price: 1', '  price: 3', 'preview: "a', "preview: 'b'", 'preview: c',
      'preview:', '%% more %%', '```', '~~~~', '# Title', 'text', '', '\r', 'tags:', '  - x', '\uFEFF', 'price:', '"price": 1'];
    for (let run = 0; run < RUNS; run++) {
      const lines = Array.from({ length: Math.floor(random() * 12) }, () => parts[Math.floor(random() * parts.length)]);
      const text = lines.join(random() < 0.5 ? '\n' : '\r\n');
      try {
        classifyNote(text, 'n.md');
      } catch (err) {
        expect.fail(`classifyNote threw ${String(err)} on run ${run} (SEED=${seed}) for ${JSON.stringify(text)}`);
      }
    }
  });
});
