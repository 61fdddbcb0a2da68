import sodium from 'sodium-universal';
import { describe, expect, it } from 'vitest';
import { Identity, type KeyPair } from '../../src/engine/identity.js';
import {
  buyerKeyPair,
  buyerTag,
  createGrant,
  decodeGrant,
  decodeReceipt,
  encodeGrant,
  encodeReceipt,
  GrantError,
  openGrant,
  verifyReceipt,
  type CreateGrantInput,
  type Grant,
  type GrantErrorCode,
  type GrantExpectation,
} from '../../src/paywall/grant.js';
import { keyIdOf, noteKey } from '../../src/paywall/note-keys.js';

const AUTHOR = new Identity([...Array<string>(23).fill('abandon'), 'art'].join(' '));
const BUYER = new Identity([...Array<string>(11).fill('abandon'), 'about'].join(' '));
const OTHER_BUYER = new Identity([...Array<string>(11).fill('zoo'), 'wrong'].join(' '));
const author = AUTHOR.signingKeyPair();
const kbKey = Buffer.alloc(32, 1);
const otherKbKey = Buffer.alloc(32, 7);
const noteId = Buffer.alloc(16, 2);
const otherNoteId = Buffer.alloc(16, 3);
const keyId = keyIdOf({ kbKey, noteId, epoch: 0 });
const key = noteKey(AUTHOR, { kbKey, noteId, epoch: 0 });
const buyer = buyerKeyPair(BUYER, kbKey);
const paymentHash = Buffer.alloc(32, 0xab);

function grantInput(overrides: Partial<CreateGrantInput> = {}): CreateGrantInput {
  return { author, kbKey, noteId, keyId, key, buyerPublicKey: buyer.publicKey, amount: 2100, paymentHash, issuedAt: 1_760_000_000_000, ...overrides };
}

const expectation: GrantExpectation = { authorPublicKey: author.publicKey, kbKey, noteId, keyId };

function refusal(grant: Grant, as: KeyPair = buyer, expected: GrantExpectation = expectation): GrantErrorCode {
  try {
    openGrant(grant, as, expected);
  } catch (err) {
    if (err instanceof GrantError) return err.code;
    throw err;
  }
  throw new Error('expected the grant to be refused');
}

// What a dishonest party who can read a grant's contents (its buyer) could re-seal to someone else.
function reseal(contents: Buffer, to: Uint8Array): Grant {
  const curve = Buffer.alloc(32);
  sodium.crypto_sign_ed25519_pk_to_curve25519(curve, to);
  const box = Buffer.alloc(contents.length + sodium.crypto_box_SEALBYTES);
  sodium.crypto_box_seal(box, contents, curve);
  return { version: 1, box };
}

function openContents(grant: Grant, as: KeyPair): Buffer {
  const pk = Buffer.alloc(32);
  const sk = Buffer.alloc(32);
  sodium.crypto_sign_ed25519_pk_to_curve25519(pk, as.publicKey);
  sodium.crypto_sign_ed25519_sk_to_curve25519(sk, as.secretKey);
  const contents = Buffer.alloc(grant.box.length - sodium.crypto_box_SEALBYTES);
  if (!sodium.crypto_box_seal_open(contents, grant.box, pk, sk)) throw new Error('cannot open');
  return contents;
}

describe('granting a note key', () => {
  it('delivers the key and a receipt to the buyer, through the encoded grant', () => {
    const grant = decodeGrant(encodeGrant(createGrant(grantInput())))!;
    const { key: opened, receipt } = openGrant(grant, buyer, expectation);
    expect(opened.equals(key)).toBe(true);
    expect(receipt).toMatchObject({ amount: 2100, issuedAt: 1_760_000_000_000 });
    expect(receipt.buyer.equals(buyer.publicKey)).toBe(true);
    expect(receipt.paymentHash.equals(paymentHash)).toBe(true);
    expect(verifyReceipt(receipt, author.publicKey)).toBe(true);
  });

  it('reveals neither the key nor the buyer to anyone reading the grant', () => {
    const bytes = encodeGrant(createGrant(grantInput()));
    expect(bytes.includes(key)).toBe(false);
    expect(bytes.includes(buyer.publicKey)).toBe(false);
    expect(bytes.includes(paymentHash)).toBe(false);
  });

  it('gives each buyer a different key pair in each knowledge base', () => {
    expect(buyerKeyPair(BUYER, otherKbKey).publicKey.equals(buyer.publicKey)).toBe(false);
    expect(buyerKeyPair(OTHER_BUYER, kbKey).publicKey.equals(buyer.publicKey)).toBe(false);
  });

  it('refuses to grant to a key that is not a valid Ed25519 public key', () => {
    expect(() => createGrant(grantInput({ buyerPublicKey: Buffer.alloc(32) }))).toThrow(GrantError);
  });
});

