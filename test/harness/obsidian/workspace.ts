// Obsidian's `Workspace` and `WorkspaceLeaf`, as a flat list of leaves in two places: the main area
// and the right sidebar. No splits, tabs or popout windows. `onLayoutReady` callbacks wait until the
// harness calls `triggerLayoutReady()` (Obsidian's start-up), and run at once after that.
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import type { App } from './app.js';
import './dom.js';
import { Events, type EventRef } from './events.js';
import type { TAbstractFile, TFile } from './files.js';
import type { Menu } from './menu.js';
import { EmptyView, FileView, MarkdownView, closeView, openView, type View } from './views.js';
import type { Editor } from './editor.js';

/** Where a new leaf goes. */
export type PaneType = 'tab' | 'split' | 'window';
/** A leaf's view type and state. */
export interface ViewState {
  type: string;
  state?: Record<string, unknown>;
  active?: boolean;
  pinned?: boolean;
  group?: WorkspaceLeaf;
}
/** How to open a file in a leaf. */
export interface OpenViewState {
  state?: Record<string, unknown>;
  eState?: Record<string, unknown>;
  active?: boolean;
  group?: WorkspaceLeaf;
}

/** A pane that shows one view. */
export class WorkspaceLeaf extends Events {
  view: View;
  /** Harness only: the app this leaf lives in (Obsidian keeps it internally). */
  readonly app: App;
  /** Harness only: which part of the workspace holds the leaf. */
  readonly side: 'main' | 'right';
  #pinned = false;

  constructor(app: App, side: 'main' | 'right') {
    super();
    this.app = app;
    this.side = side;
    this.view = new EmptyView(this);
  }

  /**
   * Opens `file` in this leaf (a Markdown view for `.md` files) and, unless `active: false`, makes the
   * leaf active, which fires `file-open`.
   */
  async openFile(file: TFile, openState?: OpenViewState): Promise<void> {
    if (file.extension !== 'md') throw new Error(`The harness has no view for ".${file.extension}" files.`);
    const active = openState?.active ?? true;
    await this.setViewState({ type: 'markdown', state: { ...openState?.state, file: file.path }, active });
    if (active) this.app.workspace.trigger('file-open', file);
  }

