// The plugin class only wires: it builds the pieces, registers them with Obsidian (all cleaned up by
// Obsidian on unload), and starts the peer once the layout is ready, so start-up `create` events never
// become ops and enabling the plugin costs no network, store or vault scan.
import type { EditorState } from '@codemirror/state';
import { Notice, Plugin, TFile, TFolder, debounce, editorInfoField, type Menu, type TAbstractFile } from 'obsidian';
import { NodeFolder } from '../mirror/node-folder';
import { NodeFolderWatcher } from '../mirror/node-watcher';
import { LocalPeerApi, type PeerApi } from '../peer/peer-api';
import { UNLOCK_BLOCK } from '../paywall/locked-stub';
import { KnowledgeBaseActions, folderOf } from './knowledge-base-actions';
import { KnowledgeBaseIndex } from './knowledge-base-index';
import { KNOWLEDGE_BASES_VIEW, KnowledgeBasesView } from './knowledge-bases-view';
import { MountGuard, messageOf } from './mount-guard';
import { PeerHost } from './peer-host';
import { PeerNotices } from './peer-notices';
import { unsupportedRuntime } from './platform-check';
import { readOnlyMounts } from './read-only-editor';
import { dataFolderOf, readSettings, walletOf, type TzimtzumSettings } from './settings';
import { TzimtzumSettingTab } from './settings-tab';
import { renderStatusBar } from './status-bar';
import { templaterWarning } from './templater-check';
import { copyInvoice } from './invoice-clipboard';
import { unlockBlockProcessor } from './unlock-block';
import { PAID_NOTES_VIEW, PaidNotesView } from './unlock-panel';
import { NEUTRALIZED_LANGUAGE, renderNeutralizedBlock, untrustedCodeRenderer } from './untrusted-code-view';
import { VaultFolder } from './vault-folder';
import { VaultMountFileSystem } from './vault-mount-fs';
import { VaultPaths } from './vault-paths';
import { WriterActions } from './writer-actions';

/** Tzimtzum: publish folders as peer-to-peer knowledge bases and subscribe to others'. */
export default class TzimtzumPlugin extends Plugin {
  options: TzimtzumSettings = readSettings(null);
  private unloaded = false;
  /** The peer as the UI talks to it; null when the plugin stayed inert. */
  api: PeerApi | null = null;
  private host: PeerHost | null = null;
  private guard: MountGuard | null = null;
  private paidNotesOpening: Promise<unknown> = Promise.resolve();

