import { pbkdf2Sync } from 'node:crypto';
import { inspect } from 'node:util';
import sodium from 'sodium-universal';
import z32 from 'z32';
import { describe, expect, it } from 'vitest';
import {
  generateMnemonic,
  Identity,
  IdentityError,
  mnemonicToSeed,
  normalizeMnemonic,
  validateMnemonic,
} from '../../src/engine/identity.js';

// The BIP-39 reference vector for all-zero 256-bit entropy.
const VECTOR = [...Array<string>(23).fill('abandon'), 'art'].join(' ');
// Its seed with no BIP-39 passphrase (the reference list uses "TREZOR"; Tzimtzum uses none).
const VECTOR_SEED =
  '408b285c123836004f4b8842c89324c1f01382450c0d439af345ba7fc49acf70' +
  '5489c6fc77dbd4e3dc1dd8cc6bc9f043db8ada1e243c4a0eafb290d399480840';
// Pinned outputs of Tzimtzum's derivation for that vector: if these change, every user's keys change.
const VECTOR_SIGNING_PUBLIC_KEY = '575f9a6ab9e9be9a9dc9dc887c131a3e18fc1333728ad67b868c64f4711b93e3';
const VECTOR_DEVICE_0_STORE_KEY = 'e467d3e375a140a2d76f019d6b54f36549a5c95a722279a7c3c6a32c04827532';

function errorOf(fn: () => unknown): IdentityError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IdentityError) return err;
    throw err;
  }
  throw new Error('expected an IdentityError');
}

describe('recovery words', () => {
  it('generates 24 valid words', () => {
    const words = generateMnemonic();
    expect(words.split(' ')).toHaveLength(24);
    expect(validateMnemonic(words)).toBe(words);
  });

  it('generates different words each time', () => {
    expect(generateMnemonic()).not.toBe(generateMnemonic());
  });

  it('accepts words typed with extra spaces, line breaks and capitals', () => {
    const typed = `  ${VECTOR.toUpperCase().split(' ').join('  \n ')} \t`;
    expect(normalizeMnemonic(typed)).toBe(VECTOR);
    expect(validateMnemonic(typed)).toBe(VECTOR);
  });

  it('rejects a phrase with a word missing, saying how many words it got', () => {
    const error = errorOf(() => validateMnemonic(VECTOR.split(' ').slice(1).join(' ')));
    expect(error.code).toBe('wrong-word-count');
    expect(error.message).toMatch(/24 .*got 23/u);
  });

  it('rejects an empty phrase as a word count problem', () => {
    expect(errorOf(() => validateMnemonic('   ')).code).toBe('wrong-word-count');
  });

  it('names an unknown word, its position and the likely intended word', () => {
    const words = VECTOR.split(' ');
    words[4] = 'abandn';
    const error = errorOf(() => validateMnemonic(words.join(' ')));
    expect(error.code).toBe('unknown-word');
    expect(error.message).toContain('Word 5 ("abandn")');
    expect(error.message).toContain('spelling');
    expect(error.message).toContain('"abandon"');
  });

  it('rejects valid words whose checksum does not match', () => {
    const error = errorOf(() => validateMnemonic([...Array<string>(24).fill('abandon')].join(' ')));
    expect(error.code).toBe('bad-checksum');
    expect(error.message).toMatch(/written copy/u);
  });

  it('computes the BIP-39 seed of the reference vector', () => {
    expect(mnemonicToSeed(VECTOR).toString('hex')).toBe(VECTOR_SEED);
    // Cross-checked against the definition: PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic".
    expect(pbkdf2Sync(VECTOR, 'mnemonic', 2048, 64, 'sha512').toString('hex')).toBe(VECTOR_SEED);
  });
});

