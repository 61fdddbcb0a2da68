// Protomux: several protocols over one connection; the unlock protocol shares the replication muxer.
declare module 'protomux' {
  import type { Encoding } from 'compact-encoding';
  import type { Duplex } from 'node:stream';

  export interface Message<T> {
    send(value: T): boolean;
  }
  export interface Channel {
    opened: boolean;
    closed: boolean;
    addMessage<T>(opts: { encoding: Encoding<T>; onmessage: (value: T) => void }): Message<T>;
    open(handshake?: unknown): void;
    close(): void;
  }
  export default class Protomux {
    static from(stream: Duplex): Protomux;
    createChannel(opts: { protocol: string; id?: Buffer | null; unique?: boolean; onopen?: () => void; onclose?: () => void }): Channel | null;
    pair(opts: { protocol: string; id?: Buffer | null }, callback: (id: Buffer | null) => void): void;
    unpair(opts: { protocol: string; id?: Buffer | null }): void;
    opened(opts: { protocol: string; id?: Buffer | null }): boolean;
  }
}