  override async onload(): Promise<void> {
    const unsupported = unsupportedRuntime();
    if (unsupported) {
      new Notice(unsupported, 0);
      return;
    }
    let paths: VaultPaths;
    try {
      paths = new VaultPaths(this.app);
    } catch (err) {
      new Notice(messageOf(err), 0);
      return;
    }
    this.options = readSettings(await this.loadData());
    const app = this.app;
    const api = new LocalPeerApi({
      folderAccess: (folder) => {
        const inVault = paths.toVault(folder);
        if (inVault === null) return { reader: new NodeFolder(folder), events: new NodeFolderWatcher(folder) };
        const vaultFolder = new VaultFolder(app, inVault, new NodeFolder(folder));
        return { reader: vaultFolder, events: vaultFolder };
      },
      mountFileSystem: (_id, root) => new VaultMountFileSystem(app, paths, root),
      renderFor: (id) => untrustedCodeRenderer(() => this.options.allowCode.includes(id)),
      mountLimits: { maxFileBytes: this.options.maxFileMegabytes * 1024 * 1024, maxFiles: this.options.maxFiles },
      debounceMs: 300,
    });
    this.api = api;
    const index = new KnowledgeBaseIndex(api, paths);
    const notices = new PeerNotices(index);
    this.register(api.onEvent((event) => {
      index.handle(event);
      notices.handle(event);
    }));
    this.register(() => notices.clear());
    const guard = (this.guard = new MountGuard(app, api, index));
    this.register(() => guard.dispose());
    const host = (this.host = new PeerHost(api, () => ({ dataDir: dataFolderOf(this.options), bootstrap: this.options.bootstrap, wallet: walletOf(this.options) })));
    const actions = new KnowledgeBaseActions({ app, api, index, paths, settings: () => this.options, saveSettings: () => this.saveSettings() });
    const writers = new WriterActions({ app, api, index, paths });

    this.registerView(KNOWLEDGE_BASES_VIEW, (leaf) => new KnowledgeBasesView(leaf, index, actions, api, writers));
    this.registerView(PAID_NOTES_VIEW, (leaf) => new PaidNotesView(leaf, {
      api, index, maxFeeSats: () => this.options.maxFeeSats, copy: copyInvoice,
      openNote: async (kbId, path) => {
        const folder = index.get(kbId)?.vaultFolder;
        const file = folder ? app.vault.getAbstractFileByPath(folder === '/' ? path : `${folder}/${path}`) : null;
        if (file instanceof TFile) await app.workspace.getLeaf(false).openFile(file);
      },
    }));
    this.registerMarkdownCodeBlockProcessor(UNLOCK_BLOCK, unlockBlockProcessor({ api, index, unlock: async (kbId, noteId) => { await this.openPaidNotes(kbId, noteId); } }));
    this.addSettingTab(new TzimtzumSettingTab(app, this, { api, index, settings: () => this.options, save: () => this.saveSettings(), restart: () => host.restart() }));
    // One handler for both link kinds: `?invite=` opens the Join dialog (confirmed there), anything else subscribes.
    this.registerObsidianProtocolHandler('tzimtzum', (params) => ('invite' in params ? writers.handleProtocol(params) : actions.handleProtocol(params)));
    this.registerEditorExtension(readOnlyMounts(fileOfEditor, (path) => guard.isMounted(path)));
    this.registerMarkdownCodeBlockProcessor(NEUTRALIZED_LANGUAGE, renderNeutralizedBlock);

    this.addCommand({
      id: 'share-folder',
      name: 'Share folder as knowledge base',
      checkCallback: (checking) => {
        const folder = folderOf(app.workspace.getActiveFile());
        if (!folder) return false;
        if (!checking) actions.shareFolder(folder);
        return true;
      },
    });
    this.addCommand({ id: 'subscribe', name: 'Subscribe to knowledge base', callback: () => actions.askToSubscribe() });
    this.addCommand({
      id: 'copy-share-link',
      name: 'Copy share link',
      checkCallback: (checking) => {
        const kb = actions.activeKnowledgeBase();
        if (!kb) return false;
        if (!checking) void actions.copyLink(kb.status.id);
        return true;
      },
    });
    this.addCommand({
      id: 'stop-sharing',
      name: 'Stop sharing',
      checkCallback: (checking) => {
        const kb = actions.activeKnowledgeBase();
        if (kb?.status.role !== 'shared') return false;
        if (!checking) actions.stopSharing(kb);
        return true;
      },
    });
    this.addCommand({
      id: 'invite-writer',
      name: 'Invite device or co-author',
      checkCallback: (checking) => {
        const shared = index.all().filter((kb) => kb.status.role === 'shared');
        const active = actions.activeKnowledgeBase();
        // The active note's knowledge base, or the only one shared from this vault.
        const kb = active?.status.role === 'shared' ? active : shared.length === 1 ? shared[0] : null;
        if (shared.length === 0) return false;
        if (!checking) {
          if (kb) writers.invite(kb);
          else new Notice('Open a note of the shared knowledge base you want to invite to, then run this again.');
        }
        return true;
      },
    });
    this.addCommand({ id: 'join-as-writer', name: 'Join as writer', callback: () => writers.askToJoin() });
    this.addCommand({ id: 'open-knowledge-bases', name: 'Open knowledge bases', callback: () => this.openView() });
    this.addCommand({ id: 'open-paid-notes', name: 'Open paid notes', callback: () => this.openPaidNotes() });
    this.addCommand({ id: 'restart-network', name: 'Restart network', callback: () => host.restart() });
    this.registerEvent(app.workspace.on('file-menu', (menu, file) => this.fillFileMenu(menu, file, index, actions, writers)));

    const statusBar = this.addStatusBarItem();
    const updateStatusBar = debounce(() => renderStatusBar(statusBar, index), 250, false);
    renderStatusBar(statusBar, index);
    this.registerEvent(index.on('updated', updateStatusBar));
    this.register(() => updateStatusBar.cancel());

    app.workspace.onLayoutReady(() => {
      if (this.unloaded) return;
      this.registerEvent(app.vault.on('modify', (file) => guard.onChanged(file)));
      this.registerEvent(app.vault.on('delete', (file) => guard.onChanged(file)));
      this.registerEvent(app.vault.on('rename', (file, oldPath) => guard.onRenamed(file, oldPath)));
      this.registerEvent(app.workspace.on('file-open', (file) => void guard.onFileOpen(file)));
      void host.start().then(async () => {
        const warning = await templaterWarning(app, this.options.mountRoot);
        if (warning && index.all().some((kb) => kb.status.role === 'subscribed')) new Notice(warning, 0);
      });
    });
  }