describe('Identity', () => {
  const identity = new Identity(VECTOR);

  it('derives the pinned keys for the reference vector', () => {
    expect(identity.signingKeyPair().publicKey.toString('hex')).toBe(VECTOR_SIGNING_PUBLIC_KEY);
    expect(identity.deviceStoreKey(0).toString('hex')).toBe(VECTOR_DEVICE_0_STORE_KEY);
  });

  it('derives the same keys from the same words, however they were typed', () => {
    const again = new Identity(VECTOR.toUpperCase().replaceAll(' ', '\n'));
    expect(again.signingKeyPair()).toEqual(identity.signingKeyPair());
    expect(again.deviceStoreKey(7)).toEqual(identity.deviceStoreKey(7));
    expect(again.kbKeyPair('kb', 'buyer')).toEqual(identity.kbKeyPair('kb', 'buyer'));
    expect(again.deriveSecret('x', 'a', new Uint8Array([1]))).toEqual(identity.deriveSecret('x', 'a', new Uint8Array([1])));
  });

  it('derives different keys from different words', () => {
    const other = new Identity(generateMnemonic());
    expect(other.signingKeyPair().publicKey).not.toEqual(identity.signingKeyPair().publicKey);
    expect(other.deviceStoreKey(0)).not.toEqual(identity.deviceStoreKey(0));
  });

  it('gives every purpose, device index and part its own key', () => {
    const kb = Buffer.alloc(32, 1);
    const keys = [
      ...[0, 1, 2, 255, 256, 0xffffffff].map((i) => identity.deviceStoreKey(i)),
      identity.signingKeyPair().secretKey.subarray(0, 32),
      identity.kbKeyPair(kb, 'buyer').secretKey.subarray(0, 32),
      identity.kbKeyPair(kb, 'author').secretKey.subarray(0, 32),
      identity.kbKeyPair(Buffer.alloc(32, 2), 'buyer').secretKey.subarray(0, 32),
      identity.deriveSecret('buyer'),
      identity.deriveSecret('device-store-key'),
      identity.deriveSecret('signing-key'),
      identity.deriveSecret('a', 'bc'),
      identity.deriveSecret('a', 'b', 'c'),
      identity.deriveSecret('ab', 'c'),
      identity.deriveSecret('a', Buffer.from('bc')),
      identity.deriveSecret('a', ''),
      identity.deriveSecret('a'),
    ];
    const distinct = new Set(keys.map((k) => k.toString('hex')));
    expect(distinct.size).toBe(keys.length);
    for (const key of keys) expect(key).toHaveLength(32);
  });

  it('refuses a device index that is not a whole number in range', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(errorOf(() => identity.deviceStoreKey(bad)).code).toBe('invalid-device-index');
    }
  });

  it('produces an Ed25519 signing key pair that signs and verifies', () => {
    const { publicKey, secretKey } = identity.signingKeyPair();
    const message = Buffer.from('hello');
    const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
    sodium.crypto_sign_detached(signature, message, secretKey);
    expect(sodium.crypto_sign_verify_detached(signature, message, publicKey)).toBe(true);
  });

  it('gives a KB the same key pair whether its id is bytes, z32 or hex', () => {
    const kb = Buffer.alloc(32, 9);
    const fromBytes = identity.kbKeyPair(kb, 'buyer');
    expect(identity.kbKeyPair(z32.encode(kb), 'buyer')).toEqual(fromBytes);
    expect(identity.kbKeyPair(kb.toString('hex'), 'buyer')).toEqual(fromBytes);
  });

  it('rejects a KB id that is neither z32 nor hex', () => {
    expect(errorOf(() => identity.kbKeyPair('not a key!', 'buyer')).code).toBe('invalid-kb-id');
    expect(errorOf(() => identity.kbKeyPair(new Uint8Array(0), 'buyer')).code).toBe('invalid-kb-id');
  });

  it('rejects an empty purpose', () => {
    expect(errorOf(() => identity.deriveSecret('')).code).toBe('invalid-purpose');
  });

  it('returns the recovery words for the wallet', () => {
    expect(identity.walletMnemonic()).toBe(VECTOR);
  });

  it('has a fingerprint that is the start of the z32 signing public key', () => {
    const fingerprint = identity.fingerprint();
    expect(fingerprint).toHaveLength(8);
    expect(z32.encode(identity.signingKeyPair().publicKey).startsWith(fingerprint)).toBe(true);
  });

  it('shows neither its words nor its keys when logged or serialised', () => {
    const secret = identity.signingKeyPair().secretKey.toString('hex');
    for (const shown of [inspect(identity, { showHidden: true, depth: 5 }), JSON.stringify({ identity }), String(identity)]) {
      expect(shown).toContain(identity.fingerprint());
      expect(shown).not.toContain('abandon');
      expect(shown).not.toContain(secret.slice(0, 16));
    }
  });
});
