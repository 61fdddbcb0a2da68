// Key helpers of the Holepunch stack.
declare module 'hypercore-crypto' {
  const crypto: {
    discoveryKey(publicKey: Uint8Array): Buffer;
    keyPair(seed?: Uint8Array): { publicKey: Buffer; secretKey: Buffer };
    randomBytes(n: number): Buffer;
    hash(data: Uint8Array | Uint8Array[], out?: Uint8Array): Buffer;
  };
  export default crypto;
}
