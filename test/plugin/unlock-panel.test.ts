// The paid-notes UI in a real plugin against a real author on a loopback DHT, paying through a local
// ledger shared through a file: the unlock button of a locked stub, the paid-notes view with its invoice,
// QR code, fee and live status, restoring purchases, and the wallet section.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Identity } from '../../src/engine/identity';
import { LocalLedger } from '../../src/payments/local-ledger';
import { LocalRail } from '../../src/payments/local-rail';
import type { Peer } from '../../src/peer/peer';
import type { PaidNotesView } from '../../src/plugin/unlock-panel';
import { clearNotices, notices } from '../harness/obsidian/test-app.js';
import { Teardown } from '../support/temp';
import { eventually, localTestnet, openPeer, peerDataDir } from '../support/network';
import { pluginVault, type PluginVault } from './plugin-fixture';

const SECRET = 'The secret technique is to water the garden at dawn.';
const NOTE = `---\nprice: 2100\npreview: "How the best gardeners water"\n---\n# Watering\n\n${SECRET}\n`;
const STUB_PATH = 'Knowledge bases/Garden/Watering.md';

let teardown: Teardown;
let testnet: Testnet;
let ledgerFile: string;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
  ledgerFile = path.join(await teardown.dir('tzimtzum-ledger-'), 'ledger.json');
  clearNotices();
});
afterEach(() => teardown.run());

/** An author peer selling one paid note from a shared folder; returns the share link and KB id. */
async function author(): Promise<{ peer: Peer; link: string; id: string }> {
  const folder = await teardown.dir('tzimtzum-author-');
  await writeFile(path.join(folder, 'Watering.md'), NOTE);
  await writeFile(path.join(folder, 'Free.md'), 'free for all\n');
  const peer = await openPeer(teardown, testnet, { rails: { seller: new LocalRail({ ledger: new LocalLedger({ file: ledgerFile }), wallet: 'author' }) } });
  const shared = await peer.share(folder, { title: 'Garden' });
  return { peer, link: shared.link, id: shared.id };
}

/** A reader vault with the local wallet, funded, subscribed to the author's knowledge base and connected. */
async function reader(link: string, id: string, opts: { dataFolder?: string; fund?: boolean } = {}): Promise<PluginVault> {
  const settings: Record<string, unknown> = { wallet: 'local', ledgerFile, ...(opts.dataFolder ? { dataFolder: opts.dataFolder } : {}) };
  const vault = await pluginVault(teardown, testnet, { settings });
  const api = vault.plugin.api!;
  if (opts.fund !== false) {
    const wallet = await api.wallet();
    await new LocalLedger({ file: ledgerFile }).fund(wallet.account!, 100_000);
  }
  await api.subscribe(link, { folder: path.join(vault.vaultDir, 'Knowledge bases', 'Garden'), mode: 'full' });
  await eventually(async () => (await readFile(path.join(vault.vaultDir, STUB_PATH), 'utf8').catch(() => '')).includes('tzimtzum-unlock'), 'the locked stub');
  await vault.t.vault.syncExternalChanges(); // the file watcher: the mount writes to disk
  await eventually(async () => ((await api.list()).find((kb) => kb.id === id)?.network?.peers ?? 0) > 0, 'a connection to the author');
  return vault;
}

/** Render the stub's unlock block as Obsidian would, once the plugin knows the mount. */
async function unlockButton(vault: PluginVault, file = STUB_PATH): Promise<HTMLElement> {
  const stub = await readFile(path.join(vault.vaultDir, file), 'utf8');
  const source = /```tzimtzum-unlock\n([\s\S]*?)```/.exec(stub)![1];
  let el: HTMLElement | null = null;
  await eventually(async () => {
    el = await vault.t.app.renderCodeBlock('tzimtzum-unlock', source, file);
    return el.find('button') !== null;
  }, 'the unlock button');
  return el!.find('button');
}

async function paidNotesView(vault: PluginVault): Promise<PaidNotesView> {
  const view = await vault.plugin.openPaidNotes();
  if (!view) throw new Error('the paid notes view did not open');
  return view;
}

const status = (view: PaidNotesView) => view.contentEl.find('.tzimtzum-unlock-status');

