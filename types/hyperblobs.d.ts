// Hyperblobs: file bytes in a writer's own core, addressed by block and byte bounds.
declare module 'hyperblobs' {
  import type Hypercore from 'hypercore';
  export interface BlobId {
    blockOffset: number;
    blockLength: number;
    byteOffset: number;
    byteLength: number;
  }
  export default class Hyperblobs {
    constructor(core: Hypercore, opts?: { blockSize?: number });
    core: Hypercore;
    ready(): Promise<void>;
    close(): Promise<void>;
    put(blob: Uint8Array, opts?: { blockSize?: number }): Promise<BlobId>;
    get(id: BlobId, opts?: { core?: Hypercore; wait?: boolean; timeout?: number; start?: number; length?: number }): Promise<Buffer | null>;
  }
}
