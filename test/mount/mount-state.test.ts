// A mount's state survives a save and a load exactly, whatever the file names, and a save writes only
// what changed.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MountState, type MountedFile } from '../../src/mount/mount-state';
import { Teardown } from '../support/temp';

let teardown: Teardown;

beforeEach(() => {
  teardown = new Teardown();
});
afterEach(() => teardown.run());

function mounted(source: string, size: number): MountedFile {
  return { source, hash: 'a'.repeat(64), written: 'b'.repeat(64), size, stub: size === 0 };
}

it('saves what it remembers, less what it forgot, and loads it back', async () => {
  const file = path.join(await teardown.dir('tzimtzum-state-'), 'mount.json');
  const state = new MountState(file);
  const names = ['Notes/a.md', 'Notes/"quoted" \\ back.md', 'Ünïcode/日本語.md', '10.md', 'Notes/gone.md'];
  for (const [i, name] of names.entries()) state.remember(name, mounted(name, i * 10));
  state.remember('Notes/a.md', mounted('Notes/A.md', 99)); // replaced
  state.forget('Notes/gone.md');
  state.data.appliedVersion = 42;
  await state.save();

  const loaded = new MountState(file);
  await loaded.load();
  expect(loaded.data).toEqual(state.data);
  expect(Object.keys(loaded.data.files).sort()).toEqual(['10.md', 'Notes/"quoted" \\ back.md', 'Notes/a.md', 'Ünïcode/日本語.md'].sort());
  expect(loaded.totalBytes).toBe(99 + 10 + 20 + 30);
  expect(loaded.diskOf('Notes/A.md')).toBe('Notes/a.md');
});

it('appends only the files a live update changed, and reads an earlier whole-file state once', async () => {
  const file = path.join(await teardown.dir('tzimtzum-state-'), 'mount.json');
  // A state saved whole by an earlier version.
  const files = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`Notes/${i}.md`, mounted(`Notes/${i}.md`, i)]));
  await writeFile(file, JSON.stringify({ version: 1, appliedVersion: 7, files }));
  const state = new MountState(file);
  await state.load();
  expect(state.fileCount).toBe(2000);
  expect(state.data.appliedVersion).toBe(7);
  await state.save();
  const snapshotBytes = (await stat(file)).size;

  state.remember('Notes/5.md', mounted('Notes/5.md', 555));
  state.forget('Notes/6.md');
  state.data.appliedVersion = 8;
  await state.save();
  // The snapshot is not rewritten; the log grew by about two records.
  expect((await stat(file)).size).toBe(snapshotBytes);
  expect((await stat(`${file}.log`)).size).toBeLessThan(500);

  const loaded = new MountState(file);
  await loaded.load();
  expect(loaded.data).toEqual(state.data);
  expect(loaded.data.files['Notes/5.md'].size).toBe(555);
  expect('Notes/6.md' in loaded.data.files).toBe(false);
  expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ journal: 1 });
});

it('keeps files named like built-in object properties as ordinary records', async () => {
  const file = path.join(await teardown.dir('tzimtzum-state-'), 'mount.json');
  const state = new MountState(file);
  for (const name of ['__proto__', 'constructor', 'toString']) state.remember(name, mounted(name, 1));
  expect('hasOwnProperty' in state.data.files).toBe(false);
  await state.save();
  const loaded = new MountState(file);
  await loaded.load();
  expect(Object.keys(loaded.data.files).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  expect(loaded.data.files.__proto__).toEqual(mounted('__proto__', 1));
  expect('valueOf' in loaded.data.files).toBe(false);
});
