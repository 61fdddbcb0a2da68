import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { Mount, type MountMode } from '../../src/mount/mount';
import { STUB_MARKER } from '../../src/mount/mount-files';
import { linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

// A new subscription's mount starts before the knowledge base has arrived (its view is still empty),
// then materializes all of it at once when the view jumps to the author's signed version.
let teardown: Teardown;
let author: KnowledgeBase;
let authorStore: Corestore;

const NOTES = 300;
const noteText = (i: number) => `# Note ${i}\n\n${'A line of the garden. '.repeat(20 + (i % 7))}\n`;

beforeEach(async () => {
  teardown = new Teardown();
  authorStore = await teardown.store();
  author = new KnowledgeBase({ store: authorStore, namespace: 'kb' });
  await author.ready();
  teardown.add(() => author.close());
  const notes = Array.from({ length: NOTES }, (_, i) => ({ path: `f${i % 12}/note ${i}.md`, bytes: Buffer.from(noteText(i)), mtime: 1_700_000_000_000 }));
  const attachment = { path: 'Attachments/big.png', bytes: Buffer.alloc(300 * 1024, 7), mtime: 1_700_000_000_000 };
  await author.putFiles([...notes, attachment]);
});

afterEach(() => teardown.run());

/** A subscriber's knowledge base and mount, started before its store is linked to the author's. */
async function subscriber(mode: MountMode): Promise<{ kb: KnowledgeBase; mount: Mount; root: string }> {
  const store = await teardown.store();
  const kb = new KnowledgeBase({ store, namespace: 'kb', key: author.key, systemKey: author.systemKey });
  await kb.ready();
  teardown.add(() => kb.close());
  const root = await teardown.dir();
  const mount = new Mount({ kb, root, mode, stateFile: path.join(await teardown.dir(), 'mount.json') });
  teardown.add(() => mount.close());
  await mount.start();
  teardown.add(linkStores(authorStore, store));
  return { kb, mount, root };
}

/** Resolves once the mount holds `files` files (bounded). */
async function mounted(mount: Mount, files: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Object.keys(mount.files).length < files) {
    if (Date.now() > deadline) throw new Error(`the mount holds ${Object.keys(mount.files).length} of ${files} files after 20 s`);
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        mount.off('synced', done);
        resolve();
      };
      const timer = setTimeout(done, 50);
      mount.on('synced', done);
    });
  }
}

describe('a new mount\'s first sync', () => {
  it('writes every file and keeps every file\'s bytes in the store (full mode)', async () => {
    const { kb, mount, root } = await subscriber('full');
    await mounted(mount, NOTES + 1);
    expect(await readFile(path.join(root, 'f5/note 41.md'), 'utf8')).toBe(noteText(41));
    expect((await readFile(path.join(root, 'Attachments/big.png'))).equals(Buffer.alloc(300 * 1024, 7))).toBe(true);
    expect(Object.values(mount.files).every((file) => !file.stub)).toBe(true);
    for await (const entry of kb.files()) expect(await kb.blobs.has(entry.blob!)).toBe(true);
    expect(kb.view.core.contiguousLength).toBe(kb.view.core.length);
    expect((await readdir(root)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('writes stubs and downloads no file\'s bytes (lazy mode)', async () => {
    const { kb, mount, root } = await subscriber('lazy');
    await mounted(mount, NOTES + 1);
    expect(await readFile(path.join(root, 'f5/note 41.md'), 'utf8')).toContain(STUB_MARKER);
    for await (const entry of kb.files()) expect(await kb.blobs.has(entry.blob!)).toBe(false);
    await mount.fetch('f5/note 41.md');
    expect(await readFile(path.join(root, 'f5/note 41.md'), 'utf8')).toBe(noteText(41));
  });
});
