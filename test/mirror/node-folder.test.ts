import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeFolder } from '../../src/mirror/node-folder';
import { Teardown } from '../support/temp';

let teardown: Teardown;
let root: string;
let outside: string;

beforeEach(async () => {
  teardown = new Teardown();
  const parent = await teardown.dir('tzimtzum-node-folder-');
  root = path.join(parent, 'vault');
  outside = path.join(parent, 'secret.md');
  await mkdir(path.join(root, 'Caf\u0065\u0301'), { recursive: true }); // a folder named in NFD, as macOS may leave it
  await writeFile(path.join(root, 'Caf\u0065\u0301', 'Cre\u0300me.md'), 'nfd');
  await writeFile(path.join(root, 'plain.md'), 'plain');
  await writeFile(outside, 'not shared');
});
afterEach(() => teardown.run());

describe('NodeFolder', () => {
  it('lists names in NFC and finds them again whatever their normalization on disk', async () => {
    const folder = new NodeFolder(root);
    const listed = [];
    for await (const file of folder.list()) listed.push(file.path);
    const nfc = 'Caf\u00e9/Cr\u00e8me.md';
    expect(listed.sort()).toEqual([nfc, 'plain.md']);
    expect(await folder.stat(nfc)).toMatchObject({ path: nfc, size: 3 });
    expect(Buffer.from(await folder.read(nfc)).toString()).toBe('nfd');
    expect(Buffer.from(await folder.read('plain.md')).toString()).toBe('plain');
  });

  it('reads files whole at any size: empty, small, and larger than it reads in place', async () => {
    const folder = new NodeFolder(root);
    const sizes = { 'empty.md': 0, 'small.md': 3000, 'edge.bin': 64 * 1024, 'big.bin': 3 * 1024 * 1024 + 17 };
    for (const [name, size] of Object.entries(sizes)) await writeFile(path.join(root, name), Buffer.alloc(size, size % 251));
    for (const [name, size] of Object.entries(sizes)) expect(Buffer.from(await folder.read(name)).equals(Buffer.alloc(size, size % 251))).toBe(true);
  });

  it('answers a missing file with no stat and a read error', async () => {
    const folder = new NodeFolder(root);
    expect(await folder.stat('gone.md')).toBeNull();
    await expect(folder.read('gone.md')).rejects.toThrow(/ENOENT/);
  });

  it('never reaches outside the folder', async () => {
    const folder = new NodeFolder(root);
    for (const rel of ['../secret.md', 'a/../../secret.md', './plain.md', '/secret.md']) {
      expect(await folder.stat(rel)).toBeNull();
      await expect(folder.read(rel)).rejects.toThrow(/not a path inside the shared folder/);
    }
  });
});
