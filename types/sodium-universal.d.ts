// The subset of libsodium (through sodium-universal → sodium-native) that Tzimtzum uses.
// Output buffers come first, as in libsodium; functions throw on invalid sizes.
declare module 'sodium-universal' {
  type Bytes = Uint8Array;
  const sodium: {
    randombytes_buf(out: Bytes): void;

    crypto_generichash(out: Bytes, input: Bytes, key?: Bytes): void;
    crypto_generichash_batch(out: Bytes, inputs: Bytes[], key?: Bytes): void;
    crypto_generichash_BYTES: number;
    crypto_generichash_KEYBYTES: number;

    crypto_sign_seed_keypair(pk: Bytes, sk: Bytes, seed: Bytes): void;
    crypto_sign_detached(sig: Bytes, message: Bytes, sk: Bytes): void;
    crypto_sign_verify_detached(sig: Bytes, message: Bytes, pk: Bytes): boolean;
    crypto_sign_PUBLICKEYBYTES: number;
    crypto_sign_SECRETKEYBYTES: number;
    crypto_sign_SEEDBYTES: number;
    crypto_sign_BYTES: number;

    crypto_pwhash(out: Bytes, password: Bytes, salt: Bytes, opslimit: number, memlimit: number, alg: number): void;
    // Runs on libuv's thread pool; without a callback it returns a promise.
    crypto_pwhash_async(out: Bytes, password: Bytes, salt: Bytes, opslimit: number, memlimit: number, alg: number): Promise<void>;
    crypto_pwhash_ALG_ARGON2ID13: number;
    crypto_pwhash_SALTBYTES: number;
    crypto_pwhash_OPSLIMIT_MODERATE: number;
    crypto_pwhash_MEMLIMIT_MODERATE: number;
    crypto_pwhash_OPSLIMIT_INTERACTIVE: number;
    crypto_pwhash_MEMLIMIT_INTERACTIVE: number;

    crypto_secretbox_easy(cipher: Bytes, message: Bytes, nonce: Bytes, key: Bytes): void;
    crypto_secretbox_open_easy(message: Bytes, cipher: Bytes, nonce: Bytes, key: Bytes): boolean;
    crypto_secretbox_KEYBYTES: number;
    crypto_secretbox_NONCEBYTES: number;
    crypto_secretbox_MACBYTES: number;

    crypto_aead_xchacha20poly1305_ietf_encrypt(cipher: Bytes, message: Bytes, ad: Bytes | null, nsec: null, nonce: Bytes, key: Bytes): number;
    crypto_aead_xchacha20poly1305_ietf_decrypt(message: Bytes, nsec: null, cipher: Bytes, ad: Bytes | null, nonce: Bytes, key: Bytes): number;
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number;
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
    crypto_aead_xchacha20poly1305_ietf_ABYTES: number;

    crypto_box_seal(cipher: Bytes, message: Bytes, pk: Bytes): void;
    crypto_box_seal_open(message: Bytes, cipher: Bytes, pk: Bytes, sk: Bytes): boolean;
    crypto_box_SEALBYTES: number;
    crypto_sign_ed25519_pk_to_curve25519(curvePk: Bytes, edPk: Bytes): void;
    crypto_sign_ed25519_sk_to_curve25519(curveSk: Bytes, edSk: Bytes): void;

    sodium_memzero(buf: Bytes): void;
  };
  export default sodium;
}
