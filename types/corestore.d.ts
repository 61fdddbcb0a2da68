// Corestore: one store per peer, namespaced per knowledge base.
declare module 'corestore' {
  import type Hypercore from 'hypercore';
  import type { StoreStorage } from 'hypercore';
  import type { Duplex } from 'node:stream';
  import type { EventEmitter } from 'node:events';

  export interface CorestoreOptions {
    primaryKey?: Uint8Array;
    unsafe?: boolean;
    writable?: boolean;
  }
  export type GetOptions = { name: string; exclusive?: boolean } | { key: Uint8Array; exclusive?: boolean } | Uint8Array;

  export default class Corestore extends EventEmitter {
    /** A directory, or storage made by `Hypercore.defaultStorage` (to choose its options). */
    constructor(storage: string | StoreStorage, opts?: CorestoreOptions);
    primaryKey: Buffer;
    ready(): Promise<void>;
    close(): Promise<void>;
    get(opts: GetOptions): Hypercore;
    namespace(name: string | Uint8Array): Corestore;
    session(): Corestore;
    replicate(stream: Duplex | boolean, opts?: unknown): Duplex;
  }
}
