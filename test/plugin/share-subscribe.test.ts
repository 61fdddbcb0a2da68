import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
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

const AUTHOR_FILES = {
  'Research/Welcome.md': '# Welcome\n',
  'Research/Topics/Idea.md': 'An idea\n',
  'Research/Scripts.md': '# Scripts\n\n```dataviewjs\ndv.paragraph("hi")\n```\n\n<% tp.file.title %>\n',
  'Private/Diary.md': 'not shared\n',
};

/** Share `Research` from vault A through its folder menu and the share modal (titled `title` when given); returns the obsidian:// link. */
async function shareResearch(a: PluginVault, title?: string): Promise<string> {
  const folder = a.t.vault.getAbstractFileByPath('Research');
  if (!(folder instanceof TFolder)) throw new Error('no Research folder');
  await openFileMenu(a.t.app, folder).item('Share folder as knowledge base').click();
  if (title !== undefined) {
    const input = a.t.app.bodyEl.find('.modal-container').find('input') as HTMLInputElement;
    input.value = title;
    input.trigger('input');
  }
  modalButton(a.t, 'Share').click();
  await eventually(() => notices.some((n) => n.message.includes('is shared')), 'the share notice');
  const link = /obsidian:\/\/tzimtzum\?\S+/.exec(notices.find((n) => n.message.includes('is shared'))!.message)?.[0];
  if (!link) throw new Error(`no link in ${notices.map((n) => n.message).join(' | ')}`);
  return link;
}

/** Open the link in vault B, confirm in the modal (optionally choosing lazy and code), wait for the subscription. */
async function subscribeThroughLink(b: PluginVault, link: string, opts: { lazy?: boolean; allowCode?: boolean; title?: string } = {}): Promise<void> {
  expect(await b.t.app.handleProtocolUrl(link)).toBe(true);
  const modal = b.t.app.bodyEl.find('.modal-container');
  expect(modal.textContent).toContain(opts.title ?? 'Research');
  expect(modal.textContent).toContain('3 files');
  if (opts.lazy) {
    const select = modal.find('select') as HTMLSelectElement;
    select.value = 'lazy';
    select.trigger('change');
  }
  if (opts.allowCode) modal.find('.checkbox-container').click();
  modalButton(b.t, 'Subscribe').click();
  await eventually(() => notices.some((n) => n.message.startsWith('Subscribed to')), 'the subscribed notice');
}

const mounted = (b: PluginVault, rel: string) => path.join(b.vaultDir, 'Knowledge bases', 'Research', rel);

