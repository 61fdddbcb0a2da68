// A mount's state survives a save and a load exactly, whatever the file names.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
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

  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(state.data);
  const loaded = new MountState(file);
  await loaded.load();
  expect(loaded.data).toEqual(state.data);
  expect(Object.keys(loaded.data.files).sort()).toEqual(['10.md', 'Notes/"quoted" \\ back.md', 'Notes/a.md', 'Ünïcode/日本語.md'].sort());
  expect(loaded.totalBytes).toBe(99 + 10 + 20 + 30);
  expect(loaded.diskOf('Notes/A.md')).toBe('Notes/a.md');
});
