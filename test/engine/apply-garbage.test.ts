// A writer is untrusted: nothing it appends may crash `apply` (which would close the base on every
// peer) or change the view unless it is a well-formed op.
import { afterEach, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { decodeOp, encodeOp, SCHEMA_VERSION } from '../../src/engine/schema';
import { linkStores } from '../support/replication';
import { Teardown, seededRandom, testSeed } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

function garbage(random: () => number, valid: Buffer[]): Buffer {
  const pick = random();
  if (pick < 0.3) {
    // Pure noise of any length, but never a version byte above ours (that stops the base on purpose).
    const bytes = Buffer.alloc(Math.floor(random() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    if (bytes.length > 0) bytes[0] = random() < 0.5 ? 0 : SCHEMA_VERSION;
    return bytes;
  }
  const base = Buffer.from(valid[Math.floor(random() * valid.length)]);
  if (pick < 0.55) return base.subarray(0, Math.floor(random() * base.length)); // truncated
  if (pick < 0.7) return Buffer.concat([base, Buffer.from([Math.floor(random() * 256)])]); // trailing byte
  if (pick < 0.85) {
    base[1] = 5 + Math.floor(random() * 200); // unknown op type
    return base;
  }
  // Corrupt a byte after the header, keeping the version legal.
  const i = 2 + Math.floor(random() * Math.max(1, base.length - 2));
  if (i < base.length) base[i] ^= 1 + Math.floor(random() * 255);
  return base;
}

it('skips and counts 10,000 garbage ops without crashing apply or touching the view', async () => {
  const seed = testSeed('apply-garbage');
  const random = seededRandom(seed);
  const store = await teardown.store();
  const kb = new KnowledgeBase({ store, namespace: 'kb/garbage' });
  await kb.ready();
  teardown.add(() => kb.close());
  let failed: Error | null = null;
  kb.on('error', (err) => { failed = err; });

  await kb.putFiles([{ path: 'keep.md', bytes: Buffer.from('kept'), mtime: 1 }]);
  const [blob] = await kb.blobs.putMany([Buffer.from('x')]);
  const valid = [
    encodeOp({ type: 'put', path: 'evil.md', hash: Buffer.alloc(32), size: 1, mtime: 0, kind: 'note', blob, base: null }),
    encodeOp({ type: 'delete', path: 'keep.md', base: null }),
    encodeOp({ type: 'rename', from: 'keep.md', to: 'moved.md', folder: false }),
    encodeOp({ type: 'meta', title: 'hijacked', description: '', author: '' }),
  ];
  const before = (await kb.list()).entries.map((e) => e.path);
  const skippedBefore = await kb.skippedOps();

  const ops: Buffer[] = [];
  let malformed = 0;
  // Keep only ops that are really malformed: a corruption that still decodes is a valid op, not garbage.
  for (let tries = 0; ops.length < 10_000 && tries < 100_000; tries++) {
    const op = garbage(random, valid);
    if (decodeOp(op).status === 'malformed') ops.push(op);
  }
  expect(ops).toHaveLength(10_000);
  for (let i = 0; i < ops.length; i += 1000) await kb.appendRaw(ops.slice(i, i + 1000));
  const skipped = await kb.skippedOps();
  malformed = skipped.skipped - skippedBefore.skipped;

  expect(failed).toBeNull();
  expect(kb.base.closed).toBe(false);
  expect(malformed).toBe(10_000);
  expect((await kb.list()).entries.map((e) => e.path)).toEqual(before);
  expect(await kb.meta()).toBeNull();
  // The base keeps working after the storm.
  await kb.putFiles([{ path: 'after.md', bytes: Buffer.from('still writable'), mtime: 2 }]);
  expect((await kb.read('after.md')).toString()).toBe('still writable');
});

it('counts skipped ops in the view without a block per edit', async () => {
  const store = await teardown.store();
  const kb = new KnowledgeBase({ store, namespace: 'kb/counts' });
  await kb.ready();
  teardown.add(() => kb.close());
  await kb.putFiles([{ path: 'first.md', bytes: Buffer.from('one'), mtime: 1 }]);

  // A clean edit adds its file record and nothing else: no counter is rewritten on every cycle.
  const beforeEdit = kb.version;
  await kb.putFiles([{ path: 'second.md', bytes: Buffer.from('two'), mtime: 2 }]);
  expect(kb.version - beforeEdit).toBe(1);
  expect(await kb.skippedOps()).toEqual({ skipped: 0, lastSkipReason: '' });

  // A skipped op is counted, with its reason, and later cycles keep the count.
  await kb.appendRaw([Buffer.from([SCHEMA_VERSION, 250])]);
  const afterSkip = await kb.skippedOps();
  expect(afterSkip.skipped).toBe(1);
  expect(afterSkip.lastSkipReason).not.toBe('');
  await kb.putFiles([{ path: 'third.md', bytes: Buffer.from('three'), mtime: 3 }]);
  await kb.appendRaw([Buffer.alloc(0)]);
  expect((await kb.skippedOps()).skipped).toBe(2);
});

it('applies a reader\'s replica whatever typed array the writer\'s key was first opened with', async () => {
  // A core's key stays the array its first opener passed; share links decode to a Uint8Array, and a
  // Buffer-only comparison of writer keys threw inside apply, which closes the base.
  const authorStore = await teardown.store();
  const author = new KnowledgeBase({ store: authorStore, namespace: 'kb' });
  await author.ready();
  teardown.add(() => author.close());
  await author.putFiles([{ path: 'note.md', bytes: Buffer.from('text'), mtime: 1 }]);
  const readerStore = await teardown.store();
  const early = readerStore.get({ key: new Uint8Array(author.key) });
  await early.ready();
  await early.close();
  const reader = new KnowledgeBase({ store: readerStore, namespace: 'kb', key: author.key });
  await reader.ready();
  teardown.add(() => reader.close());
  teardown.add(linkStores(authorStore, readerStore));
  let errors = 0;
  reader.on('error', () => errors++);
  for (let attempt = 0; attempt < 200 && !(await reader.stat('note.md', { wait: false }).catch(() => null)); attempt++) {
    await reader.update();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect((await reader.stat('note.md', { wait: false }))?.size).toBe(4);
  expect(errors).toBe(0);
});
