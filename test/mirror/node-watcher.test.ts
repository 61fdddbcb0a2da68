// The file-system watcher behind the CLI's shared folders: every change, creation and removal in the
// tree is reported with its '/'-separated path, folders created or moved in included, hidden ones never.
import { afterEach, expect, it } from 'vitest';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FolderEvent } from '../../src/mirror/folder-source';
import { NodeFolderWatcher } from '../../src/mirror/node-watcher';
import { holdsWithin } from '../support/replication';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** A watched temp folder, the events seen so far, and a way to wait for one. */
async function watched() {
  const root = await teardown.dir('tzimtzum-watch-');
  const outside = await teardown.dir('tzimtzum-watch-outside-');
  const events: FolderEvent[] = [];
  const stop = new NodeFolderWatcher(root).subscribe((event) => events.push(event));
  teardown.add(stop);
  const seen = (type: FolderEvent['type'], file?: string) => events.some((event) => event.type === type && (file === undefined || ('path' in event && event.path === file)));
  expect(await holdsWithin(5000, () => seen('rescan'))).toBe(true); // the start-up walk is done
  return { root, outside, events, seen, stop };
}

it('reports created, changed and deleted files by their path in the tree', async () => {
  const { root, seen } = await watched();
  await mkdir(path.join(root, 'Notes/Deep'), { recursive: true });
  await writeFile(path.join(root, 'Notes/Deep/new.md'), 'one');
  expect(await holdsWithin(5000, () => seen('changed', 'Notes/Deep/new.md'))).toBe(true);

  await writeFile(path.join(root, 'top.md'), 'two');
  expect(await holdsWithin(5000, () => seen('changed', 'top.md'))).toBe(true);
  await rm(path.join(root, 'top.md'));
  expect(await holdsWithin(5000, () => seen('deleted', 'top.md'))).toBe(true);
});

it('reports the files of a folder moved in, and the folder itself when moved out', async () => {
  const { root, outside, seen } = await watched();
  await mkdir(path.join(outside, 'Project/Sub'), { recursive: true });
  await writeFile(path.join(outside, 'Project/a.md'), 'a');
  await writeFile(path.join(outside, 'Project/Sub/b.md'), 'b');
  await rename(path.join(outside, 'Project'), path.join(root, 'Project'));
  expect(await holdsWithin(5000, () => seen('changed', 'Project/a.md') && seen('changed', 'Project/Sub/b.md'))).toBe(true);

  // Files created in the moved-in folder afterwards are watched too.
  await writeFile(path.join(root, 'Project/Sub/c.md'), 'c');
  expect(await holdsWithin(5000, () => seen('changed', 'Project/Sub/c.md'))).toBe(true);

  await rename(path.join(root, 'Project'), path.join(outside, 'Gone'));
  expect(await holdsWithin(5000, () => seen('deleted', 'Project'))).toBe(true);
});

it('never reports hidden files or anything inside hidden folders', async () => {
  const { root, events, seen } = await watched();
  await mkdir(path.join(root, '.obsidian'));
  await writeFile(path.join(root, '.obsidian/workspace.json'), '{}');
  await writeFile(path.join(root, '.hidden.md'), 'x');
  await writeFile(path.join(root, 'visible.md'), 'y');
  expect(await holdsWithin(5000, () => seen('changed', 'visible.md'))).toBe(true);
  expect(events.filter((event) => 'path' in event && event.path.split('/').some((part) => part.startsWith('.')))).toEqual([]);
});

it('stops reporting once unsubscribed', async () => {
  const { root, events, stop } = await watched();
  stop();
  const before = events.length;
  await writeFile(path.join(root, 'after.md'), 'unseen');
  expect(await holdsWithin(300, () => events.length > before)).toBe(false);
});
