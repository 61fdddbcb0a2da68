// One author's two Obsidian vaults (the same recovery words, devices 0 and 1) writing one knowledge base
// through the plugin: vault A shares a folder and invites its second device from the folder menu, vault B
// joins through the invite link and the Join dialog, and edits made through either vault reach the other.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Identity } from '../../src/engine/identity';
import { identityFileOf, saveIdentity } from '../../src/engine/identity-file';
import { TFolder } from '../harness/obsidian/index.js';
import { clearNotices, notices, openFileMenu } from '../harness/obsidian/test-app.js';
import { tree } from '../support/folders';
import { eventually, localTestnet } from '../support/network';
import { Teardown } from '../support/temp';
import { modalButton, pluginVault, type PluginVault } from './plugin-fixture';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
  clearNotices();
});
afterEach(() => teardown.run());

const JOINED = 'Shared knowledge base';
const PLANS = 'first\nsecond\nthird\n';

/** A vault whose plugin runs with the given recovery words as device `deviceIndex`. */
async function deviceVault(words: string, deviceIndex: number, files: Record<string, string> = {}): Promise<PluginVault> {
  const vault = await pluginVault(teardown, testnet, { identity: false, start: false, files });
  await saveIdentity(identityFileOf(vault.dataDir), { mnemonic: words, deviceIndex });
  await vault.t.start();
  await vault.plugin.idle();
  return vault;
}

/** The open modal's `.tzimtzum-invite-text` values: code, Obsidian link, link. */
function inviteTexts(v: PluginVault): string[] {
  return v.t.app.bodyEl.findAll('.modal-container .tzimtzum-invite-text').map((el) => el.textContent ?? '');
}

/** Share `Notes` in A, invite the second device from the folder menu; returns the Obsidian link. */
async function shareAndInvite(a: PluginVault): Promise<string> {
  await a.plugin.api!.share(path.join(a.vaultDir, 'Notes'), { title: 'Garden' });
  await eventually(() => a.t.vault.getAbstractFileByPath('Notes') instanceof TFolder, 'the shared folder');
  const folder = a.t.vault.getAbstractFileByPath('Notes')!;
  await eventually(() => openFileMenu(a.t.app, folder).items.some((item) => item !== 'separator' && item.title === 'Invite device or co-author'), 'the invite menu item');
  await openFileMenu(a.t.app, folder).item('Invite device or co-author').click();
  const modal = a.t.app.bodyEl.find('.modal-container');
  const role = modal.find('select') as HTMLSelectElement;
  expect(role.value).toBe('author');
  role.value = 'owner';
  role.trigger('change');
  const name = modal.find('input') as HTMLInputElement;
  name.value = 'Laptop';
  name.trigger('input');
  modalButton(a.t, 'Create invite').click();
  await eventually(() => inviteTexts(a).length === 3, 'the invite');
  const [code, obsidianLink, link] = inviteTexts(a);
  expect(code).toMatch(/^[a-z0-9]{112}$/);
  expect(obsidianLink).toBe(`obsidian://tzimtzum?invite=${code}`);
  expect(link).toBe(`tzimtzum://invite/${code}`);
  expect(modal.find('.tzimtzum-qr')).not.toBeNull();
  expect(modal.find('.tzimtzum-invite-expiry').textContent).toMatch(/^Expires /);
  modalButton(a.t, 'Done').click();
  return obsidianLink;
}

/** Open the invite link in B, confirm in the Join dialog, and wait until B writes the knowledge base. */
async function joinThroughLink(b: PluginVault, link: string): Promise<void> {
  expect(await b.t.app.handleProtocolUrl(link)).toBe(true);
  const modal = b.t.app.bodyEl.find('.modal-container');
  expect(modal.textContent).toContain('Join only if you asked for this invite');
  expect((modal.find('input') as HTMLInputElement).value).toBe(JOINED);
  expect(await b.plugin.api!.list()).toEqual([]); // nothing happens before the click
  modalButton(b.t, 'Join').click();
  await eventually(() => notices.some((n) => n.message.startsWith('Joined "Garden"')), 'the joined notice', 30_000);
}

