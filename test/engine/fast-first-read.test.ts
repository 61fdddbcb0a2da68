import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Corestore from 'corestore';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../src/engine/knowledge-base';
import { applyNodes } from '../../src/engine/apply';
import { Teardown } from '../support/temp';

// A fresh reader that knows the signed view's key (share links carry it) jumps to it instead of
// replaying the author's ops, and only when the knowledge base's creator signed that view.
let teardown: Teardown;

beforeEach(() => {
  teardown = new Teardown();
});
afterEach(() => teardown.run());

async function authorWith(notes: number, title: string): Promise<{ store: Corestore; kb: KnowledgeBase }> {
  const store = await teardown.store();
  const kb = new KnowledgeBase({ store, namespace: 'kb' });
  await kb.ready();
  teardown.add(() => kb.close());
  const files = Array.from({ length: notes }, (_, i) => ({ path: `d${i % 20}/note ${i}.md`, bytes: Buffer.from(`${title} ${i}\n`.repeat(40)), mtime: 1 }));
  await kb.putFiles(files);
  return { store, kb };
}

/** A reader on its own store, linked to the author's; counts the bytes it receives. */
async function reader(author: { store: Corestore; kb: KnowledgeBase }, systemKey: Buffer | null, more: Partial<KnowledgeBaseOptions> = {}): Promise<{ kb: KnowledgeBase; store: Corestore; received: () => number }> {
  const store = await teardown.store();
  const bytes = link(author.store, store);
  const kb = new KnowledgeBase({ store, namespace: 'kb', key: author.kb.key, systemKey, ...more });
  await kb.ready();
  teardown.add(() => kb.close());
  return { kb, store, received: bytes };
}

/** Replicates two stores with each other; returns a count of the bytes `from` sent. */
function link(from: Corestore, to: Corestore): () => number {
  const left = from.replicate(true);
  const right = to.replicate(false);
  let bytes = 0;
  left.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength;
  });
  left.pipe(right).pipe(left);
  left.on('error', () => undefined);
  right.on('error', () => undefined);
  teardown.add(() => {
    left.destroy();
    right.destroy();
  });
  return () => bytes;
}

async function firstRead(kb: KnowledgeBase, path: string): Promise<string> {
  for (let attempt = 0; attempt < 500; attempt++) {
    await kb.update();
    const entry = await kb.stat(path, { wait: false }).catch(() => null);
    if (entry) return (await kb.read(entry, { timeout: 10_000 })).toString();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${path} never appeared`);
}

describe('a fresh reader\'s first note', () => {
  it('downloads a small part of what replaying the author\'s ops costs, when the link names the signed view', async () => {
    const author = await authorWith(2000, 'garden');
    const replaying = await reader(author, null);
    expect(await firstRead(replaying.kb, 'd7/note 1407.md')).toMatch(/^garden 1407\n/);
    const jumping = await reader(author, author.kb.systemKey);
    expect(await firstRead(jumping.kb, 'd7/note 1407.md')).toMatch(/^garden 1407\n/);
    expect(jumping.received()).toBeLessThan(replaying.received() / 4);
  });

  it('ignores a view key that the knowledge base\'s creator did not sign', async () => {
    const author = await authorWith(50, 'garden');
    const other = await authorWith(50, 'impostor');
    const misled = await reader(author, other.kb.systemKey);
    expect(await firstRead(misled.kb, 'd7/note 7.md')).toMatch(/^garden 7\n/);
    expect(misled.kb.systemKey!.equals(other.kb.systemKey!)).toBe(false);
  });
});

describe('a fresh reader given the file tree\'s key', () => {
  /** A reader whose own view stays empty until `release` (its apply is held back), so lookups cannot come from it. */
  async function heldReader(author: { store: Corestore; kb: KnowledgeBase }, treeKey: Buffer, alsoFrom?: Corestore) {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const opened = await reader(author, null, {
      treeKey,
      apply: async (nodes, view, host, ctx) => {
        await held;
        await applyNodes(nodes, view, host, ctx);
      },
    });
    teardown.add(() => release()); // runs before the reader closes: teardown runs in reverse
    if (alsoFrom) link(alsoFrom, opened.store);
    return opened.kb;
  }

  it('looks a note up in that signed tree while its own view is still empty', async () => {
    const author = await authorWith(200, 'garden');
    const kb = await heldReader(author, author.kb.treeKey!);
    // No `update()` here: it would wait for the held apply. The tree is sparse: lookups wait for its blocks.
    const lookup = () => kb.stat('d7/note 107.md', { timeout: 5_000 }).catch(() => null);
    let entry = await lookup();
    for (let attempt = 0; !entry && attempt < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      entry = await lookup();
    }
    expect(entry).not.toBeNull();
    expect((await kb.read(entry!, { timeout: 10_000 })).toString()).toMatch(/^garden 107\n/);
    expect(kb.view.core.length).toBe(0);
    expect(kb.version).toBeLessThanOrEqual(1);
  });

  it('ignores a tree its creator did not sign', async () => {
    const author = await authorWith(20, 'garden');
    const other = await authorWith(20, 'impostor');
    // The reader is connected to the impostor too, so it can fetch the impostor's tree and its signer.
    const kb = await heldReader(author, other.kb.treeKey!, other.store);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await kb.stat('d7/note 7.md', { timeout: 1_000 })).toBeNull();
  });
});
