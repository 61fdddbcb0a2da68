// Reusing a lost device's index: nothing is written until its cores are back from peers, and then the
// recovered device continues the same knowledge base without forking it.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Identity } from '../../src/engine/identity';
import { markRecoveryPending } from '../../src/peer/device-recovery';
import { Teardown } from '../support/temp';
import { sameTree } from '../support/folders';
import { eventually, localTestnet, openPeer, peerDataDir } from '../support/network';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
});
afterEach(() => teardown.run());

it('restores a lost device from a subscriber, then keeps publishing the same knowledge base', async () => {
  const words = Identity.create().walletMnemonic();
  const vault = await teardown.dir('tzimtzum-lost-vault-');
  await writeFile(path.join(vault, 'Note.md'), 'written on the lost laptop');
  const lost = await openPeer(teardown, testnet, { dataDir: await peerDataDir(teardown, { words, deviceIndex: 0 }) });
  lost.on('error', (id, message) => console.log('LOST ERROR', id, message));
  const shared = await lost.share(vault, { title: 'Garden' });
  const reader = await openPeer(teardown, testnet);
  reader.on('error', (id, message) => console.log('READER ERROR', id, message));
  const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
  await reader.subscribe(shared.link, mountDir);
  await eventually(() => sameTree(vault, mountDir), 'the reader in sync');
  // The reader keeps the author's log in the background once in sync; recovery needs it there.
  const log = reader.store.get({ key: reader.knowledgeBase(shared.id)!.key });
  teardown.add(() => log.close());
  await log.ready();
  await eventually(() => log.length > 0 && log.contiguousLength === log.length, 'the author\'s log on the reader');
  await lost.close(); // the laptop is gone

  const newData = await peerDataDir(teardown, { words, deviceIndex: 0 });
  await markRecoveryPending(newData, 0);
  const restored = await openPeer(teardown, testnet, { dataDir: newData });
  restored.on('error', (id, message) => console.log('RESTORED ERROR', id, message));
  const copy = await teardown.dir('tzimtzum-restored-vault-');
  await cp(vault, copy, { recursive: true });
  await expect(restored.share(copy)).rejects.toMatchObject({ code: 'recovery-pending' });

  const found = await restored.recover({ timeoutMs: 10_000, probeMs: 1500, scan: 3 });
  expect(found).toEqual([expect.objectContaining({ id: shared.id, title: 'Garden' })]);
  const attached = await restored.share(copy, { kb: shared.id });
  expect(attached.id).toBe(shared.id);
  await writeFile(path.join(copy, 'Note.md'), 'continued on the new laptop');
  await eventually(async () => (await readFile(path.join(mountDir, 'Note.md'), 'utf8')) === 'continued on the new laptop', 'the new device\'s edit at the reader', 30_000);
  expect((await reader.knowledgeBase(shared.id)!.skippedOps()).skipped).toBe(0);
});
