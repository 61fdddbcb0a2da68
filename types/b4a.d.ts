// Buffer/Uint8Array bridging used across the Holepunch stack.
declare module 'b4a' {
  const b4a: {
    from(input: string, encoding?: BufferEncoding): Buffer;
    from(input: Uint8Array | ArrayBuffer | number[]): Buffer;
    alloc(size: number, fill?: number): Buffer;
    allocUnsafe(size: number): Buffer;
    concat(buffers: Uint8Array[], totalLength?: number): Buffer;
    equals(a: Uint8Array, b: Uint8Array): boolean;
    compare(a: Uint8Array, b: Uint8Array): number;
    toString(buf: Uint8Array, encoding?: BufferEncoding, start?: number, end?: number): string;
    isBuffer(value: unknown): value is Buffer;
    /** The same bytes as a Buffer (no copy). */
    toBuffer(input: Uint8Array): Buffer;
    byteLength(input: string, encoding?: BufferEncoding): number;
  };
  export default b4a;
}
