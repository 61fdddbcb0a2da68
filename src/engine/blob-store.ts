// File bytes live outside the B-tree: in each writer's own blob core, as Hyperdrive does. The view only
// holds a small pointer, so a sparse reader's `get` never drags other notes' bodies along the path.
import Hyperblobs, { type BlobId } from 'hyperblobs';
import type Corestore from 'corestore';
import type Hypercore from 'hypercore';
import type { Download } from 'hypercore';
import type { BlobRef } from './schema';
import { SerialQueue } from './serial';

/** Blocks of this size keep replication requests small and let large attachments stream. */
export const BLOB_BLOCK_SIZE = 64 * 1024;
/** Name of the local writer's blob core inside a knowledge base's namespace. */
const LOCAL_BLOB_CORE = 'tzimtzum/blobs';
/** Appends are flushed in slices of about this many bytes, so huge imports keep memory bounded. */
const APPEND_SLICE_BYTES = 8 * 1024 * 1024;
/**
 * Block requests kept in flight per peer, at least: Hypercore's floor is 16, raised only as the round trip
 * grows, so a peer on the same machine or network served a first sync's 10,000 notes 16 at a time (measured:
 * 3.3 s for the blobs of a 10,000-note vault, 2.9 s at 128). Hyperbee raises its own cores the same way.
 */
const MIN_BLOCKS_IN_FLIGHT = 128;
const MAX_BLOCKS_IN_FLIGHT = 512;

/** Thrown when bytes cannot be read right now; `code` tells the caller why. */
export class BlobUnavailableError extends Error {
  readonly code = 'blob-unavailable';
}

/** Reads blobs from any writer's core and writes the local writer's, in batches. */
export class BlobStore {
  private readonly store: Corestore;
  private readonly readers = new Map<string, Hyperblobs>();
  private readonly appends = new SerialQueue();
  private local: Hypercore | null = null;
  /** While on, every writer's blob core read from keeps downloading what it appends next. */
  private followingAppends = false;
  private readonly follows = new Map<string, Download>();

  constructor(store: Corestore) {
    this.store = store;
  }

  /** The local writer's blob core, created on first use. */
  async localCore(): Promise<Hypercore> {
    if (!this.local) {
      this.local = this.store.get({ name: LOCAL_BLOB_CORE });
      await this.local.ready();
    }
    return this.local;
  }

  /** Append many files' bytes with as few core appends as possible; returns one pointer per file, in order. */
  async putMany(files: Uint8Array[]): Promise<BlobRef[]> {
    const core = await this.localCore();
    return this.appends.run(async () => {
      const refs: BlobRef[] = [];
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      let blockOffset = core.length;
      let byteOffset = core.byteLength;
      for (const bytes of files) {
        const blocks = splitIntoBlocks(bytes);
        refs.push({ core: core.key as Buffer, blockOffset, blockLength: blocks.length, byteOffset, byteLength: bytes.byteLength });
        blockOffset += blocks.length;
        byteOffset += bytes.byteLength;
        pending.push(...blocks);
        pendingBytes += bytes.byteLength;
        if (pendingBytes >= APPEND_SLICE_BYTES) {
          await core.append(pending);
          pending = [];
          pendingBytes = 0;
        }
      }
      if (pending.length > 0) await core.append(pending);
      return refs;
    });
  }

  /** Read one blob. With `wait: false` fails at once when a block is not local; `timeout` bounds the wait. */
  async get(ref: BlobRef, opts: { wait?: boolean; timeout?: number } = {}): Promise<Buffer> {
    if (ref.byteLength === 0) return Buffer.alloc(0);
    const blobs = await this.reader(ref.core);
    const id: BlobId = { blockOffset: ref.blockOffset, blockLength: ref.blockLength, byteOffset: ref.byteOffset, byteLength: ref.byteLength };
    try {
      const bytes = await blobs.get(id, { wait: opts.wait ?? true, timeout: opts.timeout ?? 0 });
      if (!bytes) throw new BlobUnavailableError('The file is not stored on this device yet.');
      this.followIfAsked(ref.core, blobs.core);
      return bytes;
    } catch (err) {
      if (err instanceof BlobUnavailableError) throw err;
      throw new BlobUnavailableError('No connected peer has this file right now. Try again when the author or another subscriber is online.', { cause: err });
    }
  }

