import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileWriter, UnsafeWriteError } from '../../src/mount/file-writer';
import { inParallel } from '../../src/engine/serial';
import { Teardown } from '../support/temp';

let teardown: Teardown;
let root: string;
let writer: FileWriter;

beforeEach(async () => {
  teardown = new Teardown();
  root = await teardown.dir();
  writer = new FileWriter(root);
});

afterEach(() => teardown.run());

describe('FileWriter', () => {
  it('writes a file with its folders and its modification time', async () => {
    await writer.write({ path: 'a/b/Note.md', bytes: Buffer.from('hello'), mtime: 1_700_000_000_000 });
    expect(await readFile(path.join(root, 'a/b/Note.md'), 'utf8')).toBe('hello');
    expect((await stat(path.join(root, 'a/b/Note.md'))).mtimeMs).toBe(1_700_000_000_000);
  });

  it('refuses to replace a folder with a file and leaves no temp file behind', async () => {
    await mkdir(path.join(root, 'Note.md', 'inside'), { recursive: true });
    await expect(writer.write({ path: 'Note.md', bytes: Buffer.from('x') })).rejects.toBeInstanceOf(UnsafeWriteError);
    expect((await lstat(path.join(root, 'Note.md'))).isDirectory()).toBe(true);
    expect(await readdir(root)).toEqual(['Note.md']);
  });

  it('replaces a symbolic link itself, never the file it points to', async () => {
    const outside = path.join(await teardown.dir(), 'outside.md');
    await writeFile(outside, 'keep me');
    await symlink(outside, path.join(root, 'Note.md'));
    await writer.write({ path: 'Note.md', bytes: Buffer.from('mine') });
    expect(await readFile(outside, 'utf8')).toBe('keep me');
    expect((await lstat(path.join(root, 'Note.md'))).isFile()).toBe(true);
    await expect(readlink(path.join(root, 'Note.md'))).rejects.toThrow();
  });

  it('writes many files and reports each failure without stopping the others', async () => {
    await mkdir(path.join(root, 'taken.md'));
    const jobs = ['one.md', 'taken.md', 'two.md'].map((p) => ({ path: p, bytes: Buffer.from(p) }));
    const written: string[] = [];
    const errors = await writer.writeMany(jobs, (job) => written.push(job.path));
    expect(errors.map((e) => e.path)).toEqual(['taken.md']);
    expect(written.sort()).toEqual(['one.md', 'two.md']);
  });

  it('lists what is in its folder (links too, never followed), without hidden folders or its temp files', async () => {
    const outside = await teardown.dir();
    await writeFile(path.join(outside, 'elsewhere.md'), 'not listed');
    await writer.write({ path: 'Deep/Café.md'.normalize('NFD'), bytes: Buffer.from('é') });
    await writer.write({ path: 'top.md', bytes: Buffer.from('t') });
    await mkdir(path.join(root, '.obsidian'));
    await writeFile(path.join(root, '.obsidian/app.json'), '{}');
    await writeFile(path.join(root, '.tzimtzum-left-by-a-crash'), 'x');
    await symlink(outside, path.join(root, 'linked folder'));
    expect([...(await writer.listFiles())].sort()).toEqual(['Deep/Café.md'.normalize('NFC'), 'linked folder', 'top.md']);
  });
});

describe('inParallel', () => {
  it('runs every item once with no more than the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await inParallel(Array.from({ length: 50 }, (_, i) => i), 4, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(item);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(peak).toBe(4);
  });
});
