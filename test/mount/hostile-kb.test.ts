// A knowledge base written directly (bypassing the author's API) is hostile input for every subscriber.
import { afterEach, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { contentHash } from '../../src/engine/content-hash';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import type { Op } from '../../src/engine/schema';
import { Mount } from '../../src/mount/mount';
import { Teardown } from '../support/temp';
import { eventually, localTestnet, openPeer } from '../support/network';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

const HOSTILE_PATHS = [
  '../../escape.md', '..\\..\\escape.md', '/etc/cron.d/evil', 'C:\\Windows\\evil.md', '\\\\server\\share\\x.md',
  '.obsidian/plugins/evil/main.js', '.obsidian/community-plugins.json', '．obsidian/app.json', '.trash/x.md',
  'notes/../../../up.md', 'a/./b.md', 'ok/\u202egnp.md', 'con.md', 'LPT1.txt', 'trailing. ', 'a\u0000b.md',
  'Cafe\u0301.md', 'Café.md', 'CASE.md', 'case.md', '．．/fullwidth.md', 'x'.repeat(300) + '.md',
];

it('keeps a hostile knowledge base inside its mount, over the network, reporting every rejection', async () => {
  const testnet: Testnet = await localTestnet(teardown);
  const author = await openPeer(teardown, testnet);
  const vault = await teardown.dir('tzimtzum-vault-');
  const shared = await author.share(vault);
  const kb = author.knowledgeBase(shared.id)!;
  const bytes = Buffer.from('payload');
  const [blob] = await kb.blobs.putMany([bytes]);
  const ops: Op[] = HOSTILE_PATHS.map((p) => ({ type: 'put', path: p, hash: contentHash(bytes), size: bytes.length, mtime: 0, kind: 'note', blob, base: null }));
  // A size the blob does not have, and a file claimed to be huge.
  ops.push({ type: 'put', path: 'huge.md', hash: contentHash(bytes), size: 50 * 2 ** 30, mtime: 0, kind: 'note', blob: { ...blob, byteLength: 50 * 2 ** 30 }, base: null });
  ops.push({ type: 'put', path: 'liar.md', hash: Buffer.alloc(32, 7), size: bytes.length, mtime: 0, kind: 'note', blob, base: null });
  await kb.appendOps(ops);

  const readerRoot = await teardown.dir('tzimtzum-reader-vault-');
  const mountDir = path.join(readerRoot, 'Knowledge bases', 'Hostile');
  const reader = await openPeer(teardown, testnet);
  const rejected: string[] = [];
  const errors: string[] = [];
  reader.on('rejected', (_id, list) => rejected.push(...list.map((r) => r.path)));
  reader.on('synced', (_id, summary) => errors.push(...summary.errors.map((e) => e.path)));
  await reader.subscribe(shared.link, mountDir);
  await eventually(() => rejected.length > 0 && errors.includes('liar.md'), 'the hostile entries to be screened', 30_000);

  expect(await readdir(readerRoot)).toEqual(['Knowledge bases']);
  expect(await readdir(path.join(readerRoot, 'Knowledge bases'))).toEqual(['Hostile']);
  // Only the two harmless names survive; of each case or normalization twin, one deterministic winner.
  expect(await allFiles(mountDir)).toEqual(['CASE.md', 'Café.md']);
  expect(rejected).toEqual(expect.arrayContaining(['../../escape.md', '.obsidian/plugins/evil/main.js', '．obsidian/app.json', 'con.md', 'huge.md', 'a/./b.md', 'case.md']));
  // Every other entry is reported, except 'a\u0000b.md', which `apply` already skipped as malformed.
  const reported = new Set([...rejected, 'CASE.md', 'Cafe\u0301.md', 'liar.md', 'a\u0000b.md']);
  expect([...HOSTILE_PATHS, 'huge.md', 'liar.md'].filter((p) => !reported.has(p))).toEqual([]);
  expect((await author.knowledgeBase(shared.id)!.skippedOps()).skipped).toBe(1);
  expect(reader.statusOf(shared.id)).toMatchObject({ role: 'subscribed' }); // the peer is alive and well
});

it('mounts a knowledge base of 100,000 entries within its caps and bounded memory', async () => {
  const store = await teardown.store();
  const kb = new KnowledgeBase({ store, namespace: 'kb/huge' });
  await kb.ready();
  teardown.add(() => kb.close());
  const [blob] = await kb.blobs.putMany([Buffer.from('x')]);
  const hash = contentHash(Buffer.from('x'));
  for (let start = 0; start < 100_000; start += 10_000) {
    const ops: Op[] = [];
    for (let i = start; i < start + 10_000; i++) ops.push({ type: 'put', path: `d${i % 100}/n${i}.md`, hash, size: 1, mtime: 0, kind: 'note', blob, base: null });
    await kb.appendOps(ops);
  }
  const root = path.join(await teardown.dir('tzimtzum-huge-'), 'KB');
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
  const mount = new Mount({ kb, root, stateFile: path.join(await teardown.dir(), 'state.json'), limits: { maxFiles: 2000 } });
  teardown.add(() => mount.close());
  const summary = await mount.start();
  clearInterval(sampler);
  expect(summary.written).toBe(2000);
  expect(summary.rejected).toHaveLength(98_000);
  expect(summary.rejected[0].message).toMatch(/limit of 2000 files/);
  expect((await allFiles(root)).length).toBe(2000);
  expect(peakRss - rssBefore).toBeLessThan(400 * 2 ** 20);
}, 120_000);