/**
 * Two vaults of one author writing one knowledge base: A shares `Notes`, B joined it into `Shared knowledge base`.
 * With `indexed: false`, B's vault has not been told yet about the files the peer wrote (Obsidian's watcher lags).
 */
async function twoVaults(opts: { indexed?: boolean } = {}): Promise<{ a: PluginVault; b: PluginVault; aFile: (rel: string) => string; bFile: (rel: string) => string }> {
  const words = Identity.create().walletMnemonic();
  const a = await deviceVault(words, 0, { 'Notes/Plans.md': PLANS, 'Private.md': 'not shared\n' });
  const b = await deviceVault(words, 1);
  await joinThroughLink(b, await shareAndInvite(a));
  const aFile = (rel: string) => path.join(a.vaultDir, 'Notes', rel);
  const bFile = (rel: string) => path.join(b.vaultDir, JOINED, rel);
  await eventually(async () => (await readFile(bFile('Plans.md'), 'utf8').catch(() => '')) === PLANS, 'the note in B', 30_000);
  // Obsidian's file watcher reports what the peer wrote; the harness does it on demand.
  if (opts.indexed !== false) await b.t.vault.syncExternalChanges();
  return { a, b, aFile, bFile };
}

const text = (file: string) => readFile(file, 'utf8').catch(() => null);

