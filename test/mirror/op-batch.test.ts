import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KnowledgeBase, type FileInput } from '../../src/engine/knowledge-base';
import { OpBatch, readAhead } from '../../src/mirror/op-batch';
import { Teardown } from '../support/temp';

let teardown: Teardown;
let kb: KnowledgeBase;

beforeEach(async () => {
  teardown = new Teardown();
  kb = new KnowledgeBase({ store: await teardown.store(), namespace: 'kb/op-batch' });
  await kb.ready();
  teardown.add(() => kb.close());
});
afterEach(() => teardown.run());

function file(path: string, size: number, fill: number): FileInput {
  return { path, bytes: Buffer.alloc(size, fill), mtime: 0 };
}

describe('OpBatch', () => {
  it('appends each file’s own bytes while later batches reuse the buffer earlier ones were copied into', async () => {
    const batch = new OpBatch(kb, 3, 64);
    const files = [file('a.md', 10, 1), file('b.md', 30, 2), file('c.md', 30, 3), file('d.md', 5, 4), file('e.md', 64, 5), file('f.md', 1, 6), file('g.md', 20, 7)];
    for (const input of files) await batch.put(input);
    await batch.flush();
    for (const input of files) expect(await kb.read(input.path)).toEqual(Buffer.from(input.bytes));
  });

  it('flushes before a file that would overflow the batch, and appends a file bigger than a batch alone', async () => {
    const putFiles = vi.spyOn(kb, 'putFiles');
    const batch = new OpBatch(kb, 100, 64);
    await batch.put(file('a.md', 40, 1));
    await batch.put(file('b.md', 40, 2));
    await batch.put(file('big.pdf', 100, 3));
    await batch.put(file('c.md', 10, 4));
    await batch.flush();
    expect(putFiles.mock.calls.map(([inputs]) => inputs.map((input) => input.path))).toEqual([['a.md'], ['b.md'], ['big.pdf'], ['c.md']]);
    expect(await kb.read('big.pdf')).toEqual(Buffer.alloc(100, 3));
  });

  it('fills the next batch while one appends, and holds a third until the first is appended', async () => {
    const gate = deferred();
    const putFiles = kb.putFiles.bind(kb);
    const calls: string[][] = [];
    vi.spyOn(kb, 'putFiles').mockImplementation(async (inputs) => {
      calls.push(inputs.map((input) => input.path));
      if (calls.length === 1) await gate.promise;
      return putFiles(inputs);
    });
    const batch = new OpBatch(kb, 1, 64);
    await batch.put(file('a.md', 1, 1)); // full: starts appending, and put returns at once
    let thirdQueued = false;
    const second = batch.put(file('b.md', 1, 2)).then(() => { thirdQueued = true; });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual([['a.md']]);
    expect(thirdQueued).toBe(false);
    gate.resolve();
    await second;
    await batch.flush();
    expect(calls).toEqual([['a.md'], ['b.md']]);
    expect(await kb.read('b.md')).toEqual(Buffer.alloc(1, 2));
  });

  it('reuses copy buffers across batches: one live edit after another allocates none', async () => {
    const first = new OpBatch(kb, 10, 4096); // a size no other module allocates
    await first.put(file('warm.md', 10, 1));
    await first.flush();
    const allocate = vi.spyOn(Buffer, 'allocUnsafeSlow');
    for (let i = 0; i < 5; i++) {
      const batch = new OpBatch(kb, 10, 4096); // as each live edit makes its own
      await batch.put(file(`edit ${i}.md`, 10, i));
      await batch.flush();
    }
    // Other modules allocate too; a batch's buffer is the one of its byte limit.
    expect(allocate.mock.calls.filter(([size]) => size === 4096)).toEqual([]);
    allocate.mockRestore();
    for (let i = 0; i < 5; i++) expect(await kb.read(`edit ${i}.md`)).toEqual(Buffer.alloc(10, i));
  });

  it('reports a failed append on the next call, and appends nothing queued after it', async () => {
    const putFiles = vi.spyOn(kb, 'putFiles').mockRejectedValueOnce(new Error('disk full'));
    const batch = new OpBatch(kb, 1, 64);
    await batch.put(file('a.md', 1, 1));
    await expect(batch.put(file('b.md', 1, 2))).rejects.toThrow('disk full');
    expect(putFiles).toHaveBeenCalledTimes(1);
    expect(await kb.stat('b.md', { wait: false })).toBeNull();
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe('readAhead', () => {
  it('reads up to 4 MiB ahead, and always the next file however big', async () => {
    const MiB = 1024 * 1024;
    const sizes = [3 * MiB, 2 * MiB, 10 * MiB, 1, 1];
    const started: number[] = [];
    const reads = readAhead(sizes.map((size, index) => ({ size, index })), (item) => {
      started.push(item.index);
      return Promise.resolve(new Uint8Array(0));
    }, (item) => item.size);
    await reads.next(); // #1 starts only once #0 is handed out: together they are over 4 MiB
    expect(started).toEqual([0, 1]);
    await reads.next(); // #2 alone is over 4 MiB, but it is next, so it starts
    expect(started).toEqual([0, 1, 2]);
    await reads.next();
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});
