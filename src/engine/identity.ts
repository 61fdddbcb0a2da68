// One BIP-39 mnemonic is a user's whole identity: every key Tzimtzum uses is derived from it, each under
// its own domain, so the words alone restore everything on a new device.
import { inspect } from 'node:util';
import {
  generateMnemonic as bip39Generate,
  mnemonicToSeedSync,
  validateMnemonic as bip39Validate,
} from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import sodium from 'sodium-universal';
import z32 from 'z32';

/** What went wrong with an identity; `code` lets callers react without parsing the message. */
export type IdentityErrorCode =
  | 'wrong-word-count'
  | 'unknown-word'
  | 'bad-checksum'
  | 'invalid-device-index'
  | 'invalid-kb-id'
  | 'invalid-purpose'
  | 'no-identity'
  | 'wrong-passphrase'
  | 'passphrase-required'
  | 'corrupt-identity'
  | 'unsupported-version'
  | 'inside-vault'
  | 'inside-sync-folder';

/** A problem with the user's words, keys or identity file, with a message that says what to do. */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';
  constructor(readonly code: IdentityErrorCode, message: string) {
    super(message);
  }
}

/** Word counts BIP-39 defines; Tzimtzum generates 24 but accepts any of them (e.g. an existing wallet's). */
const WORD_COUNTS = new Set([12, 15, 18, 21, 24]);
const WORDS = new Set(wordlist);
/** Version prefix of every derivation domain: changing it would change every user's keys. */
const DOMAIN_PREFIX = 'tzimtzum/v1/';
const KEY_BYTES = 32;

/** A new 24-word (256-bit) English mnemonic from the system's secure random source. */
export function generateMnemonic(): string {
  return bip39Generate(wordlist, 256);
}

/** The canonical form of typed words: NFKD, lower case, single spaces, no surrounding blanks. */
export function normalizeMnemonic(words: string): string {
  return words.normalize('NFKD').toLowerCase().trim().split(/\s+/u).filter(Boolean).join(' ');
}

/** Checks typed words and returns their canonical form; throws an `IdentityError` saying what is wrong. */
export function validateMnemonic(words: string): string {
  const mnemonic = normalizeMnemonic(words);
  const list = mnemonic === '' ? [] : mnemonic.split(' ');
  if (!WORD_COUNTS.has(list.length)) {
    throw new IdentityError(
      'wrong-word-count',
      `Expected 24 recovery words (BIP-39 also allows 12, 15, 18 or 21) but got ${list.length}. ` +
        'Enter every word of your recovery phrase, separated by spaces.',
    );
  }
  for (const [i, word] of list.entries()) {
    if (WORDS.has(word)) continue;
    const guess = closestWord(word);
    throw new IdentityError(
      'unknown-word',
      `Word ${i + 1} ("${word}") is not in the BIP-39 English word list. Check its spelling` +
        (guess === null ? '.' : ` (did you mean "${guess}"?).`),
    );
  }
  if (!bip39Validate(mnemonic, wordlist)) {
    throw new IdentityError(
      'bad-checksum',
      'Every word is valid but the checksum does not match, so a word is probably wrong or two are swapped. ' +
        'Compare each word, in order, with your written copy.',
    );
  }
  return mnemonic;
}

/** The 64-byte BIP-39 seed of a mnemonic (no BIP-39 passphrase), after validating the words. */
export function mnemonicToSeed(words: string): Buffer {
  return Buffer.from(mnemonicToSeedSync(validateMnemonic(words)));
}

/** An Ed25519 key pair as libsodium lays it out (the secret key embeds the public key). */
export interface KeyPair {
  publicKey: Buffer;
  secretKey: Buffer;
}

/** A part of a derivation input: text is hashed as UTF-8, bytes as they are, and the two never collide. */
export type DerivationPart = string | Uint8Array;

/** The user's identity: holds the seed and derives every key from it, each under its own domain. */
export class Identity {
  readonly #mnemonic: string;
  readonly #rootKey: Buffer;

