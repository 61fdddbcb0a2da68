// Obsidian's `Plugin`: a Component whose `add*` and `register*` calls land in the app's registries and
// are taken out again when the plugin unloads, so a test can check that nothing stays behind.
// Commands get Obsidian's prefixes: id `<plugin id>:<id>`, name `<plugin name>: <name>`.
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import type { App, CodeBlockHandler, Command, ObsidianProtocolHandler, ViewCreator } from './app.js';
import { Component } from './component.js';
import './dom.js';

/** A plugin's manifest.json. */
export interface PluginManifest {
  dir?: string;
  id: string;
  name: string;
  author: string;
  version: string;
  minAppVersion: string;
  description: string;
  authorUrl?: string;
  isDesktopOnly?: boolean;
}

/** A post processor, as returned by `registerMarkdownCodeBlockProcessor`. */
export interface MarkdownPostProcessor {
  (el: HTMLElement, ctx: Parameters<CodeBlockHandler>[2]): Promise<any> | void;
  sortOrder?: number;
}

/** The base of a plugin. */
export abstract class Plugin extends Component {
  app: App;
  manifest: PluginManifest;

  constructor(app: App, manifest: PluginManifest) {
    super();
    this.app = app;
    this.manifest = manifest;
  }

  // As in obsidian.d.ts: a plugin's onload may be async (Obsidian awaits it when enabling the plugin).
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override onload(): Promise<void> | void {}

  addRibbonIcon(icon: string, title: string, callback: (evt: MouseEvent) => any): HTMLElement {
    const ribbon = this.app.bodyEl.find('.side-dock-ribbon');
    const el = ribbon.createDiv({ cls: 'clickable-icon side-dock-ribbon-action', attr: { 'aria-label': title, 'data-icon': icon } });
    el.addEventListener('click', callback);
    this.register(() => el.detach());
    return el;
  }

  addStatusBarItem(): HTMLElement {
    const el = this.app.bodyEl.find('.status-bar').createDiv('status-bar-item plugin-' + this.manifest.id);
    this.register(() => el.detach());
    return el;
  }

  addCommand(command: Command): Command {
    const id = `${this.manifest.id}:${command.id}`;
    const registered: Command = { ...command, id, name: `${this.manifest.name}: ${command.name}` };
    this.app.commands.commands[id] = registered;
    this.register(() => { delete this.app.commands.commands[id]; });
    return registered;
  }

  /** Takes the plugin's id prefix itself, like addCommand. */
  removeCommand(commandId: string): void {
    delete this.app.commands.commands[`${this.manifest.id}:${commandId}`];
  }

  addSettingTab(settingTab: PluginSettingTab): void {
    this.app.settingTabs.push(settingTab);
    this.register(() => {
      const tabs = this.app.settingTabs;
      if (tabs.includes(settingTab)) tabs.splice(tabs.indexOf(settingTab), 1);
    });
  }

  /** Throws if the type is taken. On unload, leaves showing the type are reset to an empty view. */
  registerView(type: string, viewCreator: ViewCreator): void {
    if (this.app.viewRegistry.has(type)) throw new Error(`Attempting to register an existing view type "${type}"`);
    this.app.viewRegistry.set(type, viewCreator);
    this.register(() => {
      this.app.viewRegistry.delete(type);
      for (const leaf of this.app.workspace.getLeavesOfType(type)) void leaf.reset();
    });
  }

  registerMarkdownCodeBlockProcessor(language: string, handler: CodeBlockHandler, sortOrder?: number): MarkdownPostProcessor {
    this.app.codeBlockProcessors.set(language, handler);
    this.register(() => this.app.codeBlockProcessors.delete(language));
    // Reading view hands processors a section; this one renders each `code.language-<language>` in it.
    const processor: MarkdownPostProcessor = async (el, ctx) => {
      for (const code of el.findAll(`code.language-${language}`)) {
        const pre = code.parentElement?.localName === 'pre' ? code.parentElement : code;
        const block = createDiv(`block-language-${language}`);
        pre.replaceWith(block);
        await handler(code.textContent ?? '', block, ctx);
      }
    };
    processor.sortOrder = sortOrder;
    return processor;
  }

  registerEditorExtension(extension: unknown): void {
    this.app.editorExtensions.push(extension);
    this.register(() => {
      const list = this.app.editorExtensions;
      if (list.includes(extension)) list.splice(list.indexOf(extension), 1);
    });
  }

  registerObsidianProtocolHandler(action: string, handler: ObsidianProtocolHandler): void {
    this.app.protocolHandlers.set(action, handler);
    this.register(() => {
      if (this.app.protocolHandlers.get(action) === handler) this.app.protocolHandlers.delete(action);
    });
  }

  /** The parsed `data.json` in the plugin folder, or null when there is none. */
  async loadData(): Promise<any> {
    const path = this.#dataPath();
    if (!(await this.app.vault.adapter.exists(path))) return null;
    return JSON.parse(await this.app.vault.adapter.read(path)) as unknown;
  }

  /** Writes `data.json` in the plugin folder (which exists, as for an installed plugin). */
  async saveData(data: any): Promise<void> {
    await this.app.vault.adapter.write(this.#dataPath(), JSON.stringify(data, null, 2));
  }

  onUserEnable(): void {}

  #dataPath(): string {
    return `${this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`}/data.json`;
  }
}

/** The base of a settings page. */
export abstract class SettingTab {
  icon = '';
  app: App;
  containerEl: HTMLElement;

  constructor(app: App) {
    this.app = app;
    this.containerEl = createDiv('vertical-tab-content');
  }

  /** Renders the page (deprecated in 1.13 in favour of setting definitions; still what 1.5+ plugins use). */
  display(): void {}

  /** Empties the page. */
  hide(): void { this.containerEl.empty(); }
}

/** A plugin's settings page. */
export abstract class PluginSettingTab extends SettingTab {
  /** The plugin that owns the tab (Obsidian keeps it too; plugins usually declare their own). */
  plugin: Plugin;

  constructor(app: App, plugin: Plugin) {
    super(app);
    this.plugin = plugin;
  }
}