/** The writers list of the knowledge base's card in a vault's sidebar, as row texts. */
async function writerRows(v: PluginVault): Promise<HTMLElement[]> {
  if (v.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases').length === 0) v.t.app.commands.executeCommandById('tzimtzum:open-knowledge-bases');
  await eventually(() => v.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases').length === 1, 'the view');
  return v.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases')[0].view.containerEl.findAll('.tzimtzum-writer');
}

describe('two vaults of one author writing one knowledge base', () => {
  it('joins through the invite link after confirmation, and edits made in either vault reach the other', async () => {
    const { a, b, aFile, bFile } = await twoVaults();
    expect(await text(bFile('../Private.md'))).toBeNull();

    await a.t.vault.modify(a.t.vault.getFileByPath('Notes/Plans.md')!, 'FIRST\nsecond\nthird\n');
    await eventually(async () => (await text(bFile('Plans.md'))) === 'FIRST\nsecond\nthird\n', 'A\'s edit in B');
    await b.t.vault.syncExternalChanges();

    // B's folder is the user's own, not a read-only mount: edits there are kept and published.
    await b.t.vault.create(`${JOINED}/From laptop.md`, 'written on the laptop\n');
    await b.t.vault.modify(b.t.vault.getFileByPath(`${JOINED}/Plans.md`)!, 'FIRST\nsecond\nTHIRD\n');
    await b.plugin.idle();
    await eventually(async () => (await text(aFile('From laptop.md'))) === 'written on the laptop\n' && (await text(aFile('Plans.md'))) === 'FIRST\nsecond\nTHIRD\n', 'B\'s edits in A');
    expect(await text(bFile('Plans.md'))).toBe('FIRST\nsecond\nTHIRD\n');
    await eventually(async () => JSON.stringify(await tree(path.join(a.vaultDir, 'Notes'))) === JSON.stringify(await tree(path.join(b.vaultDir, JOINED))), 'the same folder in both vaults');
    expect(notices.some((n) => n.message.includes('read-only'))).toBe(false);
  });

  it('merges edits of different lines made in both vaults at once', async () => {
    const { a, b, aFile, bFile } = await twoVaults();
    await Promise.all([
      a.t.vault.modify(a.t.vault.getFileByPath('Notes/Plans.md')!, 'first (desktop)\nsecond\nthird\n'),
      b.t.vault.modify(b.t.vault.getFileByPath(`${JOINED}/Plans.md`)!, 'first\nsecond\nthird (laptop)\n'),
    ]);
    const merged = 'first (desktop)\nsecond\nthird (laptop)\n';
    await eventually(async () => (await text(aFile('Plans.md'))) === merged && (await text(bFile('Plans.md'))) === merged, 'the merged note in both vaults', 30_000);
    expect(await tree(path.join(a.vaultDir, 'Notes'))).toEqual(await tree(path.join(b.vaultDir, JOINED)));
  });

  it('tells the user when another writer\'s change met an edit not yet published here, and merges both', async () => {
    const { a, aFile, bFile } = await twoVaults({ indexed: false });
    // Another editor changed the note on disk in B; Obsidian has not reported it yet when A's change arrives.
    await writeFile(bFile('Plans.md'), 'first\nsecond\nthird (laptop)\n');
    await a.t.vault.modify(a.t.vault.getFileByPath('Notes/Plans.md')!, 'first (desktop)\nsecond\nthird\n');
    await eventually(() => notices.some((n) => n.message.includes('"Plans.md" in "Garden" changed on another writer\'s device')), 'the merge notice', 30_000);
    const merged = 'first (desktop)\nsecond\nthird (laptop)\n';
    await eventually(async () => (await text(aFile('Plans.md'))) === merged && (await text(bFile('Plans.md'))) === merged, 'the merged note in both vaults', 30_000);
  });

  it('warns when another writer adds code that plugins run to a note, and keeps the note as written', async () => {
    const { a, bFile } = await twoVaults();
    const withCode = `${PLANS}\n\`\`\`dataviewjs\ndv.paragraph("hi")\n\`\`\`\n`;
    await a.t.vault.modify(a.t.vault.getFileByPath('Notes/Plans.md')!, withCode);
    await eventually(async () => (await text(bFile('Plans.md'))) === withCode, 'the note with code in B', 30_000);
    await eventually(() => notices.some((n) => n.message.startsWith('Another writer of "Garden" added code to "Plans.md"')), 'the code notice', 10_000);
  });

  it('lists both devices and pending invites in the sidebar, and stops a removed device\'s later edits from reaching the owner', async () => {
    const { a, b, aFile, bFile } = await twoVaults();
    await eventually(async () => (await writerRows(a)).length === 2, 'two writers in A');
    const rowsA = await writerRows(a);
    expect(rowsA.map((row) => row.find('.tzimtzum-writer-role').textContent)).toEqual(['Owner', 'Owner']);
    expect(rowsA[0].textContent).toContain('This device');
    expect(rowsA[1].find('.tzimtzum-writer-name').textContent).toBe('Laptop');
    expect(rowsA[0].find('.tzimtzum-writer-remove')).toBeNull(); // the creator cannot be removed
    await eventually(async () => (await writerRows(b)).some((row) => row.textContent?.includes('Laptop') && row.textContent.includes('This device')), 'B\'s own row in B');
    await eventually(() => notices.some((n) => n.message === 'Another device of yours joined "Garden" as a writer.'), 'the new-writer notice');

    // A pending invite is listed with the writers, and can be revoked there.
    const id = (await a.plugin.api!.list())[0].id;
    await a.plugin.api!.inviteWriter(id, { role: 'author', expiresInMs: 60 * 60_000, name: 'Dana' });
    const view = a.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases')[0].view.containerEl;
    await eventually(() => view.findAll('.tzimtzum-invite').some((row) => row.textContent?.includes('Invite for Dana')), 'the pending invite');
    (view.find('.tzimtzum-invite').findAll('button').find((button) => button.textContent === 'Revoke') as HTMLButtonElement).click();
    await eventually(() => notices.some((n) => n.message === 'Invite revoked. It can no longer be used.'), 'the revoke notice');
    await eventually(() => view.findAll('.tzimtzum-invite').length === 0, 'the invite gone from the list');

    const laptopRow = (await writerRows(a)).find((row) => row.find('.tzimtzum-writer-name').textContent === 'Laptop')!;
    (laptopRow.find('.tzimtzum-writer-remove') as HTMLButtonElement).click();
    expect(a.t.app.bodyEl.find('.modal-container').textContent).toContain('Remove Laptop from "Garden"?');
    modalButton(a.t, 'Remove').click();
    await eventually(() => notices.some((n) => n.message === 'Removed Laptop from "Garden".'), 'the removal notice');
    await eventually(async () => (await writerRows(a)).some((row) => row.hasClass('tzimtzum-writer-inactive') && row.textContent?.includes('Removed')), 'Laptop marked removed in A');

    await b.t.vault.modify(b.t.vault.getFileByPath(`${JOINED}/Plans.md`)!, 'written after removal\n');
    await b.t.vault.create(`${JOINED}/Late.md`, 'too late\n');
    await b.plugin.idle();
    // A's later edit still reaches B (B keeps reading), which shows the network carried B's edits too.
    await a.t.vault.create('Notes/After.md', 'from the owner\n');
    await eventually(async () => (await text(bFile('After.md'))) === 'from the owner\n', 'A\'s later note in B', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await text(aFile('Plans.md'))).toBe(PLANS);
    expect(await text(aFile('Late.md'))).toBeNull();
  });
});

describe('joining with a bad or spent invite', () => {
  it('shows what is wrong in the Join dialog and joins nothing', async () => {
    const words = Identity.create().walletMnemonic();
    const a = await deviceVault(words, 0, { 'Notes/Plans.md': PLANS });
    const b = await deviceVault(words, 1);
    b.t.app.commands.executeCommandById('tzimtzum:join-as-writer');
    const modal = b.t.app.bodyEl.find('.modal-container');
    const invite = modal.find('textarea') as HTMLTextAreaElement;
    invite.value = 'tzimtzum://aaaa';
    invite.trigger('input');
    modalButton(b.t, 'Join').click();
    await eventually(() => (modal.find('.tzimtzum-join-status').textContent ?? '').includes('This is a share link, for subscribing; it does not make this device a writer'), 'the bad-code message');
    expect(modal.find('.tzimtzum-join-status').hasClass('tzimtzum-error')).toBe(true);

    // A revoked invite: the owner's device refuses it.
    const shared = await a.plugin.api!.share(path.join(a.vaultDir, 'Notes'), { title: 'Garden' });
    const issued = await a.plugin.api!.inviteWriter(shared.id, { role: 'author', expiresInMs: 60_000 });
    expect(await a.plugin.api!.revokeInvite(issued.id)).toBe(true);
    invite.value = issued.code;
    invite.trigger('input');
    modalButton(b.t, 'Join').click();
    await eventually(() => (modal.find('.tzimtzum-join-status').textContent ?? '').includes('refused'), 'the refusal', 30_000);
    expect(await b.plugin.api!.list()).toEqual([]);
    expect(b.t.vault.getAbstractFileByPath(JOINED)).toBeNull();
  });

  it('refuses an expired invite link with a notice, before asking anyone', async () => {
    const b = await deviceVault(Identity.create().walletMnemonic(), 1);
    const a = await pluginVault(teardown, testnet, { files: { 'Notes/Plans.md': PLANS } });
    const shared = await a.plugin.api!.share(path.join(a.vaultDir, 'Notes'), { title: 'Garden' });
    const issued = await a.plugin.api!.inviteWriter(shared.id, { role: 'author', expiresInMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await b.t.app.handleProtocolUrl(issued.obsidianLink)).toBe(true);
    expect(b.t.app.bodyEl.find('.modal-container')).toBeNull();
    expect(notices.some((n) => n.message.startsWith('This invite expired'))).toBe(true);
  });
});
