// The harness of the `obsidian` module: vitest aliases `obsidian` to this file. It exports only names
// the real module has (conformance.ts checks this); harness-only helpers live in test-app.ts.
import './dom.js';

export { App } from './app.js';
export type { Command, ObsidianProtocolData, ObsidianProtocolHandler, ViewCreator, MarkdownPostProcessorContext } from './app.js';
export { FileSystemAdapter } from './adapter.js';
export type { DataAdapter, DataWriteOptions, ListedFiles, Stat } from './adapter.js';
export { Component } from './component.js';
export { Editor } from './editor.js';
export type { EditorPosition } from './editor.js';
export { Events } from './events.js';
export type { EventRef } from './events.js';
export { FileManager } from './file-manager.js';
export { TAbstractFile, TFile, TFolder } from './files.js';
export type { FileStats } from './files.js';
export { MetadataCache } from './metadata-cache.js';
export type { CachedMetadata, FrontMatterCache, Loc, Pos } from './metadata-cache.js';
export { Menu, MenuItem } from './menu.js';
export { Modal } from './modal.js';
export { Notice } from './notice.js';
export { normalizePath } from './path.js';
export { Platform, debounce, setIcon } from './platform.js';
export type { Debouncer } from './platform.js';
export { Plugin, PluginSettingTab, SettingTab } from './plugin.js';
export type { MarkdownPostProcessor, PluginManifest } from './plugin.js';
export {
  AbstractTextComponent, BaseComponent, ButtonComponent, DropdownComponent, ExtraButtonComponent, Setting,
  TextAreaComponent, TextComponent, ToggleComponent, ValueComponent,
} from './setting.js';
export { Vault } from './vault.js';
export { FileView, ItemView, MarkdownView, View } from './views.js';
export type { MarkdownViewModeType, ViewStateResult } from './views.js';
export { Workspace, WorkspaceLeaf } from './workspace.js';
export type { OpenViewState, PaneType, ViewState } from './workspace.js';
