// Subscribing over a local DHT: the preview, initial sync, offline reads, serving from replicas, reconnection,
// lazy mounts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Teardown } from '../support/temp';
import { sameTree, tree } from '../support/folders';
import { eventually, localTestnet, openPeer, peerDataDir } from '../support/network';
import { generateVault } from '../support/vault-generator';
import type { Peer } from '../../src/peer/peer';
import { previewKnowledgeBase } from '../../src/peer/kb-preview';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
});
afterEach(() => teardown.run());



async function closeLater(peer: Peer): Promise<void> {
  await peer.close(); // idempotent: teardown may close it again
}

describe('subscribing', () => {
  it('shows a preview\'s title and description without bidi or control characters, counted and capped', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    await writeFile(path.join(vault, 'a.md'), 'a');
    await writeFile(path.join(vault, 'b.md'), 'bb');
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault, { title: 'Plain' });
    // Metadata written past the author's own checks, as a hostile writer could.
    await author.knowledgeBase(shared.id)!.appendOps([{
      type: 'meta',
      title: 'Invoice\u202efdp.exe\u0007\r\nfrom\t\u2066the bank\u2069',
      description: `First line\r\nsecond\u202e line\u0000\n${'x'.repeat(3000)}`,
      author: 'Someone\u200f\u0085',
    }]);
    const reader = await openPeer(teardown, testnet);

    const preview = await previewKnowledgeBase(reader, shared.link);
    expect(preview.title).toBe('Invoicefdp.exe from the bank');
    expect(preview.author).toBe('Someone');
    expect(preview.description.startsWith('First line\nsecond line\nxxx')).toBe(true);
    expect(Array.from(preview.description)).toHaveLength(2001);
    expect(preview.description.endsWith('…')).toBe(true);
    expect(preview).toMatchObject({ files: 2, bytes: 3, complete: true });
  });

  it('syncs a 1,000-note knowledge base with attachments byte-identical', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    generateVault(vault, { notes: 1000, seed: 7, binaries: 5 });
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
    const reader = await openPeer(teardown, testnet);
    await reader.subscribe(shared.link, mountDir);
    await eventually(() => sameTree(vault, mountDir), '1,000 notes on the subscriber', 60_000);
    expect(Object.keys(await tree(mountDir))).toHaveLength(1005);
    // Once its files are in, a full subscriber keeps the author's log too: a lost device recovers from it.
    const log = reader.store.get({ key: reader.knowledgeBase(shared.id)!.key });
    teardown.add(() => log.close());
    await log.ready();
    await eventually(() => log.length > 0 && log.contiguousLength === log.length, 'the author\'s whole log on the subscriber', 30_000);
  }, 90_000);

  it('reads everything offline after a restart with no peer online', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    await writeFile(path.join(vault, 'Offline.md'), 'still here');
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
    const readerData = await peerDataDir(teardown);
    const reader = await openPeer(teardown, testnet, { dataDir: readerData });
    await reader.subscribe(shared.link, mountDir);
    await eventually(() => sameTree(vault, mountDir), 'initial sync');
    await closeLater(reader);
    await closeLater(author);

    const again = await openPeer(teardown, testnet, { dataDir: readerData });
    await again.resume();
    const kb = again.knowledgeBase(shared.id)!;
    expect((await kb.read('Offline.md', { wait: false })).toString()).toBe('still here');
    expect((await kb.list()).entries.map((e) => e.path)).toEqual(['Offline.md']);
    expect(await readFile(path.join(mountDir, 'Offline.md'), 'utf8')).toBe('still here');
  });

  it('lets a second subscriber sync from the first while the author is offline', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    await writeFile(path.join(vault, 'Relay.md'), 'carried by a replica');
    await writeFile(path.join(vault, 'image.bin'), Buffer.alloc(150_000, 3));
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const first = await openPeer(teardown, testnet);
    const firstMount = path.join(await teardown.dir('tzimtzum-first-'), 'KB');
    await first.subscribe(shared.link, firstMount);
    await eventually(() => sameTree(vault, firstMount), 'first subscriber synced');
    await closeLater(author);

    const second = await openPeer(teardown, testnet);
    const secondMount = path.join(await teardown.dir('tzimtzum-second-'), 'KB');
    await second.subscribe(shared.link, secondMount);
    await eventually(() => sameTree(vault, secondMount), 'second subscriber synced from the first', 30_000);
  });

  it('keeps a knowledge base available from a seeding peer after the author goes offline', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    await writeFile(path.join(vault, 'Seeded.md'), 'kept alive by a seeder');
    await writeFile(path.join(vault, 'picture.bin'), Buffer.alloc(200_000, 5));
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const seeder = await openPeer(teardown, testnet);
    const seeded = await seeder.subscribe(shared.link, null);
    expect(seeded.role).toBe('seeded');
    const kb = seeder.knowledgeBase(shared.id)!;
    await eventually(async () => (await kb.list()).entries.length === 2 && (await Promise.all((await kb.list()).entries.map((e) => kb.blobs.has(e.blob!)))).every(Boolean), 'a complete replica on the seeder', 30_000);
    await closeLater(author);

    const reader = await openPeer(teardown, testnet);
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
    await reader.subscribe(shared.link, mountDir);
    await eventually(() => sameTree(vault, mountDir), 'a sync served by the seeder alone', 30_000);
  });

  it('reconnects after the author\'s swarm is destroyed and recreated', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    await writeFile(path.join(vault, 'a.md'), 'before');
    const authorData = await peerDataDir(teardown);
    const author = await openPeer(teardown, testnet, { dataDir: authorData });
    const shared = await author.share(vault);
    const reader = await openPeer(teardown, testnet);
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
    await reader.subscribe(shared.link, mountDir);
    await eventually(() => sameTree(vault, mountDir), 'initial sync');

    await closeLater(author); // destroys the swarm and the store
    await writeFile(path.join(vault, 'a.md'), 'after the author came back');
    const back = await openPeer(teardown, testnet, { dataDir: authorData });
    await back.resume();
    await eventually(() => sameTree(vault, mountDir), 'the edit made while offline', 30_000);
  });

  it('writes stubs in lazy mode and fetches a note on demand, with a clear error when nobody has it', async () => {
    const vault = await teardown.dir('tzimtzum-vault-');
    await writeFile(path.join(vault, 'Lazy.md'), '# Lazy\n' + 'body '.repeat(200));
    await writeFile(path.join(vault, 'Later.md'), 'fetched later');
    const author = await openPeer(teardown, testnet);
    const shared = await author.share(vault);
    const reader = await openPeer(teardown, testnet);
    const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
    await reader.subscribe(shared.link, mountDir, { mode: 'lazy' });
    await eventually(async () => (await readFile(path.join(mountDir, 'Lazy.md'), 'utf8').catch(() => '')).includes('tzimtzum-stub'), 'stubs');
    const mount = reader.mountOf(shared.id)!;
    expect(mount.isStub('Lazy.md')).toBe(true);
    await mount.fetch('Lazy.md');
    expect(await readFile(path.join(mountDir, 'Lazy.md'), 'utf8')).toBe('# Lazy\n' + 'body '.repeat(200));

    await closeLater(author);
    const timed = new (await import('../../src/mount/mount')).Mount({
      kb: reader.knowledgeBase(shared.id)!, root: mountDir, stateFile: path.join(await teardown.dir(), 's.json'), mode: 'lazy', fetchTimeoutMs: 300,
    });
    await timed.start();
    await expect(timed.fetch('Later.md')).rejects.toMatchObject({ code: 'no-peer', message: expect.stringMatching(/No peer has/) as unknown });
    await timed.close();
  });
});
