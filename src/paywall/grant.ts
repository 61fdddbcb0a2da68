// A grant gives one buyer one note key, after payment.
//
// Grants are filed in the KB's grants namespace, readable by every subscriber, so a grant is a single
// sealed box (`crypto_box_seal` to the buyer's per-KB key): others learn neither the key nor who bought
// what. Inside, next to the key, is a receipt signed by the author that binds the KB, note, key id,
// buyer, amount, payment hash and time, plus a check value of the key itself, so the buyer can prove the
// purchase and knows the key is the one the author sold (anyone can seal a box to a public key; only the
// author can sign).
import sodium from 'sodium-universal';
import type { Encoding } from 'compact-encoding';
import type { Identity, KeyPair } from '../engine/identity';
import { MAX_PRICE_SATS } from './paid-frontmatter';
import { KB_KEY_BYTES, KEY_ID_BYTES, NOTE_ID_BYTES, NOTE_KEY_BYTES } from './note-keys';
import { boundedBytes, canonicalUint, check, decodeStrict, encodeStrict, fixedBytes } from '../engine/strict-encoding';

/** The grant and receipt formats this build writes and reads. */
export const GRANT_VERSION = 1;
/** The `Identity.kbKeyPair` purpose of a buyer's key in one knowledge base. */
export const BUYER_KEY_PURPOSE = 'paid-notes-buyer';
/** Length of a buyer tag. */
export const BUYER_TAG_BYTES = 16;

const KEY_CHECK_BYTES = 16;
const SIGNATURE_BYTES = 64;
const RECEIPT_DOMAIN = Buffer.from('tzimtzum/v1/paid-note-receipt\0');
const KEY_CHECK_DOMAIN = Buffer.from('tzimtzum/v1/paid-note-key-check\0');
const BUYER_TAG_DOMAIN = Buffer.from('tzimtzum/v1/paid-note-buyer-tag\0');
const MAX_BOX_BYTES = 1024;

/** The author's signed statement that `buyer` paid `amount` sats for one note key. */
export interface Receipt {
  version: typeof GRANT_VERSION;
  kbKey: Buffer;
  noteId: Buffer;
  keyId: Buffer;
  /** The buyer's per-KB Ed25519 public key. */
  buyer: Buffer;
  amount: number;
  paymentHash: Buffer;
  /** Milliseconds since the Unix epoch. */
  issuedAt: number;
  /** A keyed hash of the note key, so the key delivered beside the receipt can be checked. */
  keyCheck: Buffer;
  signature: Buffer;
}

/** A grant as filed in the knowledge base: only its buyer can open it. */
export interface Grant {
  version: typeof GRANT_VERSION;
  box: Buffer;
}

/** What the author knows when granting a note key to a buyer who paid. */
export interface CreateGrantInput {
  /** The author's signing key pair (`Identity.signingKeyPair()`). */
  author: KeyPair;
  kbKey: Uint8Array;
  noteId: Uint8Array;
  keyId: Uint8Array;
  key: Uint8Array;
  buyerPublicKey: Uint8Array;
  amount: number;
  paymentHash: Uint8Array;
  issuedAt: number;
}

/** What a buyer expects a grant to be for. */
export interface GrantExpectation {
  authorPublicKey: Uint8Array;
  kbKey: Uint8Array;
  noteId: Uint8Array;
  keyId: Uint8Array;
}

/** Why a grant was refused; `code` lets callers react without parsing the message. */
export type GrantErrorCode =
  | 'invalid-buyer-key'
  | 'not-for-this-buyer'
  | 'malformed-grant'
  | 'forged-receipt'
  | 'other-knowledge-base'
  | 'other-note'
  | 'other-key'
  | 'other-buyer'
  | 'key-mismatch';

/** A grant that cannot be created or must not be trusted, with what to do about it. */
export class GrantError extends Error {
  override readonly name = 'GrantError';
  constructor(readonly code: GrantErrorCode, message: string) {
    super(message);
  }
}

type ReceiptBody = Omit<Receipt, 'signature'>;