describe('receipts', () => {
  const receipt = openGrant(createGrant(grantInput()), buyer, expectation).receipt;

  it('round-trip through their encoding and still verify', () => {
    const decoded = decodeReceipt(encodeReceipt(receipt))!;
    expect(verifyReceipt(decoded, author.publicKey)).toBe(true);
  });

  it('do not verify under another key', () => {
    expect(verifyReceipt(receipt, BUYER.signingKeyPair().publicKey)).toBe(false);
    expect(verifyReceipt(receipt, Buffer.alloc(5))).toBe(false);
  });

  it.each([
    ['amount', { amount: 1 }],
    ['issue time', { issuedAt: 0 }],
    ['buyer', { buyer: buyerKeyPair(OTHER_BUYER, kbKey).publicKey }],
    ['note', { noteId: otherNoteId }],
    ['knowledge base', { kbKey: otherKbKey }],
    ['payment hash', { paymentHash: Buffer.alloc(32) }],
  ])('do not verify once the %s is changed', (_what, change) => {
    expect(verifyReceipt({ ...receipt, ...change }, author.publicKey)).toBe(false);
  });

  it('do not verify with a field of the wrong size', () => {
    expect(verifyReceipt({ ...receipt, noteId: Buffer.alloc(3) }, author.publicKey)).toBe(false);
  });
});

describe('refusing grants that must not be trusted', () => {
  it('refuses a grant signed by someone other than the author', () => {
    const forged = createGrant(grantInput({ author: BUYER.signingKeyPair() }));
    expect(refusal(forged)).toBe('forged-receipt');
  });

  it('refuses a grant sealed to another buyer', () => {
    const forOther = createGrant(grantInput({ buyerPublicKey: buyerKeyPair(OTHER_BUYER, kbKey).publicKey }));
    expect(refusal(forOther)).toBe('not-for-this-buyer');
  });

  it("refuses another buyer's grant re-sealed to this buyer", () => {
    const other = buyerKeyPair(OTHER_BUYER, kbKey);
    const theirs = createGrant(grantInput({ buyerPublicKey: other.publicKey }));
    expect(refusal(reseal(openContents(theirs, other), buyer.publicKey))).toBe('other-buyer');
  });

  it('refuses a grant for another note of the same knowledge base', () => {
    expect(refusal(createGrant(grantInput()), buyer, { ...expectation, noteId: otherNoteId })).toBe('other-note');
  });

  it('refuses a grant replayed into another knowledge base', () => {
    expect(refusal(createGrant(grantInput()), buyer, { ...expectation, kbKey: otherKbKey })).toBe('other-knowledge-base');
  });

  it('refuses a grant of an older key after rotation', () => {
    const current = keyIdOf({ kbKey, noteId, epoch: 1 });
    expect(refusal(createGrant(grantInput()), buyer, { ...expectation, keyId: current })).toBe('other-key');
  });

  it('refuses a genuine receipt re-sealed with another key', () => {
    const contents = openContents(createGrant(grantInput()), buyer);
    contents.fill(0x42, contents.length - 32); // the key is the last field
    expect(refusal(reseal(contents, buyer.publicKey))).toBe('key-mismatch');
  });

  it('refuses a grant whose box was tampered with, wherever the change', () => {
    const grant = createGrant(grantInput());
    for (const at of [0, 31, 32, grant.box.length - 1]) {
      const box = Buffer.from(grant.box);
      box[at] ^= 0x01;
      expect(refusal({ ...grant, box })).toBe('not-for-this-buyer');
    }
  });

  it('refuses a box whose contents do not decode', () => {
    expect(refusal(reseal(Buffer.from('not a grant'), buyer.publicKey))).toBe('malformed-grant');
  });
});

describe('buyer tags', () => {
  it('are short, stable, and differ between buyers and knowledge bases', () => {
    const tag = buyerTag(kbKey, buyer.publicKey);
    expect(tag).toHaveLength(16);
    expect(buyerTag(kbKey, buyer.publicKey).equals(tag)).toBe(true);
    expect(buyerTag(otherKbKey, buyer.publicKey).equals(tag)).toBe(false);
    expect(buyerTag(kbKey, buyerKeyPair(OTHER_BUYER, kbKey).publicKey).equals(tag)).toBe(false);
  });

  it('do not contain the buyer key', () => {
    expect(buyer.publicKey.includes(buyerTag(kbKey, buyer.publicKey).subarray(0, 8))).toBe(false);
  });
});
