import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { TFolder } from '../harness/obsidian/index.js';
import { clearNotices, notices, openFileMenu } from '../harness/obsidian/test-app.js';
import { Teardown } from '../support/temp';
import { eventually, localTestnet } from '../support/network';
import { modalButton, pluginVault, type PluginVault } from './plugin-fixture';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
  clearNotices();
});
afterEach(() => teardown.run());

const FILES = { 'Shared/Welcome.md': '# Welcome\n', 'Shared/Topics/Idea.md': 'An idea\n' };

/** A shares `Shared`, B subscribes through the API (the UI flow has its own tests) and indexes what it got. */
async function sharedPair(): Promise<{ a: PluginVault; b: PluginVault; id: string }> {
  const a = await pluginVault(teardown, testnet, { files: FILES });
  const b = await pluginVault(teardown, testnet);
  const status = await a.plugin.api!.share(path.join(a.vaultDir, 'Shared'), { title: 'Shared' });
  await b.plugin.api!.subscribe(status.link, { folder: path.join(b.vaultDir, 'Knowledge bases', 'Shared'), mode: 'full' });
  await eventually(async () => (await readFile(path.join(b.vaultDir, 'Knowledge bases/Shared/Topics/Idea.md'), 'utf8').catch(() => '')) === 'An idea\n', 'the initial sync');
  await b.t.vault.syncExternalChanges();
  return { a, b, id: status.id };
}

describe('renames through the vault', () => {
  it('publishes a file renamed in the shared folder and applies it in the mount with vault.rename', async () => {
    const { a, b } = await sharedPair();
    const mountedIdea = b.t.vault.getFileByPath('Knowledge bases/Shared/Topics/Idea.md')!;
    await a.t.vault.rename(a.t.vault.getFileByPath('Shared/Topics/Idea.md')!, 'Shared/Topics/Renamed.md');
    // The same TFile now has the new path: Obsidian moved it, rather than seeing a delete and a create.
    await eventually(() => mountedIdea.path === 'Knowledge bases/Shared/Topics/Renamed.md', 'the rename in B');
    expect(await readFile(path.join(b.vaultDir, 'Knowledge bases/Shared/Topics/Renamed.md'), 'utf8')).toBe('An idea\n');
  });

  it('publishes a folder renamed in the shared folder', async () => {
    const { a, b } = await sharedPair();
    await a.t.vault.rename(a.t.vault.getAbstractFileByPath('Shared/Topics')!, 'Shared/Ideas');
    await eventually(async () => (await readFile(path.join(b.vaultDir, 'Knowledge bases/Shared/Ideas/Idea.md'), 'utf8').catch(() => '')) === 'An idea\n', 'the folder rename in B');
    expect(await readdir(path.join(b.vaultDir, 'Knowledge bases/Shared'))).not.toContain('Topics');
  });

  it('restores a mounted note the user deleted', async () => {
    const { b } = await sharedPair();
    await b.t.vault.delete(b.t.vault.getFileByPath('Knowledge bases/Shared/Welcome.md')!);
    await b.plugin.idle();
    await eventually(async () => (await readFile(path.join(b.vaultDir, 'Knowledge bases/Shared/Welcome.md'), 'utf8').catch(() => '')) === '# Welcome\n', 'the restore');
    await eventually(() => notices.some((n) => n.message.includes('Welcome.md') && n.message.includes('restored')), 'the restore notice');
  });
});

