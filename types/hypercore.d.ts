// The subset of Hypercore that Tzimtzum touches (through Corestore, Autobase and Hyperbee).
declare module 'hypercore' {
  import type { EventEmitter } from 'node:events';

  export interface GetOptions {
    wait?: boolean;
    timeout?: number;
  }
  export interface Download {
    done(): Promise<void>;
    destroy(): void;
  }
  export interface Peer {
    remotePublicKey: Buffer;
  }
  /** A store's on-disk storage (RocksDB), from `Hypercore.defaultStorage`; the Corestore given it closes it. */
  export interface StoreStorage {
    readonly path: string;
    close(): Promise<void>;
  }
  export interface StoreStorageOptions {
    /** Bytes RocksDB buffers in one memtable before flushing (default 64 MiB). */
    writeBufferSize?: number;
  }
  export default class Hypercore extends EventEmitter {
    /** Opens storage in a directory (or returns a storage passed in as it is). */
    static defaultStorage(storage: string | StoreStorage, opts?: StoreStorageOptions): StoreStorage;
    key: Buffer | null;
    discoveryKey: Buffer | null;
    id: string | null;
    length: number;
    /** The length signed by the writer (for an Autobase view: by its indexers); never rewritten. */
    signedLength: number;
    /** Who signs the core (null until a peer sent it, for a core opened by key). */
    manifest: { signers: { publicKey: Uint8Array; namespace?: Uint8Array }[] } | null;
    contiguousLength: number;
    byteLength: number;
    writable: boolean;
    readable: boolean;
    closed: boolean;
    opened: boolean;
    peers: Peer[];
    ready(): Promise<void>;
    close(): Promise<void>;
    get(index: number, opts?: GetOptions): Promise<Buffer | null>;
    has(start: number, end?: number): Promise<boolean>;
    append(block: Uint8Array | Uint8Array[]): Promise<{ length: number; byteLength: number }>;
    update(opts?: { wait?: boolean }): Promise<boolean>;
    download(range?: { start?: number; end?: number; linear?: boolean }): Download;
    info(opts?: { storage?: boolean }): Promise<{ length: number; contiguousLength: number; byteLength: number; storage?: { oplog: number; tree: number; blocks: number; bitfield: number } | null }>;
    findingPeers(): () => void;
  }
}
