// Obsidian's `App`, plus the registries that Obsidian keeps internally and a plugin's `add*`/`register*`
// calls fill: commands (run them with `app.commands.executeCommandById`), views, obsidian:// handlers,
// editor extensions, code block processors and setting tabs. Harness-only members are marked.
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import { createDocument } from './dom.js';
import { FileManager } from './file-manager.js';
import { listenerCount } from './events.js';
import { MetadataCache } from './metadata-cache.js';
import { MarkdownView, type View } from './views.js';
import { Vault } from './vault.js';
import { Workspace, type WorkspaceLeaf } from './workspace.js';
import type { Editor } from './editor.js';
import type { PluginSettingTab } from './plugin.js';

/** A command, as a plugin declares it. */
export interface Command {
  id: string;
  name: string;
  icon?: string;
  mobileOnly?: boolean;
  repeatable?: boolean;
  callback?: () => any;
  checkCallback?: (checking: boolean) => boolean | void;
  editorCallback?: (editor: Editor, ctx: MarkdownView) => any;
  editorCheckCallback?: (checking: boolean, editor: Editor, ctx: MarkdownView) => boolean | void;
  hotkeys?: unknown[];
}

/** The query of an obsidian:// URL, with its action. */
export interface ObsidianProtocolData { action: string; [key: string]: string }
/** A handler for obsidian://<action> URLs. */
export type ObsidianProtocolHandler = (params: ObsidianProtocolData) => any;
/** Creates a view for a leaf. */
export type ViewCreator = (leaf: WorkspaceLeaf) => View;
/** Renders a fenced code block of one language. */
export type CodeBlockHandler = (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<any> | void;

/** What a code block processor gets besides the source and element. */
export interface MarkdownPostProcessorContext {
  docId: string;
  sourcePath: string;
  frontmatter: any;
  addChild(child: import('./component.js').Component): void;
  getSectionInfo(el: HTMLElement): null;
}

/** Obsidian's command registry (undocumented in obsidian.d.ts; `app.commands` in Obsidian). */
export class Commands {
  readonly commands: Record<string, Command> = {};
  readonly #app: App;
  constructor(app: App) { this.#app = app; }

  listCommands(): Command[] { return Object.values(this.commands); }
  findCommand(id: string): Command | undefined { return this.commands[id]; }

  /**
   * Runs a command the way a hotkey or the palette does; false when it is unknown or unavailable.
   * Precedence as documented: editorCheckCallback, editorCallback, checkCallback, callback. Editor
   * commands need an active Markdown view; check callbacks are asked (checking = true) before running.
   */
  executeCommandById(id: string): boolean {
    const cmd = this.commands[id];
    if (!cmd) return false;
    if (cmd.editorCheckCallback || cmd.editorCallback) {
      const view = this.#app.workspace.getActiveViewOfType(MarkdownView);
      if (!view) return false;
      if (cmd.editorCheckCallback) {
        if (!cmd.editorCheckCallback(true, view.editor, view)) return false;
        cmd.editorCheckCallback(false, view.editor, view);
      } else {
        void cmd.editorCallback?.(view.editor, view);
      }
      return true;
    }
    if (cmd.checkCallback) {
      if (!cmd.checkCallback(true)) return false;
      cmd.checkCallback(false);
      return true;
    }
    if (!cmd.callback) return false;
    void cmd.callback();
    return true;
  }
}

/** Counts of everything plugins have registered, for leak checks (harness only). */
export interface Registrations {
  commands: number;
  views: number;
  protocolHandlers: number;
  editorExtensions: number;
  codeBlockProcessors: number;
  settingTabs: number;
  ribbonIcons: number;
  statusBarItems: number;
  vaultListeners: number;
  workspaceListeners: number;
  metadataCacheListeners: number;
}

/** The app: one vault and its workspace. */
export class App {
  vault: Vault;
  workspace: Workspace;
  metadataCache: MetadataCache;
  fileManager: FileManager;
  lastEvent: null = null;

  /** Harness only (Obsidian's internal `app.commands`). */
  readonly commands = new Commands(this);
  /** Harness only: this app's own document; modals, the status bar and the ribbon live in its body. */
  readonly bodyEl: HTMLElement;
  /** Harness only: registered view types. */
  readonly viewRegistry = new Map<string, ViewCreator>();
  /** Harness only: obsidian:// handlers by action. */
  readonly protocolHandlers = new Map<string, ObsidianProtocolHandler>();
  /** Harness only: editor extensions, as registered (CodeMirror is not run). */
  readonly editorExtensions: unknown[] = [];
  /** Harness only: code block processors by language. */
  readonly codeBlockProcessors = new Map<string, CodeBlockHandler>();
  /** Harness only: setting tabs, in the order they were added. */
  readonly settingTabs: PluginSettingTab[] = [];
  readonly #baseline: { vault: number; workspace: number; metadataCache: number };

  /** Harness only: use `createTestApp` from test-app.ts. */
  constructor(vault: Vault) {
    this.vault = vault;
    this.metadataCache = new MetadataCache(vault);
    this.fileManager = new FileManager(this);
    this.bodyEl = createDocument().body;
    this.bodyEl.createDiv('side-dock-ribbon');
    this.workspace = new Workspace(this, this.bodyEl.createDiv('workspace'));
    this.bodyEl.createDiv('status-bar');
    this.#baseline = { vault: listenerCount(this.vault), workspace: listenerCount(this.workspace), metadataCache: listenerCount(this.metadataCache) };
  }

  isDarkMode(): boolean { return false; }

  /** Harness only: dispatch an obsidian:// URL as the OS would; false when no handler has its action. */
  async handleProtocolUrl(url: string): Promise<boolean> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'obsidian:') throw new Error(`Not an obsidian:// URL: ${url}`);
    const action = parsed.hostname || parsed.pathname.replace(/^\/+/, '');
    const handler = this.protocolHandlers.get(action);
    if (!handler) return false;
    const params: ObsidianProtocolData = { action };
    // A key with no value arrives as 'true', as in Obsidian.
    for (const part of parsed.search.replace(/^\?/, '').split('&').filter(Boolean)) {
      const eq = part.indexOf('=');
      const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      params[key] = eq < 0 ? 'true' : decodeURIComponent(part.slice(eq + 1));
    }
    await handler(params);
    return true;
  }

  /** Harness only: render a fenced code block as reading view would; returns its element once the handler settles. */
  async renderCodeBlock(language: string, source: string, sourcePath = ''): Promise<HTMLElement> {
    const handler = this.codeBlockProcessors.get(language);
    if (!handler) throw new Error(`No code block processor is registered for "${language}".`);
    const el = this.bodyEl.createDiv(`block-language-${language}`);
    const file = this.vault.getFileByPath(sourcePath);
    const ctx: MarkdownPostProcessorContext = {
      docId: `harness-${sourcePath}`,
      sourcePath,
      frontmatter: file ? this.metadataCache.getFileCache(file)?.frontmatter : undefined,
      addChild: (child) => child.load(),
      getSectionInfo: () => null,
    };
    await handler(source, el, ctx);
    return el;
  }

  /** Harness only: open a plugin's setting tab (its `display()` runs); returns the tab. */
  openSettingTab(pluginId: string): PluginSettingTab {
    const tab = this.settingTabs.find((t) => t.plugin.manifest.id === pluginId);
    if (!tab) throw new Error(`No setting tab is registered by plugin "${pluginId}".`);
    this.bodyEl.appendChild(tab.containerEl);
    tab.display();
    return tab;
  }

  /** Harness only: close a setting tab (its `hide()` runs). */
  closeSettingTab(tab: PluginSettingTab): void {
    tab.hide();
    tab.containerEl.detach();
  }

  /** Harness only: what is registered right now, not counting the app's own listeners. */
  registrations(): Registrations {
    return {
      commands: Object.keys(this.commands.commands).length,
      views: this.viewRegistry.size,
      protocolHandlers: this.protocolHandlers.size,
      editorExtensions: this.editorExtensions.length,
      codeBlockProcessors: this.codeBlockProcessors.size,
      settingTabs: this.settingTabs.length,
      ribbonIcons: this.bodyEl.findAll('.side-dock-ribbon-action').length,
      statusBarItems: this.bodyEl.findAll('.status-bar-item').length,
      vaultListeners: listenerCount(this.vault) - this.#baseline.vault,
      workspaceListeners: listenerCount(this.workspace) - this.#baseline.workspace,
      metadataCacheListeners: listenerCount(this.metadataCache) - this.#baseline.metadataCache,
    };
  }
}
