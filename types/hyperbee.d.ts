// Hyperbee on an Autobase view: the knowledge base's index.
declare module 'hyperbee' {
  import type Hypercore from 'hypercore';
  import type { EventEmitter } from 'node:events';

  export interface Entry<V> {
    seq: number;
    key: string;
    value: V;
  }
  export interface DiffEntry<V> {
    left: Entry<V> | null;
    right: Entry<V> | null;
  }
  export interface Range {
    gt?: string;
    gte?: string;
    lt?: string;
    lte?: string;
    limit?: number;
    reverse?: boolean;
  }
  export interface ReadOptions {
    wait?: boolean;
    timeout?: number;
    update?: boolean;
  }
  export interface Batch<V> {
    put(key: string, value: V): Promise<void>;
    del(key: string): Promise<void>;
    get(key: string, opts?: ReadOptions): Promise<Entry<V> | null>;
    createReadStream(range?: Range, opts?: ReadOptions): AsyncIterable<Entry<V>>;
    flush(): Promise<void>;
    close(): Promise<void>;
  }
  export interface Watcher {
    [Symbol.asyncIterator](): AsyncIterator<[unknown, unknown]>;
    destroy(): Promise<void>;
    close(): Promise<void>;
  }
  export default class Hyperbee<V = Buffer> extends EventEmitter {
    constructor(core: Hypercore, opts?: { keyEncoding?: string; valueEncoding?: string; extension?: boolean; prefix?: unknown });
    core: Hypercore;
    version: number;
    ready(): Promise<void>;
    close(): Promise<void>;
    get(key: string, opts?: ReadOptions): Promise<Entry<V> | null>;
    put(key: string, value: V): Promise<void>;
    del(key: string): Promise<void>;
    batch(opts?: { update?: boolean }): Batch<V>;
    sub(prefix: string, opts?: { keyEncoding?: string; valueEncoding?: string; sep?: Uint8Array }): Hyperbee<V>;
    checkout(version: number): Hyperbee<V>;
    snapshot(): Hyperbee<V>;
    createReadStream(range?: Range, opts?: ReadOptions): AsyncIterable<Entry<V>>;
    createDiffStream(otherVersion: number, range?: Range, opts?: ReadOptions): AsyncIterable<DiffEntry<V>>;
    watch(range?: Range): Watcher;
  }
}
