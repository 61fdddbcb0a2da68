// Paid notes end to end on a loopback DHT with the local payment rail: buy, unlock, updates, restarts,
// restoring on a fresh device, and what is never readable without paying.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Identity } from '../../src/engine/identity';
import { LocalLedger } from '../../src/payments/local-ledger';
import { LocalRail } from '../../src/payments/local-rail';
import { parseUnlockBlock } from '../../src/paywall/locked-stub';
import type { Peer } from '../../src/peer/peer';
import { Teardown } from '../support/temp';
import { eventually, localTestnet, openPeer, peerDataDir } from '../support/network';

const SECRET = 'The secret technique is to water the garden at dawn.';
const NOTE = `---\nprice: 2100\npreview: "How the best gardeners water"\n---\n# Watering\n\n${SECRET}\n`;

let teardown: Teardown;
let testnet: Testnet;
let ledger: LocalLedger;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
  ledger = new LocalLedger();
  await ledger.fund('reader', 100_000);
});
afterEach(() => teardown.run());

async function allText(dir: string): Promise<string> {
  let text = '';
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) await walk(child);
      else text += (await readFile(path.join(dir, child))).toString('latin1');
    }
  };
  await walk('');
  return text;
}

async function setUp(opts: { readerWords?: string } = {}) {
  const vault = await teardown.dir('tzimtzum-author-');
  await writeFile(path.join(vault, 'Watering.md'), NOTE);
  await writeFile(path.join(vault, 'Free.md'), 'free for all');
  const authorData = await peerDataDir(teardown);
  const author = await openPeer(teardown, testnet, { dataDir: authorData, rails: { seller: new LocalRail({ ledger, wallet: 'author' }) } });
  const shared = await author.share(vault);
  const readerData = await peerDataDir(teardown, { words: opts.readerWords });
  const reader = await openPeer(teardown, testnet, { dataDir: readerData, rails: { buyer: new LocalRail({ ledger, wallet: 'reader' }) } });
  const mountDir = path.join(await teardown.dir('tzimtzum-reader-'), 'KB');
  await reader.subscribe(shared.link, mountDir);
  const stubFile = path.join(mountDir, 'Watering.md');
  await eventually(async () => (await readFile(stubFile, 'utf8').catch(() => '')).includes('tzimtzum-unlock'), 'the locked stub');
  return { vault, author, authorData, shared, reader, readerData, mountDir, stubFile };
}

async function buy(reader: Peer, kbId: string, stubFile: string): Promise<void> {
  const stub = await readFile(stubFile, 'utf8');
  const block = /```tzimtzum-unlock\n([\s\S]*?)```/.exec(stub)![1];
  const request = parseUnlockBlock(block)!;
  await eventually(() => reader.paywall.transport.links(reader.knowledgeBase(kbId)!.discoveryKey).length > 0, 'an unlock channel to the author');
  const offer = await reader.paywall.requestOffer(kbId, request.noteId);
  expect(offer.amountSats).toBe(2100);
  await reader.paywall.payWithWallet(offer.requestId, { maxFeeSats: 100 });
}

