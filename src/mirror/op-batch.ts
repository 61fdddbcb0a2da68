// How a mirror appends: puts and ops in bounded batches, in order, with file reads running ahead.
import type { FileInput, KnowledgeBase } from '../engine/knowledge-base';
import type { Op } from '../engine/schema';
import type { MirrorBaseline } from './mirror-baseline';

/** Accumulates puts and ops and appends them in bounded batches, preserving their order. */
export class OpBatch {
  private files: FileInput[] = [];
  private ops: Op[] = [];
  private bytes = 0;

  constructor(private readonly kb: KnowledgeBase, private readonly maxFiles: number, private readonly maxBytes: number, private readonly baseline?: MirrorBaseline) {}

  async put(file: FileInput): Promise<void> {
    // Ops queued before this put must land before it; flush them first.
    if (this.ops.length > 0) await this.flush();
    this.files.push(file);
    this.bytes += file.bytes.byteLength;
    if (this.files.length >= this.maxFiles || this.bytes >= this.maxBytes) await this.flush();
  }

  async op(op: Op): Promise<void> {
    if (this.files.length > 0) await this.flush();
    this.ops.push(op);
  }

  async flush(): Promise<void> {
    const files = this.files;
    const ops = this.ops;
    this.files = [];
    this.ops = [];
    this.bytes = 0;
    if (files.length > 0) for (const entry of await this.kb.putFiles(files)) this.baseline?.put(entry);
    if (ops.length > 0) await this.kb.appendOps(ops);
    for (const op of ops) if (op.type === 'rename') this.baseline?.move(op.from, op.to, op.folder);
  }
}

const READ_AHEAD = 32;

/** Reads items' contents up to READ_AHEAD ahead of the consumer, handing them out in order. */
export function readAhead<T>(items: T[], read: (item: T) => Promise<Uint8Array>): { next(): Promise<Uint8Array> } {
  const pending: Promise<Uint8Array>[] = [];
  let started = 0;
  const fill = () => {
    while (started < items.length && pending.length < READ_AHEAD) {
      const promise = read(items[started++]);
      promise.catch(() => undefined); // handled when consumed
      pending.push(promise);
    }
  };
  return {
    next() {
      fill();
      const promise = pending.shift()!;
      fill();
      return promise;
    },
  };
}
