// Hyperbee on an Autobase view: the knowledge base's index.
declare module 'hyperbee' {
  import type Hypercore from 'hypercore';
  import type { EventEmitter } from 'node:events';

  export interface Entry<V> {
    seq: number;
    key: string;
    value: V;
  }
  /** One block of the log: a put or a deletion (whose value is null), in append order. */
  export interface HistoryEntry<V> {
    type: 'put' | 'del';
    seq: number;
    key: string;
    value: V | null;
  }
  export interface HistoryRange {
    gte?: number;
    gt?: number;
    lt?: number;
    lte?: number;
    reverse?: boolean;
    limit?: number;
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
    /** Honoured once `honourPreloadOption` ran (src/engine/hyperbee-preload.ts). */
    preload?: boolean;
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
    /** The lookup extension in use, or null. */
    extension: import('hyperbee/lib/extension.js').default | null;
    version: number;
    ready(): Promise<void>;
    close(): Promise<void>;
    get(key: string, opts?: ReadOptions): Promise<Entry<V> | null>;
    put(key: string, value: V): Promise<void>;
    del(key: string): Promise<void>;
    batch(opts?: { update?: boolean }): Batch<V>;
    sub(prefix: string, opts?: { keyEncoding?: string; valueEncoding?: string; sep?: Uint8Array }): Hyperbee<V>;
    /** `reuseSession`: read through this tree's own core session, which then needs no closing of its own. */
    checkout(version: number, opts?: { reuseSession?: boolean }): Hyperbee<V>;
    snapshot(): Hyperbee<V>;
    createReadStream(range?: Range, opts?: ReadOptions): AsyncIterable<Entry<V>>;
    createHistoryStream(range?: HistoryRange): AsyncIterable<HistoryEntry<V>>;
    createDiffStream(otherVersion: number, range?: Range, opts?: ReadOptions): AsyncIterable<DiffEntry<V>>;
    watch(range?: Range): Watcher;
  }
}

// Hyperbee's lookup extension: a reader asks its peers which blocks a lookup needs; they answer with their numbers.
declare module 'hyperbee/lib/extension.js' {
  import type Hyperbee from 'hyperbee';

  export default class HyperbeeExtension {
    constructor(db: Hyperbee);
    db: Hyperbee;
    get(version: number, key: Buffer): void;
    iterator(snapshot: unknown): void;
    onmessage(buf: Buffer, from: unknown): void;
    oncache(message: { blocks: number[]; start: number; end: number }, from: unknown): void;
    onget(message: { version: number; key: Buffer }, from: unknown): void;
    oniterator(message: unknown, from: unknown): void | Promise<void>;
    static register<T extends HyperbeeExtension>(this: new (db: Hyperbee) => T, db: Hyperbee): T;
  }
}
