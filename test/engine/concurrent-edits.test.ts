import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

// Two writers of one knowledge base, each with its own store, replicating in-process over real Corestore
// streams; `connect`/`disconnect` make partitions, so concurrent edits are truly concurrent.
let teardown: Teardown;
let owner: KnowledgeBase;
let coauthor: KnowledgeBase;
let stores: Corestore[];
let link: (() => void) | null = null;

function connect(): void {
  link = linkStores(stores[0], stores[1]);
}

function disconnect(): void {
  link?.();
  link = null;
}

async function settle(): Promise<void> {
  for (let round = 0; round < 50; round++) {
    await owner.update();
    await coauthor.update();
    if (owner.base.core.length === coauthor.base.core.length && owner.view.version === coauthor.view.version && (await text(owner)) === (await text(coauthor))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('writers did not converge');
}

async function text(kb: KnowledgeBase): Promise<string> {
  const lines: string[] = [];
  for await (const entry of kb.files()) lines.push(`${entry.path}=${(await kb.read(entry)).toString()}`);
  return lines.join('\n');
}

async function files(kb: KnowledgeBase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of kb.files()) out[entry.path] = (await kb.read(entry)).toString();
  return out;
}

const put = (kb: KnowledgeBase, path: string, body: string) => kb.putFiles([{ path, bytes: Buffer.from(body), mtime: Date.UTC(2026, 11, 2) }]);

beforeEach(async () => {
  teardown = new Teardown();
  stores = [await teardown.store(), await teardown.store()];
  owner = new KnowledgeBase({ store: stores[0], namespace: 'kb' });
  await owner.ready();
  coauthor = new KnowledgeBase({ store: stores[1], namespace: 'kb', key: owner.key });
  await coauthor.ready();
  teardown.add(async () => {
    disconnect();
    await coauthor.close();
    await owner.close();
  });
  connect();
  await owner.addWriter(coauthor.localWriterKey, { role: 'author', name: 'Ada' });
  await settle();
  expect(coauthor.writable).toBe(true);
});
afterEach(() => teardown.run());

describe('concurrent edits of one knowledge base', () => {
  it('merges edits of different lines of a note made while the writers were apart', async () => {
    await put(owner, 'n.md', 'one\ntwo\nthree\n');
    await settle();
    disconnect();
    await put(owner, 'n.md', 'ONE\ntwo\nthree\n');
    await put(coauthor, 'n.md', 'one\ntwo\nthree\nfour\n');
    connect();
    await settle();
    expect(await files(owner)).toEqual({ 'n.md': 'ONE\ntwo\nthree\nfour\n' });
  });

  it('keeps the other version as a conflict copy named after its writer when edits overlap', async () => {
    await put(owner, 'dir/n.md', 'one\n');
    await settle();
    disconnect();
    await put(owner, 'dir/n.md', 'owner\n');
    await put(coauthor, 'dir/n.md', 'ada\n');
    connect();
    await settle();
    const result = await files(coauthor);
    expect(Object.keys(result)).toHaveLength(2);
    const copy = Object.keys(result).find((path) => path !== 'dir/n.md')!;
    expect(copy).toBe(`dir/n (conflict ${copyWriter(result, copy)} 2026-12-02).md`);
    expect(new Set(Object.values(result))).toEqual(new Set(['owner\n', 'ada\n']));
  });

  it('keeps both versions of a binary attachment edited concurrently', async () => {
    await owner.putFiles([{ path: 'p.png', bytes: Buffer.from([1, 2, 3]), mtime: 1 }]);
    await settle();
    disconnect();
    await owner.putFiles([{ path: 'p.png', bytes: Buffer.from([4]), mtime: 2 }]);
    await coauthor.putFiles([{ path: 'p.png', bytes: Buffer.from([5]), mtime: 3 }]);
    connect();
    await settle();
    expect(Object.keys(await files(owner)).sort()).toEqual(expect.arrayContaining(['p.png']));
    expect(Object.keys(await files(owner))).toHaveLength(2);
  });

  it('keeps an edit made concurrently with a delete of the same note', async () => {
    await put(owner, 'n.md', 'base\n');
    await settle();
    disconnect();
    const seen = (await owner.stat('n.md'))!;
    await owner.deleteFiles([{ path: 'n.md', base: seen.hash }]);
    await put(coauthor, 'n.md', 'base\nedited\n');
    connect();
    await settle();
    expect(await files(owner)).toEqual({ 'n.md': 'base\nedited\n' });
  });

  it('applies an edit of a note renamed concurrently at its new path', async () => {
    await put(owner, 'old.md', 'a\nb\n');
    await settle();
    disconnect();
    await owner.rename('old.md', 'new.md');
    await put(coauthor, 'old.md', 'a\nb\nc\n');
    connect();
    await settle();
    expect(await files(owner)).toEqual({ 'new.md': 'a\nb\nc\n' });
  });

  it('stores a merged text in the view and serves it to readers like any file', async () => {
    await put(owner, 'n.md', '1\n2\n3\n4\n');
    await settle();
    disconnect();
    await put(owner, 'n.md', '0\n1\n2\n3\n4\n');
    await put(coauthor, 'n.md', '1\n2\n3\n4\n5\n');
    connect();
    await settle();
    const entry = (await owner.stat('n.md'))!;
    expect(entry.blob).toBeNull();
    expect((await owner.read(entry)).toString()).toBe('0\n1\n2\n3\n4\n5\n');
  });

  it('ignores writer changes from a co-author and file ops from a removed writer', async () => {
    const stranger = Buffer.alloc(32, 7);
    await coauthor.addWriter(stranger, { role: 'owner' });
    await settle();
    expect(await owner.roleOf(stranger)).toBeNull();
    await put(coauthor, 'before.md', 'kept\n');
    await settle();
    await owner.removeWriter(coauthor.localWriterKey);
    await settle();
    expect(await owner.roleOf(coauthor.localWriterKey)).toBeNull();
    expect((await owner.writers()).find((w) => w.key.equals(coauthor.localWriterKey))).toMatchObject({ active: false, name: 'Ada' });
    await put(coauthor, 'after.md', 'dropped\n').catch(() => undefined);
    await settle().catch(() => undefined);
    expect(await files(owner)).toEqual({ 'before.md': 'kept\n' });
  });
});

function copyWriter(_files: Record<string, string>, copy: string): string {
  return copy.includes('conflict Ada ') ? 'Ada' : copy.slice(copy.indexOf('conflict ') + 9, copy.indexOf('conflict ') + 17);
}