  getViewState(): ViewState {
    return { type: this.view.getViewType(), state: this.view.getState(), pinned: this.#pinned };
  }

  /** Replaces the view when the type changes (closing the old one), then applies the state. */
  async setViewState(viewState: ViewState, _eState?: any): Promise<void> {
    if (viewState.type !== this.view.getViewType()) {
      const next = this.app.workspace.createView(viewState.type, this);
      await closeView(this.view);
      this.view = next;
      await openView(next, viewState.state);
    } else {
      await this.view.setState(viewState.state ?? {}, { history: false });
    }
    if (viewState.pinned !== undefined) this.#pinned = viewState.pinned;
    if (viewState.active) this.app.workspace.setActiveLeaf(this);
  }

  /** Harness only: close this leaf's view and show an empty one (as when its view type goes away). */
  async reset(): Promise<void> {
    await closeView(this.view);
    this.view = new EmptyView(this);
  }

  setPinned(pinned: boolean): void { this.#pinned = pinned; }
  togglePinned(): void { this.#pinned = !this.#pinned; }
  getIcon(): string { return this.view.getIcon(); }
  getDisplayText(): string { return this.view.getDisplayText(); }

  /** Closes the view and removes the leaf from the workspace. */
  detach(): void {
    this.app.workspace.removeLeaf(this);
    void closeView(this.view);
  }

  override on(name: 'pinned-change', callback: (pinned: boolean) => any, ctx?: any): EventRef;
  override on(name: 'group-change', callback: (group: string) => any, ctx?: any): EventRef;
  override on(name: string, callback: (...data: any[]) => any, ctx?: any): EventRef {
    return super.on(name, callback, ctx);
  }
}

/** The app's workspace. */
export class Workspace extends Events {
  layoutReady = false;
  activeLeaf: WorkspaceLeaf | null = null;
  containerEl: HTMLElement;
  readonly #app: App;
  readonly #leaves: WorkspaceLeaf[] = [];
  readonly #layoutQueue: (() => any)[] = [];
  #lastFile: TFile | null = null;

  /** Harness only: Obsidian builds the workspace. */
  constructor(app: App, containerEl: HTMLElement) {
    super();
    this.#app = app;
    this.containerEl = containerEl;
    this.on('file-open', (file) => { if (file) this.#lastFile = file; });
  }

  onLayoutReady(callback: () => any): void {
    if (this.layoutReady) callback();
    else this.#layoutQueue.push(callback);
  }

  /** Harness only: Obsidian's layout becoming ready. Runs queued callbacks in order. */
  triggerLayoutReady(): void {
    if (this.layoutReady) return;
    this.layoutReady = true;
    for (let cb = this.#layoutQueue.shift(); cb; cb = this.#layoutQueue.shift()) cb();
    this.trigger('layout-change');
  }

  /**
   * No argument or false: the active main-area leaf if it can be navigated (or is empty), else a new
   * one. true, 'tab', 'split' or 'window': always a new main-area leaf.
   */
  getLeaf(newLeaf?: PaneType | boolean): WorkspaceLeaf {
    const active = this.activeLeaf;
    if (!newLeaf && active?.side === 'main' && (active.view.navigation || active.view instanceof EmptyView)) return active;
    return this.#addLeaf('main');
  }

  /** A new leaf in the right sidebar. */
  getRightLeaf(_split: boolean): WorkspaceLeaf | null { return this.#addLeaf('right'); }

  getLeavesOfType(viewType: string): WorkspaceLeaf[] {
    return this.#leaves.filter((leaf) => leaf.view.getViewType() === viewType);
  }
  detachLeavesOfType(viewType: string): void {
    for (const leaf of this.getLeavesOfType(viewType)) leaf.detach();
  }
  iterateAllLeaves(callback: (leaf: WorkspaceLeaf) => any): void {
    for (const leaf of [...this.#leaves]) callback(leaf);
  }
  iterateRootLeaves(callback: (leaf: WorkspaceLeaf) => any): void {
    for (const leaf of this.#leaves.filter((l) => l.side === 'main')) callback(leaf);
  }

  /** Brings the leaf forward. Nothing is hidden in the harness, so this only checks the leaf is open. */
  revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
    if (!this.#leaves.includes(leaf)) return Promise.reject(new Error('Cannot reveal a leaf that is not in the workspace.'));
    return Promise.resolve();
  }

  setActiveLeaf(leaf: WorkspaceLeaf, _params?: { focus?: boolean }): void {
    if (this.activeLeaf === leaf) return;
    this.activeLeaf = leaf;
    this.trigger('active-leaf-change', leaf);
  }

  getActiveViewOfType<T extends View>(type: abstract new (...args: any[]) => T): T | null {
    const view = this.activeLeaf?.view;
    return view instanceof type ? view : null;
  }

  /** The active leaf's file if it shows one, else the most recently opened file. */
  getActiveFile(): TFile | null {
    const view = this.activeLeaf?.view;
    return view instanceof FileView ? view.file : this.#lastFile;
  }

  /** Opens a link; like clicking an unresolved link in Obsidian, a missing note is created first. */
  async openLinkText(linktext: string, sourcePath: string, newLeaf?: PaneType | boolean, openViewState?: OpenViewState): Promise<void> {
    const linkpath = linktext.split('#')[0];
    const file = this.#app.metadataCache.getFirstLinkpathDest(linkpath, sourcePath)
      ?? await this.#app.vault.create(linkpath.endsWith('.md') ? linkpath : `${linkpath}.md`, '');
    await this.getLeaf(newLeaf).openFile(file, openViewState);
  }

  override on(name: 'active-leaf-change', callback: (leaf: WorkspaceLeaf | null) => any, ctx?: any): EventRef;
  override on(name: 'file-open', callback: (file: TFile | null) => any, ctx?: any): EventRef;
  override on(name: 'layout-change', callback: () => any, ctx?: any): EventRef;
  override on(name: 'file-menu', callback: (menu: Menu, file: TAbstractFile, source: string, leaf?: WorkspaceLeaf) => any, ctx?: any): EventRef;
  override on(name: 'files-menu', callback: (menu: Menu, files: TAbstractFile[], source: string, leaf?: WorkspaceLeaf) => any, ctx?: any): EventRef;
  override on(name: 'editor-menu', callback: (menu: Menu, editor: Editor, info: MarkdownView) => any, ctx?: any): EventRef;
  override on(name: string, callback: (...data: any[]) => any, ctx?: any): EventRef {
    return super.on(name, callback, ctx);
  }

  /** Harness only: the view registered for `type` (or a built-in one), created for `leaf`. */
  createView(type: string, leaf: WorkspaceLeaf): View {
    if (type === 'empty') return new EmptyView(leaf);
    if (type === 'markdown') return new MarkdownView(leaf);
    const creator = this.#app.viewRegistry.get(type);
    if (!creator) throw new Error(`No view is registered for type "${type}".`);
    return creator(leaf);
  }

  /** Harness only: forget a leaf (its view is closed by the caller). */
  removeLeaf(leaf: WorkspaceLeaf): void {
    const i = this.#leaves.indexOf(leaf);
    if (i >= 0) this.#leaves.splice(i, 1);
    if (this.activeLeaf === leaf) {
      this.activeLeaf = null;
      this.trigger('active-leaf-change', null);
    }
  }

  #addLeaf(side: 'main' | 'right'): WorkspaceLeaf {
    const leaf = new WorkspaceLeaf(this.#app, side);
    this.#leaves.push(leaf);
    return leaf;
  }
}
