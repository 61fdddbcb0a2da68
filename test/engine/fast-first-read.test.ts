import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
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
async function reader(author: { store: Corestore; kb: KnowledgeBase }, systemKey: Buffer | null): Promise<{ kb: KnowledgeBase; received: () => number }> {
  const store = await teardown.store();
  const left = author.store.replicate(true);
  const right = store.replicate(false);
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
  const kb = new KnowledgeBase({ store, namespace: 'kb', key: author.kb.key, systemKey });
  await kb.ready();
  teardown.add(() => kb.close());
  return { kb, received: () => bytes };
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