const kbKeyEncoding = fixedBytes(KB_KEY_BYTES);
const noteIdEncoding = fixedBytes(NOTE_ID_BYTES);
const keyIdEncoding = fixedBytes(KEY_ID_BYTES);
const publicKeyEncoding = fixedBytes(32);
const paymentHashEncoding = fixedBytes(32);
const keyCheckEncoding = fixedBytes(KEY_CHECK_BYTES);
const signatureEncoding = fixedBytes(SIGNATURE_BYTES);
const noteKeyEncoding = fixedBytes(NOTE_KEY_BYTES);
const boxEncoding = boundedBytes(MAX_BOX_BYTES, sodium.crypto_box_SEALBYTES);

const receiptBodyEncoding: Encoding<ReceiptBody> = {
  preencode(state, r) {
    canonicalUint.preencode(state, r.version);
    kbKeyEncoding.preencode(state, r.kbKey);
    noteIdEncoding.preencode(state, r.noteId);
    keyIdEncoding.preencode(state, r.keyId);
    publicKeyEncoding.preencode(state, r.buyer);
    canonicalUint.preencode(state, r.amount);
    paymentHashEncoding.preencode(state, r.paymentHash);
    canonicalUint.preencode(state, r.issuedAt);
    keyCheckEncoding.preencode(state, r.keyCheck);
  },
  encode(state, r) {
    canonicalUint.encode(state, r.version);
    kbKeyEncoding.encode(state, r.kbKey);
    noteIdEncoding.encode(state, r.noteId);
    keyIdEncoding.encode(state, r.keyId);
    publicKeyEncoding.encode(state, r.buyer);
    canonicalUint.encode(state, r.amount);
    paymentHashEncoding.encode(state, r.paymentHash);
    canonicalUint.encode(state, r.issuedAt);
    keyCheckEncoding.encode(state, r.keyCheck);
  },
  decode(state) {
    check(canonicalUint.decode(state) === GRANT_VERSION, 'unknown receipt version');
    const body: ReceiptBody = {
      version: GRANT_VERSION,
      kbKey: kbKeyEncoding.decode(state),
      noteId: noteIdEncoding.decode(state),
      keyId: keyIdEncoding.decode(state),
      buyer: publicKeyEncoding.decode(state),
      amount: canonicalUint.decode(state),
      paymentHash: paymentHashEncoding.decode(state),
      issuedAt: canonicalUint.decode(state),
      keyCheck: keyCheckEncoding.decode(state),
    };
    check(body.amount <= MAX_PRICE_SATS, 'amount out of range');
    return body;
  },
};

const receiptEncoding: Encoding<Receipt> = {
  preencode(state, r) {
    receiptBodyEncoding.preencode(state, r);
    signatureEncoding.preencode(state, r.signature);
  },
  encode(state, r) {
    receiptBodyEncoding.encode(state, r);
    signatureEncoding.encode(state, r.signature);
  },
  decode: (state) => ({ ...receiptBodyEncoding.decode(state), signature: signatureEncoding.decode(state) }),
};

// What the sealed box holds.
const contentsEncoding: Encoding<{ receipt: Receipt; key: Buffer }> = {
  preencode(state, v) {
    receiptEncoding.preencode(state, v.receipt);
    noteKeyEncoding.preencode(state, v.key);
  },
  encode(state, v) {
    receiptEncoding.encode(state, v.receipt);
    noteKeyEncoding.encode(state, v.key);
  },
  decode: (state) => ({ receipt: receiptEncoding.decode(state), key: noteKeyEncoding.decode(state) }),
};

const grantEncoding: Encoding<Grant> = {
  preencode(state, g) {
    canonicalUint.preencode(state, g.version);
    boxEncoding.preencode(state, g.box);
  },
  encode(state, g) {
    canonicalUint.encode(state, g.version);
    boxEncoding.encode(state, g.box);
  },
  decode(state) {
    check(canonicalUint.decode(state) === GRANT_VERSION, 'unknown grant version');
    return { version: GRANT_VERSION, box: boxEncoding.decode(state) };
  },
};

