// Specification of the Obsidian API harness itself: it must behave like Obsidian where plugins can tell.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ItemView, MarkdownView, Menu, Modal, Notice, Plugin, PluginSettingTab, Setting, TFile, TFolder, debounce, normalizePath,
  type TAbstractFile, type Vault, type WorkspaceLeaf,
} from './obsidian/index.js';
import { clearNotices, createTestApp, domListenerCount, notices, openFileMenu, type TestApp } from './obsidian/test-app.js';

let dir: string;
let t: TestApp;

beforeEach(async () => {
  dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'tzimtzum-harness-'));
  t = await createTestApp({ vaultDir: dir });
});

afterEach(async () => {
  await t.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Every vault event as "name path" (rename adds "<- oldPath"), in order. */
function recordEvents(vault: Vault): string[] {
  const log: string[] = [];
  vault.on('create', (f) => log.push(`create ${f.path}`));
  vault.on('modify', (f) => log.push(`modify ${f.path}`));
  vault.on('delete', (f) => log.push(`delete ${f.path}`));
  vault.on('rename', (f, oldPath) => log.push(`rename ${f.path} <- ${oldPath}`));
  return log;
}

const onDisk = (path: string) => fs.readFile(nodePath.join(dir, path), 'utf8');
const exists = (path: string) => fs.stat(nodePath.join(dir, path)).then(() => true, () => false);

describe('vault', () => {
  it('writes a created note to disk and fires create before the promise settles', async () => {
    const log = recordEvents(t.vault);
    const file = await t.vault.create('Note.md', 'hello');
    expect(log).toEqual(['create Note.md']);
    expect(await onDisk('Note.md')).toBe('hello');
    expect([file.name, file.basename, file.extension, file.parent?.isRoot()]).toEqual(['Note.md', 'Note', 'md', true]);
    expect(file.stat.size).toBe(5);
    expect(t.vault.getFileByPath('Note.md')).toBe(file);
  });

  it('modifies on disk and fires modify', async () => {
    const file = await t.vault.create('a.md', 'one');
    const log = recordEvents(t.vault);
    await t.vault.modify(file, 'two');
    await t.vault.append(file, '!');
    expect(await t.vault.process(file, (s) => s.toUpperCase())).toBe('TWO!');
    expect(log).toEqual(['modify a.md', 'modify a.md', 'modify a.md']);
    expect(await onDisk('a.md')).toBe('TWO!');
  });

  it('renames a folder in place and fires rename for it and everything inside, with old paths', async () => {
    const folder = await t.vault.createFolder('kb/notes');
    const file = await t.vault.create('kb/notes/x.md', 'x');
    const log = recordEvents(t.vault);
    await t.vault.rename(folder, 'kb/renamed');
    expect(log).toEqual(['rename kb/renamed <- kb/notes', 'rename kb/renamed/x.md <- kb/notes/x.md']);
    expect(file.path).toBe('kb/renamed/x.md');
    expect(t.vault.getAbstractFileByPath('kb/notes')).toBeNull();
    expect(await onDisk('kb/renamed/x.md')).toBe('x');
  });

  it('deletes a folder from disk, firing delete for its contents first', async () => {
    const folder = await t.vault.createFolder('kb');
    await t.vault.create('kb/a.md', 'a');
    const log = recordEvents(t.vault);
    await t.vault.delete(folder);
    expect(log).toEqual(['delete kb/a.md', 'delete kb']);
    expect(await exists('kb')).toBe(false);
  });

  it('refuses to create a file that already exists, whatever its case', async () => {
    await t.vault.create('Note.md', '');
    await expect(t.vault.create('note.md', '')).rejects.toThrow('File already exists.');
  });

  it('fails to create a file whose folder does not exist, and fires nothing', async () => {
    const log = recordEvents(t.vault);
    await expect(t.vault.create('missing/a.md', '')).rejects.toThrow(/ENOENT/);
    expect(log).toEqual([]);
  });

  it('creates missing parent folders for createFolder, parents first', async () => {
    const log = recordEvents(t.vault);
    const folder = await t.vault.createFolder('a/b');
    expect(folder).toBeInstanceOf(TFolder);
    expect(log).toEqual(['create a', 'create a/b']);
  });

  it('copies a file and trashes it into .trash without indexing the trash', async () => {
    const file = await t.vault.create('a.md', 'a');
    const copy = await t.vault.copy(file, 'b.md');
    expect(await onDisk('b.md')).toBe('a');
    const log = recordEvents(t.vault);
    await t.app.fileManager.trashFile(copy);
    expect(log).toEqual(['delete b.md']);
    expect(await onDisk('.trash/b.md')).toBe('a');
    expect(t.vault.getFiles().map((f) => f.path)).toEqual(['a.md']);
  });
});

describe('hidden folders', () => {
  it('emits nothing and indexes nothing for writes through the adapter into the config folder', async () => {
    const log = recordEvents(t.vault);
    await t.vault.adapter.write(`${t.vault.configDir}/x.json`, '{}');
    await t.vault.syncExternalChanges();
    expect(log).toEqual([]);
    expect(t.vault.getAbstractFileByPath(`${t.vault.configDir}/x.json`)).toBeNull();
  });

  it('refuses Vault API writes into hidden folders', async () => {
    await expect(t.vault.create('.hidden/a.md', '')).rejects.toThrow(/hidden folder/);
  });

  it('leaves hidden entries out of the start-up scan', async () => {
    await fs.mkdir(nodePath.join(dir, 'kb/.git'), { recursive: true });
    await fs.writeFile(nodePath.join(dir, 'kb/.git/HEAD'), 'ref');
    await fs.writeFile(nodePath.join(dir, 'kb/n.md'), 'n');
    const log = recordEvents(t.vault);
    await t.vault.loadFromDisk();
    expect(log).toEqual(['create kb', 'create kb/n.md']);
  });
});

describe('external changes', () => {
  it('detects files created, modified and deleted outside the vault API', async () => {
    await t.vault.create('keep.md', 'v1');
    await t.vault.create('gone.md', '');
    await fs.writeFile(nodePath.join(dir, 'keep.md'), 'version 2');
    await fs.rm(nodePath.join(dir, 'gone.md'));
    await fs.writeFile(nodePath.join(dir, 'new.md'), 'new');
    const log = recordEvents(t.vault);
    const changes = await t.vault.syncExternalChanges();
    expect(log).toEqual(['delete gone.md', 'create new.md', 'modify keep.md']);
    expect(changes).toEqual({ created: ['new.md'], modified: ['keep.md'], deleted: ['gone.md'] });
  });

  it('reports nothing when only the vault API wrote', async () => {
    const file = await t.vault.create('a.md', 'a');
    await t.vault.modify(file, 'b');
    expect(await t.vault.syncExternalChanges()).toEqual({ created: [], modified: [], deleted: [] });
  });
});

describe('metadata cache', () => {
  it('reads frontmatter after the vault event, as Obsidian indexes asynchronously', async () => {
    let seenInHandler: unknown = 'not called';
    t.vault.on('create', (f) => { if (f instanceof TFile) seenInHandler = t.app.metadataCache.getFileCache(f); });
    const file = await t.vault.create('n.md', '---\ntitle: "Hi"\ntags:\n  - a\n  - b\ncount: 3\n---\nbody');
    expect(seenInHandler).toBeNull();
    await t.app.metadataCache.settled();
    expect(t.app.metadataCache.getFileCache(file)?.frontmatter).toEqual({ title: 'Hi', tags: ['a', 'b'], count: 3 });
  });
});

class ProbePlugin extends Plugin {
  intervalRuns = 0;
  override onload(): void {
    this.registerEvent(this.app.vault.on('create', () => {}));
    this.registerEvent(this.app.workspace.on('file-menu', (menu: Menu, file: TAbstractFile) => {
      menu.addItem((item) => item.setTitle('Share folder').setSection('action').onClick(() => new Notice(`shared ${file.path}`)));
    }));
    this.registerEvent(this.app.metadataCache.on('changed', () => {}));
    this.registerDomEvent(this.app.bodyEl, 'click', () => {});
    this.registerInterval(setInterval(() => { this.intervalRuns++; }, 1) as unknown as number);
    this.addCommand({ id: 'share-folder', name: 'Share folder', callback: () => new Notice('command ran') });
    this.addCommand({ id: 'never', name: 'Never', checkCallback: (checking) => { if (!checking) new Notice('ran anyway'); return false; } });
    this.addRibbonIcon('share', 'Share', () => {});
    this.addStatusBarItem().setText('idle');
    this.registerView('probe-view', (leaf) => new ProbeView(leaf));
    this.registerObsidianProtocolHandler('tzimtzum', (params) => new Notice(`kb=${params.kb}`));
    this.registerEditorExtension([]);
    this.registerMarkdownCodeBlockProcessor('tzimtzum', (source, el) => { el.createSpan({ text: source.trim() }); });
    this.addSettingTab(new ProbeSettings(this.app, this));
  }
}

const opened: string[] = [];
class ProbeView extends ItemView {
  getViewType(): string { return 'probe-view'; }
  getDisplayText(): string { return 'Probe'; }
  protected override onOpen(): Promise<void> {
    opened.push('open');
    this.contentEl.createDiv({ text: 'probe' });
    return Promise.resolve();
  }
  protected override onClose(): Promise<void> {
    opened.push('close');
    return Promise.resolve();
  }
}

const changes: unknown[] = [];
class ProbeSettings extends PluginSettingTab {
  override display(): void {
    this.containerEl.empty();
    new Setting(this.containerEl).setName('Auto-share').addToggle((c) => c.setValue(false).onChange((v) => changes.push(v)));
    new Setting(this.containerEl).setName('Name').addText((c) => c.setPlaceholder('KB name').onChange((v) => changes.push(v)));
    new Setting(this.containerEl).setName('Mode').addDropdown((c) => c.addOptions({ a: 'A', b: 'B' }).onChange((v) => changes.push(v)));
  }
}

async function loadProbe(app: TestApp = t): Promise<ProbePlugin> {
  const manifest = { id: 'tzimtzum', name: 'Tzimtzum', author: 't', version: '0', minAppVersion: '1.5.0', description: 'd' };
  return app.loadPlugin(ProbePlugin, manifest);
}

describe('plugin', () => {
  it('removes every registration and listener on unload', async () => {
    const before = t.app.registrations();
    const plugin = await loadProbe();
    expect(t.app.registrations()).toMatchObject({ commands: 2, views: 1, protocolHandlers: 1, editorExtensions: 1, codeBlockProcessors: 1,
      settingTabs: 1, ribbonIcons: 1, statusBarItems: 1, vaultListeners: 1, workspaceListeners: 1, metadataCacheListeners: 1 });
    t.unloadPlugin(plugin);
    expect(t.app.registrations()).toEqual(before);
    expect(domListenerCount(t.app.bodyEl, 'click')).toBe(0);
    const runs = plugin.intervalRuns;
    await new Promise((r) => setTimeout(r, 20));
    expect(plugin.intervalRuns).toBe(runs);
  });

  it('runs commands by prefixed id, honouring checkCallback', async () => {
    await loadProbe();
    clearNotices();
    expect(t.app.commands.executeCommandById('tzimtzum:share-folder')).toBe(true);
    expect(t.app.commands.executeCommandById('tzimtzum:never')).toBe(false);
    expect(notices.map((n) => n.message)).toEqual(['command ran']);
    expect(t.app.commands.findCommand('tzimtzum:share-folder')?.name).toBe('Tzimtzum: Share folder');
  });

  it('dispatches obsidian:// URLs to the handler with decoded params', async () => {
    await loadProbe();
    clearNotices();
    expect(await t.app.handleProtocolUrl('obsidian://tzimtzum?kb=abc%20def')).toBe(true);
    expect(await t.app.handleProtocolUrl('obsidian://other?x=1')).toBe(false);
    expect(notices.map((n) => n.message)).toEqual(['kb=abc def']);
  });

  it('keeps data.json in the plugin folder under the config dir', async () => {
    const plugin = await loadProbe();
    expect(await plugin.loadData()).toBeNull();
    await plugin.saveData({ shared: ['kb'] });
    expect(JSON.parse(await onDisk('.obsidian/plugins/tzimtzum/data.json'))).toEqual({ shared: ['kb'] });
    expect(await plugin.loadData()).toEqual({ shared: ['kb'] });
  });

  it('opens a registered view in a leaf and closes it on detach', async () => {
    await loadProbe();
    opened.length = 0;
    const leaf = t.app.workspace.getRightLeaf(false) as WorkspaceLeaf;
    await leaf.setViewState({ type: 'probe-view', active: true });
    expect(leaf.view).toBeInstanceOf(ProbeView);
    expect((leaf.view as ProbeView).containerEl.children[1].textContent).toBe('probe');
    expect(t.app.workspace.getLeavesOfType('probe-view')).toEqual([leaf]);
    t.app.workspace.detachLeavesOfType('probe-view');
    await vi.waitFor(() => expect(opened).toEqual(['open', 'close']));
    expect(t.app.workspace.getLeavesOfType('probe-view')).toEqual([]);
  });

  it('fills and clicks the file menu', async () => {
    await loadProbe();
    const folder = await t.vault.createFolder('kb');
    clearNotices();
    const menu = openFileMenu(t.app, folder);
    await menu.item('Share folder').click();
    expect(notices.map((n) => n.message)).toEqual(['shared kb']);
    expect(menu.shown).toBe(false);
  });

  it('renders a registered code block', async () => {
    await loadProbe();
    const el = await t.app.renderCodeBlock('tzimtzum', ' kb-link \n');
    expect(el.find('span').textContent).toBe('kb-link');
  });
});

describe('settings', () => {
  it('fires onChange when a user clicks a toggle, types text or picks an option', async () => {
    await loadProbe();
    changes.length = 0;
    const tab = t.app.openSettingTab('tzimtzum');
    tab.containerEl.find('.checkbox-container').click();
    const input = tab.containerEl.find('input[type=text]') as HTMLInputElement;
    expect(input.placeholder).toBe('KB name');
    input.value = 'My KB';
    input.trigger('input');
    const select = tab.containerEl.find('select') as HTMLSelectElement;
    select.value = 'b';
    select.trigger('change');
    expect(changes).toEqual([true, 'My KB', 'b']);
    expect(tab.containerEl.find('.checkbox-container').hasClass('is-enabled')).toBe(true);
  });
});

describe('workspace', () => {
  it('queues onLayoutReady callbacks until the layout is ready, then runs new ones at once', async () => {
    const order: string[] = [];
    t.app.workspace.onLayoutReady(() => order.push('first'));
    t.app.workspace.onLayoutReady(() => order.push('second'));
    expect(order).toEqual([]);
    await t.start();
    t.app.workspace.onLayoutReady(() => order.push('third'));
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('fires vault create for existing files before the layout is ready at start-up', async () => {
    await fs.writeFile(nodePath.join(dir, 'a.md'), 'a');
    const order: string[] = [];
    t.vault.on('create', (f) => order.push(f.path));
    t.app.workspace.onLayoutReady(() => order.push('layout-ready'));
    await t.start();
    expect(order).toEqual(['a.md', 'layout-ready']);
  });

  it('opens a file in preview mode and reports it as the active file', async () => {
    const file = await t.vault.create('n.md', 'text');
    const opens: (string | undefined)[] = [];
    t.app.workspace.on('file-open', (f) => opens.push(f?.path));
    const leaf = t.app.workspace.getLeaf(false);
    await leaf.openFile(file, { state: { mode: 'preview' } });
    expect(leaf.getViewState()).toMatchObject({ type: 'markdown', state: { file: 'n.md', mode: 'preview' } });
    expect(t.app.workspace.getActiveFile()).toBe(file);
    expect(opens).toEqual(['n.md']);
  });
});

describe('modal', () => {
  it('attaches to the app body with onOpen and detaches with onClose', () => {
    const calls: string[] = [];
    class Confirm extends Modal {
      override onOpen(): void { calls.push('open'); this.setTitle('Share folder?'); }
      override onClose(): void { calls.push('close'); }
    }
    const modal = new Confirm(t.app);
    modal.open();
    expect(t.app.bodyEl.find('.modal-title').textContent).toBe('Share folder?');
    modal.close();
    expect(t.app.bodyEl.find('.modal-container')).toBeNull();
    expect(calls).toEqual(['open', 'close']);
  });
});

describe('editor commands', () => {
  it('runs an editorCallback only with an active Markdown view, whose edits save to the file', async () => {
    const file = await t.vault.create('n.md', 'hello');
    class EditorPlugin extends Plugin {
      override onload(): void {
        this.addCommand({ id: 'shout', name: 'Shout', editorCallback: (editor) => editor.setValue(editor.getValue().toUpperCase()) });
      }
    }
    await t.loadPlugin(EditorPlugin, { id: 'p', name: 'P', author: 'a', version: '0', minAppVersion: '1.5.0', description: 'd' });
    expect(t.app.commands.executeCommandById('p:shout')).toBe(false);
    await t.app.workspace.getLeaf().openFile(file);
    expect(t.app.commands.executeCommandById('p:shout')).toBe(true);
    await t.app.workspace.getActiveViewOfType(MarkdownView)?.save();
    expect(await onDisk('n.md')).toBe('HELLO');
  });
});

describe('notices and helpers', () => {
  it('records every notice with its current message', () => {
    clearNotices();
    const n = new Notice('Sharing…', 0);
    n.setMessage('Shared');
    new Notice('Done');
    n.hide();
    expect(notices).toEqual([{ message: 'Shared', duration: 0, hidden: true }, { message: 'Done', duration: undefined, hidden: false }]);
  });

  it('creates SVG elements with classes and attributes under a parent', () => {
    const parent = createDiv();
    const svg = parent.createSvg('svg', { cls: 'qr', attr: { viewBox: '0 0 4 4' } });
    svg.createSvg('path', { attr: { d: 'M0 0h1v1h-1z' } });
    expect(parent.find('svg.qr')?.getAttribute('viewBox')).toBe('0 0 4 4');
    expect(svg.find('path')?.getAttribute('d')).toBe('M0 0h1v1h-1z');
  });

  it('normalizes paths like Obsidian', () => {
    expect(normalizePath('//a\\b//c/')).toBe('a/b/c');
    expect(normalizePath('')).toBe('/');
    expect(normalizePath('a\u00A0b')).toBe('a b');
    expect(normalizePath('e\u0301')).toBe('\u00E9');
  });

  it('debounces to the last call, and restarts the wait with resetTimer', () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const d = debounce((n: number) => calls.push(n), 100, true);
      d(1);
      vi.advanceTimersByTime(60);
      d(2);
      vi.advanceTimersByTime(60);
      expect(calls).toEqual([]);
      vi.advanceTimersByTime(40);
      expect(calls).toEqual([2]);
      d(3).cancel();
      vi.advanceTimersByTime(200);
      expect(calls).toEqual([2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is what the obsidian alias resolves to', async () => {
    const viaAlias = await import('obsidian');
    expect(viaAlias.Notice).toBe(Notice);
    expect('requestUrl' in viaAlias).toBe(false);
  });
});

