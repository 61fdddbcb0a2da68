// How a mirror appends: puts and ops in bounded batches, in order, with file reads running ahead.
import type { FileInput, KnowledgeBase } from '../engine/knowledge-base';
import type { Op } from '../engine/schema';
import type { MirrorBaseline } from './mirror-baseline';

/**
 * Files and bytes per append, by default. Everything one batch holds is alive at once (the files' bytes,
 * their ops, then the apply cycle's view writes): a 10,000-note import peaked at ~320 MiB with 2,000
 * files / 32 MiB and ~195 MiB with these sizes, and took no longer (an append costs milliseconds;
 * reading and hashing the files is most of the time).
 */
export const DEFAULT_BATCH_FILES = 250;
export const DEFAULT_BATCH_BYTES = 2 * 1024 * 1024;

/**
 * Accumulates puts and ops and appends them in bounded batches, preserving their order. One batch appends
 * while the next fills: `put` and `op` wait only when a batch is full and the one before it is still
 * appending, so reading and hashing files overlaps the appends (a 10,000-note import spent 2.5 of its
 * 4.5 s waiting on appends with the reads stopped). `flush` waits for everything.
 *
 * Files that fit are copied into a buffer the batch reuses once their append is done, so a file's own
 * buffer dies young: kept until a batch flushes, each read survived into the old generation and thousands
 * of them piled up between full collections (~10-20 MiB of the import's peak). Two such buffers are in use
 * at most, one appending and one filling; a finished one goes back to a pool shared by all batches, since a
 * live edit makes a batch of its own, and a fresh 2 MiB buffer per edit made the author collect garbage
 * every few edits (10-20 ms pauses in a third of the edits' latencies).
 */
export class OpBatch {
  private files: FileInput[] = [];
  private ops: Op[] = [];
  private bytes = 0;
  /** The buffer files are copied into; null until the first copy, or while a fresh one is needed. */
  private slab: Buffer | null = null;
  /** The batch being appended; rejects with its append's error, which the next `put`, `op` or `flush` throws. */
  private appending: Promise<void> = Promise.resolve();

  constructor(private readonly kb: KnowledgeBase, private readonly maxFiles: number, private readonly maxBytes: number, private readonly baseline?: MirrorBaseline) {}

  async put(file: FileInput): Promise<void> {
    // Ops queued before this put must land before it; send them first.
    if (this.ops.length > 0) await this.send();
    const size = file.bytes.byteLength;
    if (this.files.length > 0 && this.bytes + size > this.maxBytes) await this.send();
    this.files.push(size <= this.maxBytes ? { ...file, bytes: this.copy(file.bytes) } : file);
    this.bytes += size;
    if (this.files.length >= this.maxFiles || this.bytes >= this.maxBytes) await this.send();
  }

  async op(op: Op): Promise<void> {
    if (this.files.length > 0) await this.send();
    this.ops.push(op);
  }

  /** Append everything queued, and wait until it is appended. */
  async flush(): Promise<void> {
    await this.send();
    await this.appending;
  }

  /** Start appending what is queued once the batch before it is appended (at most one append runs). */
  private async send(): Promise<void> {
    // Another send may have started an append while this one waited: wait for that one too.
    for (let current = this.appending; ; current = this.appending) {
      await current;
      if (current === this.appending) break;
    }
    if (this.files.length === 0 && this.ops.length === 0) return;
    const files = this.files;
    const ops = this.ops;
    const slab = this.slab;
    this.files = [];
    this.ops = [];
    this.bytes = 0;
    this.slab = null;
    this.appending = this.append(files, ops, slab);
    // Seen by whoever sends or flushes next; never left unhandled in between.
    this.appending.catch(() => undefined);
  }

  private async append(files: FileInput[], ops: Op[], slab: Buffer | null): Promise<void> {
    if (files.length > 0) for (const entry of await this.kb.putFiles(files)) this.baseline?.put(entry);
    // The append has stored the bytes (nothing keeps the blocks it was given): the buffer is free again.
    if (slab) releaseSlab(slab);
    if (ops.length > 0) await this.kb.appendOps(ops);
    for (const op of ops) if (op.type === 'rename') this.baseline?.move(op.from, op.to, op.folder);
  }

  /** `bytes` copied behind the batch's other files (the caller checked they fit). */
  private copy(bytes: Uint8Array): Uint8Array {
    if (!this.slab) {
      // Not zeroed: a flush of one small note writes (and makes resident) only the pages it fills.
      this.slab = takeSlab(this.maxBytes);
    }
    const copy = this.slab.subarray(this.bytes, this.bytes + bytes.byteLength);
    copy.set(bytes);
    return copy;
  }
}

/** Buffers whose appends are done, by size, for the next batch that copies files (a few at most). */
const spareSlabs = new Map<number, Buffer[]>();
const MAX_SPARE_SLABS = 2;

function takeSlab(size: number): Buffer {
  return spareSlabs.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

function releaseSlab(slab: Buffer): void {
  const spares = spareSlabs.get(slab.byteLength) ?? [];
  if (spares.length < MAX_SPARE_SLABS) spares.push(slab);
  spareSlabs.set(slab.byteLength, spares);
}

/** Reads in flight at once: file systems serve several, and small notes are cheap to hold. */
const READ_AHEAD_FILES = 32;
/** Bytes in flight at once: attachments sit together in one folder, and 32 of them would be ~64 MiB. */
const READ_AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * Reads items' contents ahead of the consumer, handing them out in order: up to READ_AHEAD_FILES items
 * and (by `sizeOf`, when given) READ_AHEAD_BYTES, but always at least the next one.
 */
export function readAhead<T>(items: T[], read: (item: T) => Promise<Uint8Array>, sizeOf: (item: T) => number = () => 0): { next(): Promise<Uint8Array> } {
  const pending: { promise: Promise<Uint8Array>; size: number }[] = [];
  let pendingBytes = 0;
  let started = 0;
  const fill = () => {
    while (started < items.length && pending.length < READ_AHEAD_FILES) {
      const size = sizeOf(items[started]);
      if (pending.length > 0 && pendingBytes + size > READ_AHEAD_BYTES) break;
      const promise = read(items[started++]);
      promise.catch(() => undefined); // handled when consumed
      pending.push({ promise, size });
      pendingBytes += size;
    }
  };
  return {
    next() {
      fill();
      const { promise, size } = pending.shift()!;
      pendingBytes -= size;
      fill();
      return promise;
    },
  };
}