describe('sharing from one vault and subscribing from another', () => {
  it('subscribes through the protocol handler after confirmation and follows live edits', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    const link = await shareResearch(a);
    await subscribeThroughLink(b, link);
    await eventually(async () => (await readFile(mounted(b, 'Topics/Idea.md'), 'utf8').catch(() => '')) === 'An idea\n', 'the initial sync');
    expect(await readdir(path.join(b.vaultDir, 'Knowledge bases', 'Research'))).not.toContain('Diary.md');

    const welcome = a.t.vault.getFileByPath('Research/Welcome.md')!;
    await a.t.vault.modify(welcome, '# Welcome, edited\n');
    await eventually(async () => (await readFile(mounted(b, 'Welcome.md'), 'utf8').catch(() => '')) === '# Welcome, edited\n', 'the live edit');
  });

  it('restores a local edit in a mount and keeps the text as a conflict copy, with a notice', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a));
    await eventually(async () => (await readFile(mounted(b, 'Welcome.md'), 'utf8').catch(() => '')) === '# Welcome\n', 'the initial sync');
    await b.t.vault.syncExternalChanges();

    await b.t.vault.modify(b.t.vault.getFileByPath('Knowledge bases/Research/Welcome.md')!, 'my own words\n');
    await b.plugin.idle();
    await eventually(async () => (await readFile(mounted(b, 'Welcome.md'), 'utf8')) === '# Welcome\n', 'the restore');
    const copies = (await readdir(mounted(b, ''))).filter((name) => name.startsWith('Welcome (local edit'));
    expect(copies).toHaveLength(1);
    expect(await readFile(mounted(b, copies[0]), 'utf8')).toBe('my own words\n');
    await eventually(() => notices.some((n) => n.message.includes('read-only') && n.message.includes(copies[0])), 'the conflict-copy notice');
  });

  it('neutralizes executable code by default', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a));
    await eventually(async () => (await readFile(mounted(b, 'Scripts.md'), 'utf8').catch(() => '')) !== '', 'the initial sync');
    const text = await readFile(mounted(b, 'Scripts.md'), 'utf8');
    expect(text).toContain('```tzimtzum-untrusted dataviewjs');
    expect(text).toContain('<\\% tp.file.title %>');
    const block = await b.t.app.renderCodeBlock('tzimtzum-untrusted', 'dv.paragraph("hi")');
    expect(block.find('.tzimtzum-untrusted-badge').textContent).toContain('not run');
  });

  it('rewrites notes already on disk when the subscriber opts in to executable code later', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a));
    await eventually(async () => (await readFile(mounted(b, 'Scripts.md'), 'utf8').catch(() => '')).includes('tzimtzum-untrusted'), 'the neutralized note');
    const id = (await b.plugin.api!.list()).find((kb) => kb.role === 'subscribed')!.id;
    b.plugin.options.allowCode.push(id);
    expect(await b.plugin.api!.rerender(id)).toBeGreaterThan(0);
    const text = await readFile(mounted(b, 'Scripts.md'), 'utf8');
    expect(text).toContain('```dataviewjs');
    expect((await readdir(mounted(b, ''))).some((name) => name.includes('local edit'))).toBe(false); // not mistaken for a user edit
  });

  it('writes executable code as published when the subscriber opts in', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a), { allowCode: true });
    await eventually(async () => (await readFile(mounted(b, 'Scripts.md'), 'utf8').catch(() => '')) !== '', 'the initial sync');
    expect(await readFile(mounted(b, 'Scripts.md'), 'utf8')).toBe(AUTHOR_FILES['Research/Scripts.md']);
  });

  it('writes stubs in a lazy mount and fetches a note when it is opened', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a), { lazy: true });
    await eventually(async () => (await readFile(mounted(b, 'Topics/Idea.md'), 'utf8').catch(() => '')).includes('tzimtzum-stub'), 'the stub');
    await b.t.vault.syncExternalChanges();
    await b.t.app.workspace.getLeaf(false).openFile(b.t.vault.getFileByPath('Knowledge bases/Research/Topics/Idea.md')!);
    await eventually(async () => (await readFile(mounted(b, 'Topics/Idea.md'), 'utf8')) === 'An idea\n', 'the fetched note');
    expect(b.t.app.workspace.activeLeaf?.getViewState().state?.mode).toBe('preview');
  });

  it('warns after subscribing when Templater would run commands in the mount folder', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet, {
      files: {
        '.obsidian/community-plugins.json': JSON.stringify(['templater-obsidian']),
        '.obsidian/plugins/templater-obsidian/data.json': JSON.stringify({ trigger_on_file_creation: true, ignore_folders_on_creation: [] }),
      },
    });
    await subscribeThroughLink(b, await shareResearch(a));
    await eventually(() => notices.some((n) => n.message.startsWith('Templater runs commands in new notes')), 'the Templater warning');
  });

  it('refuses to mount a knowledge base inside a folder this vault shares', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet, { files: { 'Everything/Mine.md': 'mine\n' }, settings: { mountRoot: 'Everything/Knowledge bases' } });
    await b.plugin.api!.share(path.join(b.vaultDir, 'Everything'), { title: 'Everything' });
    await b.t.app.handleProtocolUrl(await shareResearch(a));
    expect(b.t.app.bodyEl.find('.modal-container')).toBeNull();
    expect(notices.some((n) => n.message.includes('which you share'))).toBe(true);
  });

  it('names the mount folder after the title only as far as the path policy allows', async () => {
    // The title is the author's choice: named "CON", the folder would be a device on Windows.
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a, 'CON'), { title: 'CON' });
    const folder = path.join(b.vaultDir, 'Knowledge bases', 'Knowledge base CON');
    await eventually(async () => (await readFile(path.join(folder, 'Topics/Idea.md'), 'utf8').catch(() => '')) === 'An idea\n', 'the initial sync');
    expect(await readdir(path.join(b.vaultDir, 'Knowledge bases'))).toEqual(['Knowledge base CON']);
  });

  it('publishes a note edited outside Obsidian when the vault reports it', async () => {
    const a = await pluginVault(teardown, testnet, { files: AUTHOR_FILES });
    const b = await pluginVault(teardown, testnet);
    await subscribeThroughLink(b, await shareResearch(a));
    await writeFile(path.join(a.vaultDir, 'Research', 'New.md'), 'from another editor\n');
    await a.t.vault.syncExternalChanges();
    await eventually(async () => (await readFile(mounted(b, 'New.md'), 'utf8').catch(() => '')) === 'from another editor\n', 'the external edit');
  });
});
