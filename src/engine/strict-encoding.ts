// Strict compact-encoding pieces shared by every format read from untrusted replicas and peers.
//
// They are read from untrusted replicas and peers, so every piece rejects what it does not expect: fixed
// lengths, bounded sizes, canonical integers (one byte string per value), well-formed UTF-8, no trailing
// bytes. Decoded bytes are copied, so a decoded value never aliases (or keeps alive) the caller's buffer.
import c, { type Encoding, type State } from 'compact-encoding';

/** Why a decoder rejected its input; internal to decoders, which turn it into `null`. */
export class Malformed extends Error {}

/** Throws `Malformed` unless `condition` holds. */
export function check(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new Malformed(reason);
}

function need(state: State, n: number): Buffer {
  check(state.buffer !== null && state.end - state.start >= n, 'truncated');
  const bytes = Buffer.from(state.buffer.subarray(state.start, state.start + n));
  state.start += n;
  return bytes;
}

/** Exactly `n` bytes, no length prefix. */
export function fixedBytes(n: number): Encoding<Buffer> {
  return {
    preencode(state, value) {
      if (value.byteLength !== n) throw new RangeError(`expected ${n} bytes, got ${value.byteLength}`);
      state.end += n;
    },
    encode(state, value) {
      state.buffer!.set(value, state.start);
      state.start += n;
    },
    decode: (state) => need(state, n),
  };
}

function uintLength(n: number): number {
  return n <= 0xfc ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** A compact-encoding `uint` that must be a safe integer written in its shortest form. */
export const canonicalUint: Encoding<number> = {
  preencode(state, value) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a whole number: ${value}`);
    c.uint.preencode(state, value);
  },
  encode: (state, value) => c.uint.encode(state, value),
  decode(state) {
    const start = state.start;
    const value = c.uint.decode(state);
    check(Number.isSafeInteger(value), 'integer out of range');
    check(state.start - start === uintLength(value), 'non-canonical integer');
    return value;
  },
};

/** Length-prefixed bytes, between `min` and `max` long. */
export function boundedBytes(max: number, min = 0): Encoding<Buffer> {
  return {
    preencode(state, value) {
      if (value.byteLength < min || value.byteLength > max) {
        throw new RangeError(`expected ${min}..${max} bytes, got ${value.byteLength}`);
      }
      canonicalUint.preencode(state, value.byteLength);
      state.end += value.byteLength;
    },
    encode(state, value) {
      canonicalUint.encode(state, value.byteLength);
      state.buffer!.set(value, state.start);
      state.start += value.byteLength;
    },
    decode(state) {
      const length = canonicalUint.decode(state);
      check(length >= min && length <= max, 'length out of bounds');
      return need(state, length);
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Length-prefixed UTF-8 text of at most `maxBytes`; malformed UTF-8 is rejected, not replaced. */
export function boundedText(maxBytes: number): Encoding<string> {
  const bytes = boundedBytes(maxBytes);
  return {
    preencode: (state, value) => bytes.preencode(state, Buffer.from(value, 'utf8')),
    encode: (state, value) => bytes.encode(state, Buffer.from(value, 'utf8')),
    decode(state) {
      const raw = bytes.decode(state);
      try {
        return utf8.decode(raw);
      } catch {
        throw new Malformed('malformed UTF-8');
      }
    },
  };
}

/** Encodes `value`; throws a `RangeError` if it breaks the encoding's bounds (a caller's bug). */
export function encodeStrict<T>(encoding: Encoding<T>, value: T): Buffer {
  const state = c.state();
  encoding.preencode(state, value);
  state.buffer = Buffer.alloc(state.end);
  encoding.encode(state, value);
  return state.buffer;
}

/** Decodes all of `bytes` or returns null: never throws, rejects trailing bytes. */
export function decodeStrict<T>(encoding: Encoding<T>, bytes: unknown): T | null {
  if (!(bytes instanceof Uint8Array)) return null;
  try {
    const state = c.state(0, bytes.byteLength, bytes);
    const value = encoding.decode(state);
    return state.start === state.end ? value : null;
  } catch {
    return null;
  }
}

/** A value or null, behind a one-byte presence flag. */
export function optional<T>(encoding: Encoding<T>): Encoding<T | null> {
  return {
    preencode(state, value) {
      c.bool.preencode(state, value !== null);
      if (value !== null) encoding.preencode(state, value);
    },
    encode(state, value) {
      c.bool.encode(state, value !== null);
      if (value !== null) encoding.encode(state, value);
    },
    decode: (state) => (c.bool.decode(state) ? encoding.decode(state) : null),
  };
}
