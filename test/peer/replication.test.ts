import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Teardown } from '../support/temp';
import { sameTree, tree } from '../support/folders';
import { eventually, localTestnet, openPeer } from '../support/network';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
});
afterEach(() => teardown.run());


describe('sharing and subscribing over a local DHT', () => {
  it('syncs a shared folder to a subscriber and follows live edits, renames and deletions', async () => {
    const vault = await teardown.dir('tzimtzum-author-vault-');
    await mkdir(path.join(vault, 'Topics'));
    await writeFile(path.join(vault, 'Welcome.md'), '# Welcome');
    await writeFile(path.join(vault, 'Topics/Idea.md'), 'an idea');
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault, { title: 'Demo KB' });
    expect(shared.link).toMatch(/^tzimtzum:\/\//);

    const mountDir = path.join(await teardown.dir('tzimtzum-reader-vault-'), 'Knowledge bases', 'Demo KB');
    const reader = await openPeer(teardown, testnet);
    await reader.subscribe(shared.link, mountDir);
    await eventually(async () => sameTree(vault, mountDir), 'initial sync');

    await writeFile(path.join(vault, 'Welcome.md'), '# Welcome, edited');
    await eventually(async () => (await readFile(path.join(mountDir, 'Welcome.md'), 'utf8').catch(() => '')) === '# Welcome, edited', 'live edit');
    await rename(path.join(vault, 'Topics/Idea.md'), path.join(vault, 'Topics/Renamed.md'));
    await rm(path.join(vault, 'Welcome.md'));
    await eventually(async () => sameTree(vault, mountDir), 'rename and delete');
    expect(Object.keys(await tree(mountDir))).toEqual(['Topics/Renamed.md']);
  });
});

describe('the swarm', () => {
  it('pins the author\'s device so the subscriber dials it directly', async () => {
    const vault = await teardown.dir('tzimtzum-author-vault-');
    await writeFile(path.join(vault, 'a.md'), 'a');
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const reader = await openPeer(teardown, testnet);
    const pins = vi.spyOn(reader.swarm, 'pin');
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-vault-'), 'KB');
    await reader.subscribe(shared.link, mountDir);
    const kb = reader.knowledgeBase(shared.id)!;
    await eventually(() => kb.pinnedPeers().some((key) => key.equals(author.swarm.publicKey)), 'the author\'s swarm key in the view');
    // Read from the view after the subscription joined: the swarm pins it as soon as it is known.
    await eventually(() => pins.mock.calls.some(([key]) => key.equals(author.swarm.publicKey)), 'the author\'s device pinned');
  });

  it('closes connections that no longer serve any knowledge base when one is left', async () => {
    const vault = await teardown.dir('tzimtzum-author-vault-');
    await writeFile(path.join(vault, 'a.md'), 'a');
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const reader = await openPeer(teardown, testnet);
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-vault-'), 'KB');
    await reader.subscribe(shared.link, mountDir);
    await eventually(async () => (await readFile(path.join(mountDir, 'a.md'), 'utf8').catch(() => '')) === 'a', 'initial sync');
    expect(reader.swarm.connections).toBeGreaterThan(0);
    expect(reader.statusOf(shared.id)!.network!.peers).toBeGreaterThan(0);
    await reader.unsubscribe(shared.id);
    // The mount's state (its snapshot and its log) goes with the subscription.
    expect(await readdir(path.join(reader.dataDir, 'mounts'))).toEqual([]);
    await eventually(() => reader.swarm.connections === 0, 'the connection to close', 10_000);
  });
});
