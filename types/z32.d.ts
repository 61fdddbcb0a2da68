// z-base-32, the human-facing encoding of Holepunch keys.
declare module 'z32' {
  export function encode(buf: Uint8Array): string;
  export function decode(str: string): Buffer;
  const z32: { encode: typeof encode; decode: typeof decode };
  export default z32;
}