/** The buyer's Ed25519 key pair for one knowledge base: unlinkable across knowledge bases. */
export function buyerKeyPair(identity: Identity, kbKey: Uint8Array): KeyPair {
  return identity.kbKeyPair(kbKey, BUYER_KEY_PURPOSE);
}

/** Signs a receipt and seals it, with the note key, to the buyer. */
export function createGrant(input: CreateGrantInput): Grant {
  const { author, key, amount, issuedAt } = input;
  if (key.byteLength !== NOTE_KEY_BYTES) throw new RangeError(`A note key is ${NOTE_KEY_BYTES} bytes, got ${key.byteLength}.`);
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_PRICE_SATS) throw new RangeError(`An amount is 0 to ${MAX_PRICE_SATS} sats, got ${String(amount)}.`);
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0) throw new RangeError(`issuedAt is milliseconds since 1970, got ${String(issuedAt)}.`);
  const body: ReceiptBody = {
    version: GRANT_VERSION,
    kbKey: Buffer.from(input.kbKey),
    noteId: Buffer.from(input.noteId),
    keyId: Buffer.from(input.keyId),
    buyer: Buffer.from(input.buyerPublicKey),
    amount,
    paymentHash: Buffer.from(input.paymentHash),
    issuedAt,
    keyCheck: keyCheckOf(key),
  };
  const signature = Buffer.alloc(SIGNATURE_BYTES);
  sodium.crypto_sign_detached(signature, signedBytes(body), author.secretKey);
  const curvePublicKey = toCurvePublicKey(body.buyer);
  if (curvePublicKey === null) {
    throw new GrantError('invalid-buyer-key', 'The buyer\'s key is not a valid Ed25519 public key; ask the buyer to request the note again.');
  }
  const contents = encodeStrict(contentsEncoding, { receipt: { ...body, signature }, key: Buffer.from(key) });
  const box = Buffer.alloc(contents.byteLength + sodium.crypto_box_SEALBYTES);
  sodium.crypto_box_seal(box, contents, curvePublicKey);
  sodium.sodium_memzero(contents);
  return { version: GRANT_VERSION, box };
}

/** Whether `receipt` was signed by the author whose signing public key is `authorPublicKey`. */
export function verifyReceipt(receipt: Receipt, authorPublicKey: Uint8Array): boolean {
  if (authorPublicKey.byteLength !== sodium.crypto_sign_PUBLICKEYBYTES || receipt.signature.byteLength !== SIGNATURE_BYTES) return false;
  let message: Buffer;
  try {
    message = signedBytes(receipt);
  } catch {
    return false; // a field of the wrong size cannot have been signed
  }
  return sodium.crypto_sign_verify_detached(receipt.signature, message, authorPublicKey);
}

/**
 * Opens a grant with the buyer's per-KB key pair and checks it is the author's grant of this very note
 * key to this buyer; returns the key and the receipt, or throws a `GrantError` saying why not.
 */
export function openGrant(grant: Grant, buyer: KeyPair, expected: GrantExpectation): { key: Buffer; receipt: Receipt } {
  const contents = openBox(grant.box, buyer);
  if (contents === null) {
    throw new GrantError('not-for-this-buyer', 'This grant was not made for your key (or was damaged). Ask the author to grant the note again.');
  }
  const decoded = decodeStrict(contentsEncoding, contents);
  sodium.sodium_memzero(contents);
  if (decoded === null) throw new GrantError('malformed-grant', 'This grant is damaged or from a newer version of Tzimtzum. Update Tzimtzum, or ask the author to grant the note again.');
  const { receipt, key } = decoded;
  if (!verifyReceipt(receipt, expected.authorPublicKey)) {
    throw new GrantError('forged-receipt', 'This grant is not signed by the author of this knowledge base. Ignore it; if you paid, ask the author for a grant.');
  }
  const mismatch: [GrantErrorCode, Uint8Array, Uint8Array, string][] = [
    ['other-knowledge-base', receipt.kbKey, expected.kbKey, 'This grant is for a note of another knowledge base.'],
    ['other-note', receipt.noteId, expected.noteId, 'This grant is for another note of this knowledge base.'],
    ['other-key', receipt.keyId, expected.keyId, 'This grant is for an older or newer key of this note. Ask the author to grant you the current one.'],
    ['other-buyer', receipt.buyer, buyer.publicKey, 'This grant was made for another buyer. If you paid for this note, ask the author for your own grant.'],
  ];
  for (const [code, actual, wanted, message] of mismatch) {
    if (!Buffer.from(wanted).equals(actual)) throw new GrantError(code, message);
  }
  if (!keyCheckOf(key).equals(receipt.keyCheck)) {
    throw new GrantError('key-mismatch', 'The key in this grant is not the one the author signed for. Ask the author to grant the note again.');
  }
  return { key, receipt };
}

