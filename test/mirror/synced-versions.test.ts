// The record of what a shared folder last agreed with survives a save and a reopen exactly, and saving it
// writes only what changed.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KnowledgeBase, type FileEntry } from '../../src/engine/knowledge-base';
import { SyncedVersions } from '../../src/mirror/synced-versions';
import { Teardown } from '../support/temp';

let teardown: Teardown;

beforeEach(() => {
  teardown = new Teardown();
});
afterEach(() => teardown.run());

function entry(filePath: string, fill: number): FileEntry {
  return {
    path: filePath, hash: Buffer.alloc(32, fill), size: fill * 100, mtime: 1_700_000_000_000 + fill, kind: 'note',
    blob: { core: Buffer.alloc(32, 200 + fill), blockOffset: fill, blockLength: 1, byteOffset: fill * 100, byteLength: fill * 100 },
    writer: Buffer.alloc(32, 7),
  };
}

it('reopens with every put, move and delete it saved', async () => {
  const kb = new KnowledgeBase({ store: await teardown.store(), namespace: 'kb/synced' });
  await kb.ready();
  teardown.add(() => kb.close());
  const file = path.join(await teardown.dir('tzimtzum-synced-'), 'synced.json');
  const synced = await SyncedVersions.open(file, kb, { fresh: true });
  synced.put(entry('Notes/a.md', 1));
  synced.put(entry('Notes/"quoted" \\ b.md', 2));
  synced.put(entry('Drafts/x.md', 3));
  synced.put(entry('Drafts/y.md', 4));
  synced.put(entry('Notes/a.md', 5)); // a newer version
  synced.move('Drafts', 'Archive/Drafts', true);
  synced.delete('Archive/Drafts/y.md');
  synced.setVersion(17);
  await synced.save();

  const reopened = await SyncedVersions.open(file, kb);
  expect(reopened.version).toBe(17);
  const byPath = (entries: FileEntry[]) => Object.fromEntries(entries.map((e) => [e.path, e]));
  expect(byPath(reopened.all())).toEqual(byPath(synced.all()));
  expect(Object.keys(byPath(reopened.all())).sort()).toEqual(['Archive/Drafts/x.md', 'Notes/"quoted" \\ b.md', 'Notes/a.md']);
  expect((await reopened.get('Notes/a.md'))?.hash).toEqual(Buffer.alloc(32, 5));
});

it('reads a record saved whole by an earlier version, then appends only what changes', async () => {
  const kb = new KnowledgeBase({ store: await teardown.store(), namespace: 'kb/synced' });
  await kb.ready();
  teardown.add(() => kb.close());
  const file = path.join(await teardown.dir('tzimtzum-synced-'), 'synced.json');
  const stored = (e: FileEntry) => [e.path, e.hash.toString('hex'), e.size, e.mtime, e.kind,
    [e.blob!.core.toString('hex'), e.blob!.blockOffset, e.blob!.blockLength, e.blob!.byteOffset, e.blob!.byteLength], e.writer.toString('hex')];
  const files = Array.from({ length: 1500 }, (_, i) => entry(`Notes/${i}.md`, i % 50));
  await writeFile(file, JSON.stringify({ version: 9, files: files.map(stored) }));

  const synced = await SyncedVersions.open(file, kb);
  expect(synced.version).toBe(9);
  expect(synced.all()).toHaveLength(1500);
  const snapshotBytes = (await stat(file)).size;
  synced.put(entry('Notes/7.md', 42));
  synced.setVersion(10);
  await synced.save();
  expect((await stat(file)).size).toBe(snapshotBytes);

  const reopened = await SyncedVersions.open(file, kb);
  expect(reopened.version).toBe(10);
  expect(reopened.all()).toHaveLength(1500);
  expect((await reopened.get('Notes/7.md'))?.hash).toEqual(Buffer.alloc(32, 42));
  expect(await reopened.get('Notes/8.md')).toEqual(entry('Notes/8.md', 8));
});
