// Content identity: BLAKE2b-256, the hash the Holepunch stack itself is built on.
import sodium from 'sodium-universal';

/** The 32-byte BLAKE2b hash of a file's bytes; equal hashes mean equal content. */
export function contentHash(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, bytes);
  return out;
}

/** Short hex form of a hash for messages and logs. */
export function shortHash(hash: Uint8Array): string {
  return Buffer.from(hash).toString('hex').slice(0, 12);
}
