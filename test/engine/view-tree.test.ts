import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type Corestore from 'corestore';
import type Hyperbee from 'hyperbee';
import type Hypercore from 'hypercore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { honourPreloadOption } from '../../src/engine/hyperbee-preload';
import { fileKey } from '../../src/engine/view-keys';
import { LookupExtension, lookup, openViewTree } from '../../src/engine/view-tree';
import { holdsWithin, linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

// How a single lookup reaches a sparse copy of the view's tree: peers name the blocks on its path, and
// only those are downloaded.
let teardown: Teardown;

beforeEach(() => {
  teardown = new Teardown();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await teardown.run();
});

async function authorWith(notes: number): Promise<{ store: Corestore; kb: KnowledgeBase }> {
  const store = await teardown.store();
  const kb = new KnowledgeBase({ store, namespace: 'kb' });
  await kb.ready();
  teardown.add(() => kb.close());
  const files = Array.from({ length: notes }, (_, i) => ({ path: `d${i % 20}/note ${i}.md`, bytes: Buffer.from(`note ${i}\n`), mtime: 1 }));
  await kb.putFiles(files);
  return { store, kb };
}

/** A fresh store replicating with `from`, holding nothing of the tree yet; counts the tree blocks it downloads. */
async function sparseTree(from: Corestore, treeKey: Buffer): Promise<{ tree: Hyperbee; downloads: () => number }> {
  const store = await teardown.store();
  teardown.add(linkStores(from, store));
  const core: Hypercore = store.get({ key: treeKey });
  let downloads = 0;
  core.on('download', () => downloads++);
  const tree = openViewTree(core);
  teardown.add(() => tree.close());
  await tree.ready();
  await core.update({ wait: true });
  return { tree, downloads: () => downloads };
}

describe('a lookup in a sparse copy of the view\'s tree', () => {
  it('downloads only the blocks on its path, where a plain get also fetches each node\'s other keys and children', async () => {
    const author = await authorWith(2000);
    const key = fileKey('d7/note 1407.md');

    const plain = await sparseTree(author.store, author.kb.treeKey!);
    expect((await plain.tree.get(key, { timeout: 10_000 }))?.value).toBeTruthy();

    const pathOnly = await sparseTree(author.store, author.kb.treeKey!);
    expect(await honourPreloadOption(pathOnly.tree)).toBe(true);
    const found = await lookup(pathOnly.tree, key, { timeout: 10_000 });
    expect(found?.key).toBe(key);

    // A path through 2,000 keys is a few nodes plus the keys its binary searches compare against.
    expect(pathOnly.downloads()).toBeLessThanOrEqual(30);
    expect(plain.downloads()).toBeGreaterThan(pathOnly.downloads() * 1.5);
  });

  it('takes the blocks to fetch from a peer that holds the tree', async () => {
    const author = await authorWith(500);
    const answers = vi.spyOn(LookupExtension.prototype, 'oncache');
    const reader = await sparseTree(author.store, author.kb.treeKey!);
    expect((await lookup(reader.tree, fileKey('d3/note 103.md'), { timeout: 10_000 }))?.value).toBeTruthy();
    // The walk may finish before the answer lands (the root and the answer race): wait for it, bounded.
    expect(await holdsWithin(5_000, () => answers.mock.calls.length > 0)).toBe(true);
    expect(answers.mock.calls[0][0].blocks.length).toBeGreaterThan(3);
  });
});

describe('what peers may make a tree download', () => {
  /** An extension on a stub tree whose downloads are recorded; trees given the same `core` share it. */
  function extension(core: object = {}): { ext: LookupExtension; download: ReturnType<typeof vi.fn> } {
    const download = vi.fn();
    const ext = new LookupExtension({ core: { core, download, length: 1_000 } } as unknown as Hyperbee);
    (ext as unknown as { outgoing: unknown }).outgoing = { broadcast: vi.fn(), send: vi.fn() };
    return { ext, download };
  }
  const named = (blocks: number[]) => ({ blocks, start: Math.min(...blocks), end: Math.max(...blocks) + 1 });

  it('fetches the blocks a peer names while a lookup of ours waits for them', () => {
    const { ext, download } = extension();
    ext.get(500, Buffer.from('files/a.md'));
    ext.oncache(named([499, 250, 3]), null);
    expect(download).toHaveBeenCalledWith(named([499, 250, 3]));
  });

  it('takes an answer that reaches another tree of the same core (a fresh reader has two), and only there', () => {
    const core = {};
    const asking = extension(core);
    const answered = extension(core);
    const elsewhere = extension();
    asking.ext.get(500, Buffer.from('files/a.md'));
    elsewhere.ext.oncache(named([7, 8]), null);
    answered.ext.oncache(named([7, 8]), null);
    expect(elsewhere.download).not.toHaveBeenCalled();
    expect(answered.download).toHaveBeenCalledWith(named([7, 8]));
  });

  it('ignores blocks nobody asked for', () => {
    const { ext, download } = extension();
    ext.oncache(named([1, 2, 3]), null);
    expect(download).not.toHaveBeenCalled();
  });

  it('ignores answers that come long after the question', () => {
    const { ext, download } = extension();
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now);
    ext.get(500, Buffer.from('files/a.md'));
    vi.spyOn(Date, 'now').mockReturnValue(now + 60_000);
    ext.oncache(named([1, 2, 3]), null);
    expect(download).not.toHaveBeenCalled();
  });

  it('ignores blocks past the version the lookup asked about, and more blocks than a path holds', () => {
    const { ext, download } = extension();
    ext.get(500, Buffer.from('files/a.md'));
    ext.oncache(named([1, 500]), null);
    ext.oncache(named(Array.from({ length: 129 }, (_, i) => i)), null);
    expect(download).not.toHaveBeenCalled();
  });

  it('neither asks peers to walk ranges nor walks them for a peer', async () => {
    const { ext } = extension();
    const broadcast = (ext as unknown as { outgoing: { broadcast: ReturnType<typeof vi.fn> } }).outgoing.broadcast;
    ext.iterator({ limit: 10 });
    expect(broadcast).not.toHaveBeenCalled();
    // A tree that walked would read its stub core and fail here.
    await Promise.resolve(ext.oniterator({ version: 10, checkpoint: [] }, null));
  });
});
