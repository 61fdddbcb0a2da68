// The unlock protocol's messages, versioned and strictly decoded: they come from untrusted peers.
//
// request  buyer → author   "I want note N"        signed by the buyer's per-KB key
// offer    author → buyer   invoice for that       signed by the author: binds invoice, payment hash,
//                                                   amount, buyer key, note and expiry
// grant    author → buyer   the sealed note key    (the grant itself carries the author-signed receipt)
// claim    buyer → author   "send my grant again"  with a receipt, or the offer plus the payment preimage
// error    either way       typed refusal
import c, { type Encoding, type State } from 'compact-encoding';
import sodium from 'sodium-universal';
import { boundedBytes, boundedText, canonicalUint, check, decodeStrict, encodeStrict, fixedBytes } from '../engine/strict-encoding';
import { NOTE_ID_BYTES } from './note-keys';

/** The protocol name on the Protomux connection; the channel id is the knowledge base's discovery key. */
export const UNLOCK_PROTOCOL = 'tzimtzum/unlock';
export const UNLOCK_VERSION = 1;

const REQUEST_ID_BYTES = 16;
const MAX_INVOICE_CHARS = 2048;
const MAX_GRANT_BYTES = 4096;
const MAX_MESSAGE_CHARS = 512;
const SIGNATURE_BYTES = 64;

/** A buyer asks for a note. */
export interface PurchaseRequest {
  type: 'request';
  requestId: Buffer;
  noteId: Buffer;
  buyer: Buffer;
  sentAt: number;
  signature: Buffer;
}

/** The author's priced offer for exactly this buyer and note. */
export interface Offer {
  type: 'offer';
  requestId: Buffer;
  noteId: Buffer;
  buyer: Buffer;
  invoice: string;
  paymentHash: Buffer;
  amountSats: number;
  expiresAt: number;
  signature: Buffer;
}

/** The sealed note key, for the buyer only. */
export interface GrantMessage {
  type: 'grant';
  requestId: Buffer;
  noteId: Buffer;
  grant: Buffer;
}

/** A buyer re-requests a grant: proof is a receipt (bytes) or the signed offer plus its preimage. */
export interface Claim {
  type: 'claim';
  requestId: Buffer;
  noteId: Buffer;
  buyer: Buffer;
  receipt: Buffer | null;
  offer: Offer | null;
  preimage: Buffer | null;
  signature: Buffer;
}

/** Why a request was refused. */
export type UnlockErrorCode = 'already-owned' | 'unknown-item' | 'payments-unavailable' | 'rate-limited' | 'invalid' | 'not-paid' | 'expired';

export interface UnlockError {
  type: 'error';
  requestId: Buffer;
  code: UnlockErrorCode;
  message: string;
}

export type UnlockMessage = PurchaseRequest | Offer | GrantMessage | Claim | UnlockError;

const ERROR_CODES: UnlockErrorCode[] = ['already-owned', 'unknown-item', 'payments-unavailable', 'rate-limited', 'invalid', 'not-paid', 'expired'];
const TYPES = ['request', 'offer', 'grant', 'claim', 'error'] as const;

const requestId = fixedBytes(REQUEST_ID_BYTES);
const noteId = fixedBytes(NOTE_ID_BYTES);
const key32 = fixedBytes(32);
const signature = fixedBytes(SIGNATURE_BYTES);
const invoiceText = boundedText(MAX_INVOICE_CHARS);
const grantBytes = boundedBytes(MAX_GRANT_BYTES, 1);
const messageText = boundedText(MAX_MESSAGE_CHARS);

function optional<T>(enc: Encoding<T>): Encoding<T | null> {
  return {
    preencode(state, value) {
      c.bool.preencode(state, value !== null);
      if (value !== null) enc.preencode(state, value);
    },
    encode(state, value) {
      c.bool.encode(state, value !== null);
      if (value !== null) enc.encode(state, value);
    },
    decode(state) {
      const present = c.uint8.decode(state);
      check(present === 0 || present === 1, 'bad flag');
      return present === 1 ? enc.decode(state) : null;
    },
  };
}

type Field<T> = [keyof T, Encoding<unknown>];

function struct<T extends { type: string }>(type: T['type'], fields: Field<T>[]): Encoding<T> {
  return {
    preencode(state, value) {
      for (const [name, enc] of fields) enc.preencode(state, value[name]);
    },
    encode(state, value) {
      for (const [name, enc] of fields) enc.encode(state, value[name]);
    },
    decode(state) {
      const out: Record<string, unknown> = { type };
      for (const [name, enc] of fields) out[name as string] = enc.decode(state);
      return out as T;
    },
  };
}

