// compact-encoding: the wire/disk codec of the Holepunch stack.
declare module 'compact-encoding' {
  export interface State {
    start: number;
    end: number;
    buffer: Buffer | null;
  }
  export interface Encoding<T> {
    preencode(state: State, value: T): void;
    encode(state: State, value: T): void;
    decode(state: State): T;
  }
  export function state(start?: number, end?: number, buffer?: Uint8Array | null): State;
  export function encode<T>(enc: Encoding<T>, value: T): Buffer;
  export function decode<T>(enc: Encoding<T>, buffer: Uint8Array): T;
  export const uint: Encoding<number>;
  export const uint8: Encoding<number>;
  export const uint16: Encoding<number>;
  export const uint32: Encoding<number>;
  export const uint64: Encoding<number>;
  export const bool: Encoding<boolean>;
  export const string: Encoding<string>;
  export const utf8: Encoding<string>;
  export const buffer: Encoding<Buffer | null>;
  export const binary: Encoding<Buffer | string>;
  export const raw: Encoding<Buffer>;
  export const fixed32: Encoding<Buffer>;
  export const fixed64: Encoding<Buffer>;
  export function array<T>(enc: Encoding<T>): Encoding<T[]>;
  export function fixed(n: number): Encoding<Buffer>;
  export function frame<T>(enc: Encoding<T>): Encoding<T>;
  const c: {
    state: typeof state;
    encode: typeof encode;
    decode: typeof decode;
    uint: Encoding<number>;
    uint8: Encoding<number>;
    uint16: Encoding<number>;
    uint32: Encoding<number>;
    uint64: Encoding<number>;
    bool: Encoding<boolean>;
    string: Encoding<string>;
    utf8: Encoding<string>;
    buffer: Encoding<Buffer | null>;
    fixed32: Encoding<Buffer>;
    fixed64: Encoding<Buffer>;
    raw: Encoding<Buffer>;
    array: typeof array;
    fixed: typeof fixed;
    frame: typeof frame;
  };
  export default c;
}
