import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Testnet } from 'hyperdht/testnet.js';
import { Identity } from '../../src/engine/identity';
import { tree } from '../support/folders';

/** A folder's notes as text. */
async function notes(dir: string): Promise<Record<string, string>> {
  return Object.fromEntries(Object.entries(await tree(dir)).map(([file, base64]) => [file, Buffer.from(base64, 'base64').toString()]));
}
import { eventually, localTestnet, openPeer, peerDataDir } from '../support/network';
import { Teardown } from '../support/temp';

// One author's two devices (the same recovery words, device 0 and device 1) writing one knowledge base
// through real peers on a loopback testnet: the second device joins with an invite, and both folders
// follow each other's edits.
let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
});
afterEach(() => teardown.run());

async function twoDevices() {
  const words = Identity.create().walletMnemonic();
  const desktop = await openPeer(teardown, testnet, { dataDir: await peerDataDir(teardown, { words, deviceIndex: 0 }) });
  const laptop = await openPeer(teardown, testnet, { dataDir: await peerDataDir(teardown, { words, deviceIndex: 1 }) });
  const desktopFolder = await teardown.dir('tzimtzum-desktop-');
  await fs.writeFile(path.join(desktopFolder, 'Plans.md'), 'first\nsecond\nthird\n');
  const shared = await desktop.share(desktopFolder, { title: 'Garden' });
  const invite = await desktop.inviteWriter(shared.id, { role: 'owner', expiresInMs: 60_000, name: 'laptop' });
  const laptopFolder = path.join(await teardown.dir('tzimtzum-laptop-'), 'Garden');
  const joined = await laptop.joinAsWriter(invite.links.link, laptopFolder, { timeoutMs: 20_000 });
  return { desktop, laptop, desktopFolder, laptopFolder, shared, joined };
}

describe('a second device joining as a writer', () => {
  it('redeems an invite, fills its empty folder, and both folders follow each other', async () => {
    const { desktop, laptop, desktopFolder, laptopFolder, shared, joined } = await twoDevices();
    expect(joined).toMatchObject({ id: shared.id, role: 'shared', writable: true, title: 'Garden' });
    await eventually(async () => (await notes(laptopFolder))['Plans.md'] === 'first\nsecond\nthird\n', 'the note on the laptop');

    await fs.writeFile(path.join(laptopFolder, 'From laptop.md'), 'written on the laptop\n');
    await eventually(async () => (await notes(desktopFolder))['From laptop.md'] === 'written on the laptop\n', 'the laptop\'s note on the desktop');
    await fs.writeFile(path.join(desktopFolder, 'Plans.md'), 'FIRST\nsecond\nthird\n');
    await eventually(async () => (await notes(laptopFolder))['Plans.md'] === 'FIRST\nsecond\nthird\n', 'the desktop\'s edit on the laptop');

    const writers = await desktop.writersOf(shared.id);
    expect(writers.map((w) => ({ role: w.role, name: w.name, active: w.active }))).toEqual([
      { role: 'owner', name: '', active: true },
      { role: 'owner', name: 'laptop', active: true },
    ]);
    expect((await laptop.writersOf(shared.id)).length).toBe(2);
  });

  it('merges edits of different lines made on both devices at once, in both folders', async () => {
    const { desktopFolder, laptopFolder } = await twoDevices();
    await eventually(async () => (await notes(laptopFolder))['Plans.md'] === 'first\nsecond\nthird\n', 'the note on the laptop');
    await Promise.all([
      fs.writeFile(path.join(desktopFolder, 'Plans.md'), 'first (desktop)\nsecond\nthird\n'),
      fs.writeFile(path.join(laptopFolder, 'Plans.md'), 'first\nsecond\nthird (laptop)\n'),
    ]);
    const merged = 'first (desktop)\nsecond\nthird (laptop)\n';
    await eventually(async () => (await notes(desktopFolder))['Plans.md'] === merged && (await notes(laptopFolder))['Plans.md'] === merged, 'the merged note in both folders', 30_000);
    expect(await notes(desktopFolder)).toEqual(await notes(laptopFolder));
  });

  it('refuses to join into a folder that already holds notes', async () => {
    const words = Identity.create().walletMnemonic();
    const desktop = await openPeer(teardown, testnet, { dataDir: await peerDataDir(teardown, { words, deviceIndex: 0 }) });
    const laptop = await openPeer(teardown, testnet, { dataDir: await peerDataDir(teardown, { words, deviceIndex: 1 }) });
    const shared = await desktop.share(await teardown.dir(), { title: 'Garden' });
    const invite = await desktop.inviteWriter(shared.id, { role: 'author', expiresInMs: 60_000 });
    const busy = await teardown.dir();
    await fs.writeFile(path.join(busy, 'mine.md'), 'mine');
    await expect(laptop.joinAsWriter(invite.code, busy)).rejects.toMatchObject({ code: 'folder-in-use' });
  });
});
