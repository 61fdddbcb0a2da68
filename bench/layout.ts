// Which layout keeps sparse reads small? Compares note bodies stored inline in the Hyperbee (values in the
// B-tree nodes) with Tzimtzum's layout (small records in the tree, bytes in the writer's blob core), for a
// fresh reader that fetches one note from a 10,000-note knowledge base over a replication stream.
// Run: npx tsx bench/layout.ts [--notes 10000]
import Corestore from 'corestore';
import Hyperbee from 'hyperbee';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KnowledgeBase } from '../src/engine/knowledge-base';
import { mulberry32 } from '../test/support/vault-generator';

const NOTES = Number(process.argv[process.argv.indexOf('--notes') + 1]) || 10_000;

function noteBody(random: () => number): Buffer {
  const size = Math.floor(200 + Math.exp(Math.log(2048) + 0.75 * (random() + random() + random() - 1.5)));
  return Buffer.alloc(Math.min(size, 20_000), 'lorem ipsum ');
}

/** Bytes the author's side sends the reader: what crosses the wire, protocol overhead included. */
function wireBytes(stream: NodeJS.ReadableStream): { total: () => number } {
  let total = 0;
  stream.on('data', (chunk: Buffer) => { total += chunk.byteLength; });
  return { total: () => total };
}

async function measure(name: string, build: (store: Corestore) => Promise<{ key: Buffer; read: (store: Corestore, key: Buffer) => Promise<void> }>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tzimtzum-layout-'));
  const author = new Corestore(path.join(dir, 'a'));
  const reader = new Corestore(path.join(dir, 'b'));
  const built = await build(author);
  const s1 = author.replicate(true);
  const s2 = reader.replicate(false);
  const counter = wireBytes(s1);
  s1.pipe(s2).pipe(s1);
  const t0 = performance.now();
  await built.read(reader, built.key);
  const first = { ms: performance.now() - t0, bytes: counter.total() };
  console.log(`${name.padEnd(38)} first note: ${(first.bytes / 1024).toFixed(1).padStart(8)} KiB on the wire in ${first.ms.toFixed(0).padStart(5)} ms`);
  s1.destroy();
  s2.destroy();
  await author.close();
  await reader.close();
  await rm(dir, { recursive: true, force: true });
}

/** Wait for the author's peer and the core's length (bounded), so the read measures data, not discovery. */
async function untilConnected(bee: Hyperbee): Promise<void> {
  if (bee.core.peers.length === 0) await new Promise((resolve) => bee.core.once('peer-add', resolve));
  for (let i = 0; i < 100 && bee.core.length === 0; i++) await bee.core.update({ wait: true });
}

await measure('inline bodies in the B-tree', async (store) => {
  const random = mulberry32(1);
  const bee = new Hyperbee(store.get({ name: 'inline' }), { keyEncoding: 'utf-8', valueEncoding: 'binary' });
  await bee.ready();
  const batch = bee.batch();
  for (let i = 0; i < NOTES; i++) await batch.put(`files/d${i % 50}/note ${i}.md`, noteBody(random));
  await batch.flush();
  return {
    key: bee.core.key!,
    read: async (readerStore, key) => {
      const remote = new Hyperbee(readerStore.get({ key }), { keyEncoding: 'utf-8', valueEncoding: 'binary' });
      await remote.ready();
      await untilConnected(remote);
      await remote.get(`files/d7/note ${NOTES - 43}.md`);
    },
  };
});

await measure('records in tree, bytes in blob core', async (store) => {
  const random = mulberry32(1);
  const kb = new KnowledgeBase({ store, namespace: 'kb/layout' });
  await kb.ready();
  const files = [];
  for (let i = 0; i < NOTES; i++) files.push({ path: `d${i % 50}/note ${i}.md`, bytes: noteBody(random), mtime: 0 });
  await kb.putFiles(files);
  return {
    key: kb.view.core.key!,
    read: async (readerStore, key) => {
      // The reader side of the view alone: the layout question is what one `get` plus its blob costs.
      const remote = new Hyperbee(readerStore.get({ key }), { keyEncoding: 'utf-8', valueEncoding: 'binary' });
      await remote.ready();
      await untilConnected(remote);
      const entry = await remote.get(`files/d7/note ${NOTES - 43}.md`);
      const { decodeRecord, fileRecordEncoding } = await import('../src/engine/view-records');
      const record = decodeRecord(fileRecordEncoding, entry!.value)!;
      if (!record.blob) throw new Error('expected a blob-backed record');
      const blobs = readerStore.get({ key: record.blob.core });
      await blobs.ready();
      for (let i = 0; i < record.blob.blockLength; i++) await blobs.get(record.blob.blockOffset + i);
    },
  };
});
