// Obsidian's views. A leaf creates its view, loads it (Component), awaits `onOpen`, then `setState`;
// closing awaits `onClose`, then unloads it. Each view's `containerEl` holds a header (children[0])
// and the content element (children[1], `ItemView.contentEl`).
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import type { App } from './app.js';
import { Component } from './component.js';
import { Editor } from './editor.js';
import { TFile } from './files.js';
import type { WorkspaceLeaf } from './workspace.js';

/** Tells the workspace whether a state change belongs in navigation history. */
export interface ViewStateResult { history: boolean }
/** The Markdown view's modes. */
export type MarkdownViewModeType = 'source' | 'preview';

/** The base of every view. */
export abstract class View extends Component {
  app: App;
  icon = '';
  navigation = false;
  leaf: WorkspaceLeaf;
  containerEl: HTMLElement;
  scope: null = null;

  constructor(leaf: WorkspaceLeaf) {
    super();
    this.leaf = leaf;
    this.app = leaf.app;
    this.containerEl = createDiv('workspace-leaf-content');
  }

  protected async onOpen(): Promise<void> {}
  protected async onClose(): Promise<void> {}
  abstract getViewType(): string;
  getState(): Record<string, unknown> { return {}; }
  async setState(_state: unknown, _result: ViewStateResult): Promise<void> {}
  getEphemeralState(): Record<string, unknown> { return {}; }
  setEphemeralState(_state: unknown): void {}
  getIcon(): string { return this.icon; }
  onResize(): void {}
  abstract getDisplayText(): string;
}

/** A view with a header and a content element. */
export abstract class ItemView extends View {
  contentEl: HTMLElement;

  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.containerEl.createDiv('view-header');
    this.contentEl = this.containerEl.createDiv('view-content');
  }

  /** Adds a button to the view header. */
  addAction(icon: string, title: string, callback: (evt: MouseEvent) => any): HTMLElement {
    const el = this.containerEl.children[0].createDiv({ cls: 'clickable-icon view-action', attr: { 'aria-label': title, 'data-icon': icon } });
    el.addEventListener('click', callback);
    return el;
  }
}

/** A view that shows one file; its state is `{ file: path }`. */
export abstract class FileView extends ItemView {
  allowNoFile = false;
  file: TFile | null = null;
  override navigation = true;

  getDisplayText(): string { return this.file?.basename ?? 'No file'; }
  override getState(): Record<string, unknown> { return this.file ? { file: this.file.path } : {}; }
  override async setState(state: any, _result: ViewStateResult): Promise<void> {
    const path = (state as { file?: unknown } | undefined)?.file;
    if (typeof path !== 'string' || path === this.file?.path) return;
    const file = this.app.vault.getFileByPath(path);
    if (!file) throw new Error(`Cannot open "${path}": no such file in the vault.`);
    if (this.file) await this.onUnloadFile(this.file);
    this.file = file;
    await this.onLoadFile(file);
  }
  async onLoadFile(_file: TFile): Promise<void> {}
  async onUnloadFile(_file: TFile): Promise<void> {}
  async onRename(_file: TFile): Promise<void> {}
  canAcceptExtension(_extension: string): boolean { return false; }
}

/**
 * Obsidian's Markdown view, minimal: the file's text in an `Editor`, a mode, saving back to the file.
 * Edits are saved by `save()`; `requestSave()` saves in the background without Obsidian's 2 s delay.
 * When the file changes on disk and the view has no unsaved edits, it reloads, as Obsidian does.
 */
export class MarkdownView extends FileView {
  data = '';
  editor: Editor;
  #mode: MarkdownViewModeType = 'source';
  #dirty = false;

  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.editor = new Editor('', () => {
      this.data = this.editor.getValue();
      this.#dirty = true;
    });
  }

  override onload(): void {
    this.registerEvent(this.app.vault.on('modify', (f) => {
      if (f === this.file && !this.#dirty) void this.#reload();
    }));
    this.registerEvent(this.app.vault.on('rename', (f) => {
      if (f === this.file && f instanceof TFile) void this.onRename(f);
    }));
  }

  getViewType(): string { return 'markdown'; }
  override canAcceptExtension(extension: string): boolean { return extension === 'md'; }
  getMode(): MarkdownViewModeType { return this.#mode; }
  getViewData(): string { return this.editor.getValue(); }
  setViewData(data: string, _clear: boolean): void {
    this.editor.setValue(data);
    this.#dirty = false;
  }
  clear(): void { this.setViewData('', true); }
  requestSave(): void { void this.save(); }

  /** Writes unsaved edits to the file. */
  async save(_clear?: boolean): Promise<void> {
    if (!this.file || !this.#dirty) return;
    this.#dirty = false;
    await this.app.vault.modify(this.file, this.getViewData());
  }

  override getState(): Record<string, unknown> {
    return { ...super.getState(), mode: this.#mode, source: false };
  }

  override async setState(state: any, result: ViewStateResult): Promise<void> {
    const mode = (state as { mode?: unknown } | undefined)?.mode;
    if (mode === 'source' || mode === 'preview') this.#mode = mode;
    await super.setState(state, result);
  }

  override async onLoadFile(file: TFile): Promise<void> {
    this.setViewData(await this.app.vault.read(file), true);
  }

  override async onUnloadFile(_file: TFile): Promise<void> {
    await this.save();
  }

  protected override async onClose(): Promise<void> {
    await this.save();
  }

  async #reload(): Promise<void> {
    if (this.file) this.setViewData(await this.app.vault.read(this.file), false);
  }
}

/** What a new leaf shows. */
export class EmptyView extends ItemView {
  getViewType(): string { return 'empty'; }
  getDisplayText(): string { return 'New tab'; }
}

/** Opens a view that a leaf has just created (load, onOpen, then state). */
export async function openView(view: View, state: unknown): Promise<void> {
  view.load();
  await (view as unknown as { onOpen(): Promise<void> }).onOpen();
  await view.setState(state ?? {}, { history: false });
}

/** Closes a view that a leaf is replacing or dropping (onClose, then unload). */
export async function closeView(view: View): Promise<void> {
  await (view as unknown as { onClose(): Promise<void> }).onClose();
  view.unload();
  view.containerEl.detach();
}