describe('paid notes in the plugin', () => {
  it('draws the stub\'s unlock block as a button with the envelope\'s price that opens the panel on the note', async () => {
    const { link, id } = await author();
    const b = await reader(link, id);
    const button = await unlockButton(b);
    expect(button.textContent).toBe('Unlock for 2,100 sats');
    button.click();
    const view = await paidNotesView(b);
    await eventually(() => status(view)?.dataset.state === 'offered', 'the invoice');
    const card = view.contentEl.find('.tzimtzum-paid-note');
    expect(card.find('.tzimtzum-paid-note-title').textContent).toBe('Watering');
    expect(card.find('.tzimtzum-paid-note-preview').textContent).toBe('How the best gardeners water');
    expect(card.find('.tzimtzum-paid-note-price').textContent).toBe('2,100 sats');
  });

  it('honours no unlock block in a file the mount did not write, nor a block that changes the price', async () => {
    const { link, id } = await author();
    const b = await reader(link, id);
    const stub = await readFile(path.join(b.vaultDir, STUB_PATH), 'utf8');
    const source = /```tzimtzum-unlock\n([\s\S]*?)```/.exec(stub)![1];
    await b.t.vault.create('Knowledge bases/Garden/Mine.md', stub);
    const copied = await b.t.app.renderCodeBlock('tzimtzum-unlock', source, 'Knowledge bases/Garden/Mine.md');
    expect(copied.find('button')).toBeNull();
    await unlockButton(b); // the real stub is honoured by now
    const cheap = await b.t.app.renderCodeBlock('tzimtzum-unlock', source.replace('price: 2100', 'price: 1'), STUB_PATH);
    expect(cheap.find('button').textContent).toBe('Unlock for 2,100 sats');
  });

  it('shows the invoice as text and a QR code, the fee before paying, then unlocks and opens the note', async () => {
    const { link, id } = await author();
    const b = await reader(link, id);
    (await unlockButton(b)).click();
    const view = await paidNotesView(b);
    await eventually(() => status(view)?.dataset.state === 'offered', 'the invoice');
    const invoice = view.contentEl.find('.tzimtzum-invoice-text').textContent;
    expect(invoice).toMatch(/^lnbcrt21u1/);
    const qr = view.contentEl.find('svg.tzimtzum-qr');
    expect(qr.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
    expect(qr.find('path.tzimtzum-qr-modules').getAttribute('d')).toMatch(/^M\d+ \d+h\d+v1h-\d+z/);
    await eventually(() => view.contentEl.find('.tzimtzum-fee')?.textContent?.startsWith('Network fee: 3 sats. Total: 2,103 sats.') ?? false, 'the fee');
    const pay = view.contentEl.findAll('button').find((button) => button.textContent === 'Pay with my wallet')!;
    pay.click();
    await eventually(() => status(view).dataset.state === 'unlocked', 'the unlocked status');
    await eventually(async () => (await readFile(path.join(b.vaultDir, STUB_PATH), 'utf8')).includes(SECRET), 'the clear text in the note');
    await eventually(() => b.t.app.workspace.getActiveFile()?.path === STUB_PATH, 'the note opened');
    expect(await new LocalLedger({ file: ledgerFile }).balanceSats('author')).toBe(2100);
    await eventually(() => view.contentEl.find('.tzimtzum-receipt-title')?.textContent === 'Watering', 'the receipt');
  });

  it('restores purchases on another device with the same recovery words', async () => {
    const words = Identity.create().walletMnemonic();
    const { link, id } = await author();
    const first = await reader(link, id, { dataFolder: await peerDataDir(teardown, { words }) });
    (await unlockButton(first)).click();
    const firstView = await paidNotesView(first);
    await eventually(() => firstView.contentEl.findAll('button').some((button) => button.textContent === 'Pay with my wallet'), 'the pay button');
    firstView.contentEl.findAll('button').find((button) => button.textContent === 'Pay with my wallet')!.click();
    await eventually(() => status(firstView).dataset.state === 'unlocked', 'the first purchase');

    const second = await reader(link, id, { dataFolder: await peerDataDir(teardown, { words, deviceIndex: 1 }), fund: false });
    const view = await paidNotesView(second);
    await view.idle();
    expect(view.contentEl.find('.tzimtzum-paid-note-price').textContent).toBe('2,100 sats');
    view.contentEl.findAll('button').find((button) => button.textContent === 'Restore purchases')!.click();
    await eventually(() => notices.some((n) => n.message === 'Restored 1 purchase.'), 'the restore notice', 30_000);
    await eventually(async () => (await readFile(path.join(second.vaultDir, STUB_PATH), 'utf8')).includes(SECRET), 'the restored note');
  });

  it('shows what is wrong in the wallet section when the wallet cannot be reached', async () => {
    await writeFile(ledgerFile, 'not a ledger');
    const b = await pluginVault(teardown, testnet, { settings: { wallet: 'local', ledgerFile } });
    const view = await paidNotesView(b);
    await eventually(() => view.contentEl.find('.tzimtzum-wallet-error') !== null, 'the wallet error');
    expect(view.contentEl.find('.tzimtzum-wallet-network').textContent).toBe('Network: Regtest (test money)');
    expect(view.contentEl.find('.tzimtzum-wallet-error').textContent).toMatch(/ledger/i);
  });
});