  override onunload(): void {
    this.unloaded = true;
    void this.host?.stop();
  }

  /** Resolves when the peer has finished starting or stopping (tests and restarts await this). */
  async idle(): Promise<void> {
    await this.guard?.flush();
    await this.host?.idle();
  }

  async saveSettings(): Promise<void> {
    await this.saveData(this.options);
  }

  private async openView(): Promise<void> {
    const existing = this.app.workspace.getLeavesOfType(KNOWLEDGE_BASES_VIEW)[0];
    const leaf = existing ?? this.app.workspace.getRightLeaf(false);
    if (!leaf) return;
    if (existing) this.app.workspace.setActiveLeaf(existing, { focus: true });
    else await leaf.setViewState({ type: KNOWLEDGE_BASES_VIEW, active: true });
  }

  /** Open the paid-notes view, on a knowledge base and starting to buy a note when given. */
  async openPaidNotes(kbId?: string, noteId?: string): Promise<PaidNotesView | null> {
    // Two clicks in a row must not open two views: the second waits for the first leaf.
    const opened = this.paidNotesOpening.then(() => this.paidNotesLeaf());
    this.paidNotesOpening = opened.catch(() => null);
    const view = await opened;
    if (view && kbId) await view.show(kbId, noteId);
    return view;
  }

  private async paidNotesLeaf(): Promise<PaidNotesView | null> {
    const existing = this.app.workspace.getLeavesOfType(PAID_NOTES_VIEW)[0];
    const leaf = existing ?? this.app.workspace.getRightLeaf(false);
    if (!leaf) return null;
    if (existing) this.app.workspace.setActiveLeaf(existing, { focus: true });
    else await leaf.setViewState({ type: PAID_NOTES_VIEW, active: true });
    const view = leaf.view;
    return view instanceof PaidNotesView ? view : null;
  }

  private fillFileMenu(menu: Menu, file: TAbstractFile, index: KnowledgeBaseIndex, actions: KnowledgeBaseActions, writers: WriterActions): void {
    const mounted = index.mountAt(file.path);
    const shared = index.shareAt(file.path);
    if (mounted) {
      // Obsidian's own rename and delete items cannot be removed; this says why they will be undone.
      menu.addItem((item) => item.setTitle(`Read-only: part of "${mounted.kb.status.title}"`).setIcon('lock').setDisabled(true));
      if (mounted.rel === '') {
        menu.addItem((item) => item.setTitle('Copy share link').setIcon('link').onClick(() => actions.copyLink(mounted.kb.status.id)));
        menu.addItem((item) => item.setTitle('Unsubscribe').setIcon('log-out').onClick(() => actions.unsubscribe(mounted.kb)));
      }
      return;
    }
    if (shared && shared.rel === '') {
      menu.addItem((item) => item.setTitle('Copy share link').setIcon('link').onClick(() => actions.copyLink(shared.kb.status.id)));
      menu.addItem((item) => item.setTitle('Invite device or co-author').setIcon('user-plus').onClick(() => writers.invite(shared.kb)));
      menu.addItem((item) => item.setTitle('Stop sharing').setIcon('circle-slash').onClick(() => actions.stopSharing(shared.kb)));
      return;
    }
    if (file instanceof TFolder && !shared) {
      menu.addItem((item) => item.setTitle('Share folder as knowledge base').setIcon('share-2').onClick(() => actions.shareFolder(file)));
    }
  }
}

/** The path of the file an editor shows (undefined outside Obsidian, where no editor runs). */
function fileOfEditor(state: EditorState): string | null {
  return state.field(editorInfoField, false)?.file?.path ?? null;
}