/** A short keyed hash of a buyer's key, to file their grants under without revealing the key. */
export function buyerTag(kbKey: Uint8Array, buyerPublicKey: Uint8Array): Buffer {
  if (kbKey.byteLength !== KB_KEY_BYTES) throw new RangeError(`A knowledge base key is ${KB_KEY_BYTES} bytes, got ${kbKey.byteLength}.`);
  const out = Buffer.alloc(BUYER_TAG_BYTES);
  sodium.crypto_generichash_batch(out, [BUYER_TAG_DOMAIN, Buffer.from(buyerPublicKey)], Buffer.from(kbKey));
  return out;
}

/** The bytes of a grant, as filed in the knowledge base. */
export function encodeGrant(grant: Grant): Buffer {
  return encodeStrict(grantEncoding, grant);
}

/** Reads a grant from untrusted bytes: the grant, or null for anything else. Never throws. */
export function decodeGrant(bytes: Uint8Array): Grant | null {
  return decodeStrict(grantEncoding, bytes);
}

/** The bytes of a receipt, for a buyer to keep or show as proof of purchase. */
export function encodeReceipt(receipt: Receipt): Buffer {
  return encodeStrict(receiptEncoding, receipt);
}

/** Reads a receipt from untrusted bytes (check it with `verifyReceipt`), or null. Never throws. */
export function decodeReceipt(bytes: Uint8Array): Receipt | null {
  return decodeStrict(receiptEncoding, bytes);
}

function signedBytes(body: ReceiptBody): Buffer {
  return Buffer.concat([RECEIPT_DOMAIN, encodeStrict(receiptBodyEncoding, body)]);
}

function keyCheckOf(key: Uint8Array): Buffer {
  const out = Buffer.alloc(KEY_CHECK_BYTES);
  sodium.crypto_generichash(out, KEY_CHECK_DOMAIN, Buffer.from(key));
  return out;
}

function toCurvePublicKey(edPublicKey: Uint8Array): Buffer | null {
  if (edPublicKey.byteLength !== sodium.crypto_sign_PUBLICKEYBYTES) return null;
  const out = Buffer.alloc(32);
  try {
    sodium.crypto_sign_ed25519_pk_to_curve25519(out, edPublicKey);
    return out;
  } catch {
    return null; // not a point on the curve
  }
}

function openBox(box: Uint8Array, buyer: KeyPair): Buffer | null {
  if (box.byteLength < sodium.crypto_box_SEALBYTES) return null;
  const curvePublicKey = toCurvePublicKey(buyer.publicKey);
  if (curvePublicKey === null || buyer.secretKey.byteLength !== sodium.crypto_sign_SECRETKEYBYTES) return null;
  const curveSecretKey = Buffer.alloc(32);
  const message = Buffer.alloc(box.byteLength - sodium.crypto_box_SEALBYTES);
  try {
    sodium.crypto_sign_ed25519_sk_to_curve25519(curveSecretKey, buyer.secretKey);
    return sodium.crypto_box_seal_open(message, box, curvePublicKey, curveSecretKey) ? message : null;
  } catch {
    return null;
  } finally {
    sodium.sodium_memzero(curveSecretKey);
  }
}