const offerEncoding = struct<Offer>('offer', [
  ['requestId', requestId], ['noteId', noteId], ['buyer', key32], ['invoice', invoiceText], ['paymentHash', key32],
  ['amountSats', canonicalUint], ['expiresAt', canonicalUint], ['signature', signature],
] as Field<Offer>[]);

const errorCode: Encoding<UnlockErrorCode> = {
  preencode: (state, code) => c.uint.preencode(state, ERROR_CODES.indexOf(code)),
  encode: (state, code) => c.uint.encode(state, ERROR_CODES.indexOf(code)),
  decode: (state) => {
    const index = c.uint.decode(state);
    check(index < ERROR_CODES.length, 'unknown error code');
    return ERROR_CODES[index];
  },
};

const bodies = {
  request: struct<PurchaseRequest>('request', [
    ['requestId', requestId], ['noteId', noteId], ['buyer', key32], ['sentAt', canonicalUint], ['signature', signature],
  ] as Field<PurchaseRequest>[]),
  offer: offerEncoding,
  grant: struct<GrantMessage>('grant', [['requestId', requestId], ['noteId', noteId], ['grant', grantBytes]] as Field<GrantMessage>[]),
  claim: struct<Claim>('claim', [
    ['requestId', requestId], ['noteId', noteId], ['buyer', key32], ['receipt', optional(grantBytes)], ['offer', optional(offerEncoding)],
    ['preimage', optional(key32)], ['signature', signature],
  ] as Field<Claim>[]),
  error: struct<UnlockError>('error', [['requestId', requestId], ['code', errorCode], ['message', messageText]] as Field<UnlockError>[]),
};

const messageEncoding: Encoding<UnlockMessage> = {
  preencode(state, message) {
    c.uint.preencode(state, UNLOCK_VERSION);
    c.uint.preencode(state, TYPES.indexOf(message.type));
    (bodies[message.type] as Encoding<UnlockMessage>).preencode(state, message);
  },
  encode(state, message) {
    c.uint.encode(state, UNLOCK_VERSION);
    c.uint.encode(state, TYPES.indexOf(message.type));
    (bodies[message.type] as Encoding<UnlockMessage>).encode(state, message);
  },
  decode(state: State) {
    check(c.uint.decode(state) === UNLOCK_VERSION, 'unsupported protocol version');
    const index = c.uint.decode(state);
    check(index < TYPES.length, 'unknown message type');
    return (bodies[TYPES[index]] as Encoding<UnlockMessage>).decode(state);
  },
};

/** Encode a message for the wire. */
export function encodeMessage(message: UnlockMessage): Buffer {
  return encodeStrict(messageEncoding, message);
}

/** Decode a message from a peer; null for anything malformed (never throws). */
export function decodeMessage(bytes: unknown): UnlockMessage | null {
  return decodeStrict(messageEncoding, bytes);
}

/** A fresh request id. */
export function newRequestId(): Buffer {
  const id = Buffer.alloc(REQUEST_ID_BYTES);
  sodium.randombytes_buf(id);
  return id;
}

/** The bytes a request's, offer's or claim's signature covers: everything but the signature, domain-tagged. */
export function signedPart(message: PurchaseRequest | Offer | Claim, kbKey: Uint8Array): Buffer {
  const unsigned = { ...message, signature: Buffer.alloc(SIGNATURE_BYTES) };
  return Buffer.concat([Buffer.from(`tzimtzum/v1/unlock/${message.type}\0`), Buffer.from(kbKey), encodeMessage(unsigned)]);
}

/** Sign a request, offer or claim in place with an Ed25519 secret key. */
export function signMessage<T extends PurchaseRequest | Offer | Claim>(message: T, kbKey: Uint8Array, secretKey: Uint8Array): T {
  const sig = Buffer.alloc(SIGNATURE_BYTES);
  sodium.crypto_sign_detached(sig, signedPart(message, kbKey), secretKey);
  return { ...message, signature: sig };
}

/** Check a request's, offer's or claim's signature. */
export function verifyMessage(message: PurchaseRequest | Offer | Claim, kbKey: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return sodium.crypto_sign_verify_detached(message.signature, signedPart(message, kbKey), publicKey);
  } catch {
    return false;
  }
}
