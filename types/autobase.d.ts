// Autobase: many writers' logs linearized into one view (here a Hyperbee).
declare module 'autobase' {
  import type Corestore from 'corestore';
  import type Hypercore from 'hypercore';
  import type { EventEmitter } from 'node:events';

  export interface ApplyNode {
    value: Buffer | null;
    /** The writer core's key, as the array its first opener passed (not always a Buffer). */
    from: { key: Uint8Array };
    length: number;
  }
  export interface Host {
    addWriter(key: Uint8Array, opts?: { indexer?: boolean }): Promise<void>;
    removeWriter(key: Uint8Array): Promise<void>;
    removeable(key: Uint8Array): boolean;
    interrupt(reason?: unknown): void;
  }
  export interface AutobaseOptions<V> {
    open: (store: Corestore, host: Host) => V;
    apply: (nodes: ApplyNode[], view: V, host: Host) => Promise<void>;
    close?: (view: V) => Promise<void>;
    update?: (view: V, changes: unknown) => void;
    valueEncoding?: string;
    ackInterval?: number;
    optimistic?: boolean;
    /** `{ key }`: fast-forward to this system core at once (unverified); false: never fast-forward. */
    fastForward?: { key: Uint8Array } | false;
  }
  export default class Autobase<V> extends EventEmitter {
    constructor(store: Corestore, bootstrap: Uint8Array | null, opts: AutobaseOptions<V>);
    /** The key of the local writer core a base opened on `store` would use. */
    static getLocalKey(store: Corestore): Promise<Buffer>;
    key: Buffer;
    discoveryKey: Buffer;
    id: string;
    view: V;
    local: Hypercore;
    core: Hypercore;
    writable: boolean;
    isIndexer: boolean;
    length: number;
    signedLength: number;
    interrupted: unknown;
    closed: boolean;
    opened: boolean;
    ready(): Promise<void>;
    close(): Promise<void>;
    append(value: Uint8Array | Uint8Array[] | null): Promise<unknown>;
    update(): Promise<void>;
    ack(bg?: boolean): Promise<void>;
  }
}

// Autobase's fast-forward job (internal to the pinned version): jumps a base to a signed system core.
declare module 'autobase/lib/fast-forward.js' {
  export default class FastForward {
    constructor(base: unknown, key: Uint8Array, opts?: { verified?: boolean; minimum?: number; timeout?: number });
    /** Downloads what the jump needs; memoized, so a later call awaits the same work. Null if it cannot jump. */
    upgrade(): Promise<object | null>;
    close(): Promise<void>;
  }
}