describe('paid notes', () => {
  it('shows a locked stub whose files and replica never contain the paid text', async () => {
    const { mountDir, stubFile, readerData, reader, shared } = await setUp();
    const stub = await readFile(stubFile, 'utf8');
    expect(stub).toContain('How the best gardeners water');
    expect(stub).toContain('2,100 sats');
    expect(await allText(mountDir)).not.toContain('secret technique');
    expect(await allText(readerData)).not.toContain('secret technique');
    const kb = reader.knowledgeBase(shared.id)!;
    const published = await kb.read('Watering.md');
    expect(published.toString('latin1')).not.toContain('secret technique'); // what replicates is ciphertext
    expect((await kb.stat('Watering.md'))!.kind).toBe('paid-note');
  });

  it('unlocks a bought note, then follows the author\'s edits to it', async () => {
    const { vault, reader, shared, stubFile } = await setUp();
    await buy(reader, shared.id, stubFile);
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes(SECRET), 'the unlocked note');
    expect(await ledger.balanceSats('author')).toBe(2100);
    await writeFile(path.join(vault, 'Watering.md'), NOTE.replace('dawn', 'dusk'));
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes('at dusk'), 'the paid note\'s update');
  });

  it('returns the existing grant for a second purchase instead of charging again', async () => {
    const { reader, shared, stubFile } = await setUp();
    await buy(reader, shared.id, stubFile);
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes(SECRET), 'the unlocked note');
    const noteId = Buffer.from(reader.paywall.purchases(shared.id)[0].noteId, 'hex');
    await expect(reader.paywall.requestOffer(shared.id, noteId)).rejects.toMatchObject({ code: 'already-owned' });
    expect(await ledger.balanceSats('author')).toBe(2100);
  });

  it('restores purchases on a fresh device from the mnemonic alone, with the author offline', async () => {
    const words = Identity.create().walletMnemonic();
    const { author, reader, shared, stubFile } = await setUp({ readerWords: words });
    await buy(reader, shared.id, stubFile);
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes(SECRET), 'the unlocked note');
    await author.close();

    const freshData = await peerDataDir(teardown, { words, deviceIndex: 7 });
    const fresh = await openPeer(teardown, testnet, { dataDir: freshData });
    const freshMount = path.join(await teardown.dir('tzimtzum-fresh-'), 'KB');
    await fresh.subscribe(shared.link, freshMount);
    const freshStub = path.join(freshMount, 'Watering.md');
    await eventually(async () => (await readFile(freshStub, 'utf8').catch(() => '')).includes('tzimtzum-unlock'), 'the stub on the fresh device');
    await eventually(async () => (await fresh.paywall.restore(fresh.knowledgeBase(shared.id)!)) > 0 || fresh.paywall.purchases().length > 0, 'restored purchases', 30_000);
    await eventually(async () => (await readFile(freshStub, 'utf8')).includes(SECRET), 'the restored note');
  });

  it('grants after the author restarts in the middle of an order', async () => {
    const { author, authorData, reader, shared, stubFile } = await setUp();
    const stub = await readFile(stubFile, 'utf8');
    const request = parseUnlockBlock(/```tzimtzum-unlock\n([\s\S]*?)```/.exec(stub)![1])!;
    await eventually(() => reader.paywall.transport.links(reader.knowledgeBase(shared.id)!.discoveryKey).length > 0, 'an unlock channel');
    const offer = await reader.paywall.requestOffer(shared.id, request.noteId);
    await author.close(); // invoiced, not paid
    await reader.paywall.payWithWallet(offer.requestId, { maxFeeSats: 100 });
    const back = await openPeer(teardown, testnet, { dataDir: authorData, rails: { seller: new LocalRail({ ledger, wallet: 'author' }) } });
    await back.resume();
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes(SECRET), 'the note granted after the restart', 30_000);
  });

  it('keeps a bought note unlocked, and following edits, after both peers restart', async () => {
    const { vault, author, authorData, reader, readerData, shared, stubFile } = await setUp();
    await buy(reader, shared.id, stubFile);
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes(SECRET), 'the unlocked note');
    await reader.close();
    await author.close();
    await writeFile(path.join(vault, 'Watering.md'), NOTE.replace('dawn', 'noon'));
    const authorAgain = await openPeer(teardown, testnet, { dataDir: authorData });
    await authorAgain.resume();
    const readerAgain = await openPeer(teardown, testnet, { dataDir: readerData });
    await readerAgain.resume();
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes('at noon'), 'the edit, decrypted after both restarted', 30_000);
  });

  it('honors a payment that settles after its invoice expired', async () => {
    let clock = Date.now();
    ledger = new LocalLedger({ now: () => clock });
    await ledger.fund('reader', 100_000);
    const { reader, shared, stubFile } = await setUp();
    const stub = await readFile(stubFile, 'utf8');
    const request = parseUnlockBlock(/```tzimtzum-unlock\n([\s\S]*?)```/.exec(stub)![1])!;
    await eventually(() => reader.paywall.transport.links(reader.knowledgeBase(shared.id)!.discoveryKey).length > 0, 'an unlock channel');
    const offer = await reader.paywall.requestOffer(shared.id, request.noteId);
    // The payment leaves before the invoice expires but settles only after it (a slow route).
    const readerRail = (reader.paywall.buyer as unknown as { opts: { rail: LocalRail } }).opts.rail;
    readerRail.faults.delaySettleMs = 20 * 60 * 1000;
    await reader.paywall.payWithWallet(offer.requestId, { maxFeeSats: 100 });
    clock += 30 * 60 * 1000; // past the 10-minute expiry, and past the settlement
    await eventually(async () => (await readFile(stubFile, 'utf8')).includes(SECRET), 'the late payment honored', 30_000);
  });
});