  /** Builds the identity from recovery words; throws an `IdentityError` if they are invalid. */
  constructor(words: string) {
    this.#mnemonic = validateMnemonic(words);
    const seed = Buffer.from(mnemonicToSeedSync(this.#mnemonic));
    // The root key is itself a derivation, so the raw seed (which the wallet also uses) never keys a hash.
    this.#rootKey = Buffer.alloc(KEY_BYTES);
    sodium.crypto_generichash(this.#rootKey, Buffer.from(DOMAIN_PREFIX + 'root'), seed);
    sodium.sodium_memzero(seed);
  }

  /** A fresh identity with newly generated words. */
  static create(): Identity {
    return new Identity(generateMnemonic());
  }

  /** The 32-byte Corestore primary key of one device; two live devices must never share an index. */
  deviceStoreKey(deviceIndex: number): Buffer {
    if (!Number.isInteger(deviceIndex) || deviceIndex < 0 || deviceIndex > 0xffffffff) {
      throw new IdentityError(
        'invalid-device-index',
        `Device index must be a whole number from 0 to 4294967295, got ${String(deviceIndex)}.`,
      );
    }
    const index = Buffer.alloc(4);
    index.writeUInt32BE(deviceIndex);
    return this.#derive('device-store-key', [index]);
  }

  /** The user's Ed25519 identity key pair. */
  signingKeyPair(): KeyPair {
    return seedKeyPair(this.#derive('signing-key', []));
  }

  /** An Ed25519 key pair for one knowledge base and purpose (e.g. a buyer's key for that KB). */
  kbKeyPair(kbId: Uint8Array | string, purpose: string): KeyPair {
    checkPurpose(purpose);
    return seedKeyPair(this.#derive('kb-key/' + purpose, [kbIdBytes(kbId)]));
  }

  /** A 32-byte secret for `purpose` and `parts`; distinct from every other purpose and every other key. */
  deriveSecret(purpose: string, ...parts: DerivationPart[]): Buffer {
    checkPurpose(purpose);
    return this.#derive('secret/' + purpose, parts);
  }

  /** The recovery words; the wallet derives its own keys from them along its BIP-44 path. */
  walletMnemonic(): string {
    return this.#mnemonic;
  }

  /** A short, shareable id: the first 8 z32 characters of the signing public key. */
  fingerprint(): string {
    // 5 bytes are exactly 8 z32 characters, so this is a prefix of the full z32 public key.
    return z32.encode(this.signingKeyPair().publicKey.subarray(0, 5));
  }

  /** Serialises to the fingerprint only, so an identity logged by accident leaks nothing. */
  toJSON(): { fingerprint: string } {
    return { fingerprint: this.fingerprint() };
  }

  /** Shown by `console.log` and `util.inspect`: the fingerprint, never the words or keys. */
  [inspect.custom](): string {
    return `Identity <${this.fingerprint()}>`;
  }

  /** The same as the inspected form: the fingerprint only. */
  toString(): string {
    return `Identity <${this.fingerprint()}>`;
  }

  // Keyed BLAKE2b over length-prefixed, type-tagged fields: the domain first, then each part. Because
  // every field carries its length and kind, no sequence of purposes and parts can encode like another.
  #derive(purpose: string, parts: DerivationPart[]): Buffer {
    const fields = [field(DOMAIN_TEXT, Buffer.from(DOMAIN_PREFIX + purpose, 'utf8'))];
    for (const part of parts) {
      fields.push(typeof part === 'string' ? field(TEXT, Buffer.from(part, 'utf8')) : field(BYTES, part));
    }
    const out = Buffer.alloc(KEY_BYTES);
    sodium.crypto_generichash_batch(out, fields, this.#rootKey);
    return out;
  }
}

const DOMAIN_TEXT = 0;
const TEXT = 1;
const BYTES = 2;

function field(kind: number, value: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(kind, 0);
  header.writeUInt32BE(value.byteLength, 1);
  return Buffer.concat([header, value]);
}

function seedKeyPair(seed: Buffer): KeyPair {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  sodium.sodium_memzero(seed);
  return { publicKey, secretKey };
}

function checkPurpose(purpose: string): void {
  if (typeof purpose !== 'string' || purpose === '') {
    throw new IdentityError('invalid-purpose', 'A key derivation needs a non-empty purpose string.');
  }
}

// A KB is named by its key, shared as z32 (or seen as hex in logs); both spellings must give the same key.
function kbIdBytes(kbId: Uint8Array | string): Uint8Array {
  if (typeof kbId !== 'string') {
    if (kbId.byteLength === 0) throw badKbId('(empty)');
    return kbId;
  }
  if (/^[0-9a-f]{64}$/iu.test(kbId)) return Buffer.from(kbId, 'hex');
  let bytes: Buffer;
  try {
    bytes = z32.decode(kbId);
  } catch {
    throw badKbId(kbId);
  }
  if (bytes.byteLength === 0) throw badKbId(kbId);
  return bytes;
}

function badKbId(kbId: string): IdentityError {
  return new IdentityError(
    'invalid-kb-id',
    `"${kbId}" is not a knowledge base id: expected its key as z32 (as in a share link) or 64 hex characters.`,
  );
}

// Words are unique in their first four letters, so a shared prefix is the likeliest intended word;
// otherwise the nearest word within two edits.
function closestWord(word: string): string | null {
  if (word.length >= 4) {
    const prefixed = wordlist.find((w) => w.startsWith(word.slice(0, 4)));
    if (prefixed !== undefined) return prefixed;
  }
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of wordlist) {
    const d = editDistance(word, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

// Levenshtein distance, giving up once every path exceeds `limit`.
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length];
}