describe('seeing what happens', () => {
  it('lists shared and subscribed knowledge bases with their keys in the sidebar view', async () => {
    const { a, b, id } = await sharedPair();
    expect(b.t.app.commands.executeCommandById('tzimtzum:open-knowledge-bases')).toBe(true);
    await eventually(() => b.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases').length === 1, 'the view');
    const view = b.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases')[0].view.containerEl;
    await eventually(() => view.findAll('.tzimtzum-card').length === 1, 'one card');
    expect(view.find('.tzimtzum-card-title').textContent).toBe('Shared');
    expect(view.find('.tzimtzum-card-key code').textContent).toBe(id);
    expect(view.find('.tzimtzum-role').textContent).toBe('Subscribed');
    a.t.app.commands.executeCommandById('tzimtzum:open-knowledge-bases');
    await eventually(() => a.t.app.workspace.getLeavesOfType('tzimtzum-knowledge-bases')[0]?.view.containerEl.find('.tzimtzum-role')?.textContent === 'Shared', 'the shared card');
  });

  it('shows peers in the status bar', async () => {
    const { b } = await sharedPair();
    await eventually(() => /Tzimtzum: [1-9]\d* peers?/.test(b.t.app.bodyEl.find('.status-bar-item').textContent ?? ''), 'the status bar');
  });

  it('marks mounted files read-only in the file menu and offers unsubscribe on the mount folder', async () => {
    const { b } = await sharedPair();
    const note = openFileMenu(b.t.app, b.t.vault.getFileByPath('Knowledge bases/Shared/Welcome.md')!);
    expect(note.item('Read-only: part of "Shared"').disabled).toBe(true);
    const folder = b.t.vault.getAbstractFileByPath('Knowledge bases/Shared');
    expect(folder).toBeInstanceOf(TFolder);
    await openFileMenu(b.t.app, folder!).item('Unsubscribe').click();
    modalButton(b.t, 'Unsubscribe').click();
    await eventually(() => notices.some((n) => n.message === 'Unsubscribed from "Shared".'), 'the unsubscribe');
    expect(await b.plugin.api!.list()).toEqual([]);
  });
});

describe('the settings tab', () => {
  it('creates an identity and shows the recovery words only after confirmation', async () => {
    const b = await pluginVault(teardown, testnet, { identity: false });
    const tab = b.t.app.openSettingTab('tzimtzum');
    await eventually(() => tab.containerEl.findAll('button').some((el) => el.textContent === 'Create'), 'the create button');
    (tab.containerEl.findAll('button').find((el) => el.textContent === 'Create') as HTMLButtonElement).click();
    await eventually(() => tab.containerEl.findAll('button').some((el) => el.textContent === 'Show recovery words'), 'the identity');
    (tab.containerEl.findAll('button').find((el) => el.textContent === 'Show recovery words') as HTMLButtonElement).click();
    expect(b.t.app.bodyEl.find('.tzimtzum-recovery-words')).toBeNull();
    modalButton(b.t, 'Show').click();
    await eventually(() => b.t.app.bodyEl.find('.tzimtzum-recovery-words') !== null, 'the words');
    expect(b.t.app.bodyEl.find('.tzimtzum-recovery-words').textContent.split(' ')).toHaveLength(24);
    expect(await readFile(path.join(b.vaultDir, '.obsidian/plugins/tzimtzum/data.json'), 'utf8')).not.toMatch(/mnemonic|secret/);
    b.t.app.closeSettingTab(tab);
  });

  it('keeps the last valid number when a number setting is not one, and says what it needs', async () => {
    const b = await pluginVault(teardown, testnet);
    const tab = b.t.app.openSettingTab('tzimtzum');
    const item = tab.containerEl.findAll('.setting-item').find((el) => el.find('.setting-item-name')?.textContent === 'Most files per knowledge base')!;
    const input = item.find('input') as HTMLInputElement;
    const dataFile = path.join(b.vaultDir, '.obsidian/plugins/tzimtzum/data.json');
    const savedMaxFiles = async () => (JSON.parse(await readFile(dataFile, 'utf8').catch(() => '{}')) as { maxFiles?: number }).maxFiles;
    for (const typed of ['12abc', '0', '-5', '']) {
      input.value = typed;
      input.trigger('input');
      expect(input.hasClass('tzimtzum-invalid'), typed).toBe(true);
      expect(item.find('.setting-item-description').textContent).toContain('Enter a whole number of at least 1; 50000 is used until then.');
    }
    await b.plugin.idle();
    expect((await savedMaxFiles()) ?? 50_000).toBe(50_000);
    input.value = '500';
    input.trigger('input');
    expect(input.hasClass('tzimtzum-invalid')).toBe(false);
    expect(item.find('.setting-item-description').textContent).not.toContain('Enter a whole number');
    await eventually(async () => (await savedMaxFiles()) === 500, 'the saved setting');
    b.t.app.closeSettingTab(tab);
  });
});