  /** Whether every block of a blob is stored locally. */
  async has(ref: BlobRef): Promise<boolean> {
    if (ref.blockLength === 0) return true;
    const blobs = await this.reader(ref.core);
    return blobs.core.has(ref.blockOffset, ref.blockOffset + ref.blockLength);
  }

  /** Download a blob's blocks into the local replica (for offline use). */
  async download(ref: BlobRef): Promise<void> {
    if (ref.blockLength === 0) return;
    const blobs = await this.reader(ref.core);
    await blobs.core.download({ start: ref.blockOffset, end: ref.blockOffset + ref.blockLength }).done();
    this.followIfAsked(ref.core, blobs.core);
  }

  /**
   * Download many blobs with one range request per writer's core (from the first block any of them uses to
   * the last), instead of one round trip each. Blocks of older versions in between come along: a few
   * large ranges cost far less than thousands of small ones. Waits for every range; rejects if any failed.
   */
  async downloadMany(refs: Iterable<BlobRef>): Promise<void> {
    const ranges = new Map<string, BlobRef>();
    for (const ref of refs) {
      if (ref.blockLength === 0) continue;
      const id = ref.core.toString('hex');
      const range = ranges.get(id);
      if (!range) {
        ranges.set(id, { ...ref });
        continue;
      }
      const end = Math.max(range.blockOffset + range.blockLength, ref.blockOffset + ref.blockLength);
      range.blockOffset = Math.min(range.blockOffset, ref.blockOffset);
      range.blockLength = end - range.blockOffset;
    }
    const results = await Promise.allSettled([...ranges.values()].map((range) => this.download(range)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw new BlobUnavailableError('Some files could not be downloaded; they are fetched again when a peer has them.', { cause: failed.reason });
  }

  /**
   * Full replicas: from now on, download what each writer appends to its blob core as soon as a peer
   * announces it, instead of when the op pointing at it has been applied (a round trip later, measured
   * at 4-12 ms of a live edit's latency). A core is followed from its length at the first read or download
   * after this call, which has learnt the writer's length from a peer, so older history is never pulled in.
   */
  followAppends(): void {
    this.followingAppends = true;
  }

  /** Stop the downloads `followAppends` started. */
  stopFollowingAppends(): void {
    this.followingAppends = false;
    for (const download of this.follows.values()) download.destroy();
    this.follows.clear();
  }

  /** The cores holding blobs that this store has opened (for replication accounting). */
  cores(): Hypercore[] {
    return [...this.readers.values()].map((blobs) => blobs.core);
  }

  async close(): Promise<void> {
    this.stopFollowingAppends();
    await this.appends.idle();
    const closing = [...this.readers.values()].map((blobs) => blobs.close());
    this.readers.clear();
    await Promise.all(closing);
    if (this.local) await this.local.close();
    this.local = null;
  }

  private followIfAsked(key: Buffer, core: Hypercore): void {
    const id = key.toString('hex');
    if (!this.followingAppends || this.follows.has(id) || core.writable) return;
    this.follows.set(id, core.download({ start: core.length, end: -1 }));
  }

  private async reader(key: Buffer): Promise<Hyperblobs> {
    const id = key.toString('hex');
    let blobs = this.readers.get(id);
    if (!blobs) {
      const created = new Hyperblobs(this.store.get({ key }), { blockSize: BLOB_BLOCK_SIZE });
      this.readers.set(id, created);
      // Once, when the core opens (registered first, so before any reader continues); not on every read.
      void created.ready().then(() => keepManyInFlight(created.core), () => undefined);
      blobs = created;
    }
    await blobs.ready();
    return blobs;
  }
}

/** Raises a core's floor of block requests in flight per peer (see MIN_BLOCKS_IN_FLIGHT). */
function keepManyInFlight(core: Hypercore): void {
  const replicator = (core as { replicator?: { inflightRange: [number, number]; setInflightRange(min: number, max: number): void } | null }).replicator;
  if (replicator && replicator.inflightRange[0] < MIN_BLOCKS_IN_FLIGHT) replicator.setInflightRange(MIN_BLOCKS_IN_FLIGHT, MAX_BLOCKS_IN_FLIGHT);
}

function splitIntoBlocks(bytes: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += BLOB_BLOCK_SIZE) {
    blocks.push(bytes.subarray(offset, Math.min(offset + BLOB_BLOCK_SIZE, bytes.byteLength)));
  }
  return blocks;
}
