// Compile-time checks that the harness only uses names the real API has: every value index.ts exports
// exists in obsidian.d.ts, and each class's public members exist on the real class, except the
// harness-only members listed here (and documented in ../README.md). `tsc --noEmit` fails otherwise.
// Signatures are mirrored by hand from obsidian.d.ts; these checks keep the names honest.
type Real = typeof import('obsidian');
type Harness = typeof import('./index.js');
type Assert<T extends true> = T;
type IsNever<T> = [T] extends [never] ? true : false;
/** Public members of H that R lacks, once the allowed harness-only ones are set aside. */
type Extra<H, R, Allowed extends PropertyKey = never> = Exclude<keyof H, keyof R | Allowed>;

export type _Exports = Assert<IsNever<Exclude<keyof Harness, keyof Real>>>;
export type _NoNetwork = Assert<IsNever<Extract<keyof Harness, 'requestUrl' | 'request'>>>;

/** Instance types of a harness class and of the real class with the same name. */
type I<K extends keyof Harness & keyof Real> = Harness[K] extends abstract new (...args: never[]) => infer T ? T : never;
type O<K extends keyof Real> = Real[K] extends abstract new (...args: never[]) => infer T ? T : never;

export type _App = Assert<IsNever<Extra<I<'App'>, O<'App'>, 'commands' | 'bodyEl' | 'viewRegistry' | 'protocolHandlers'
  | 'editorExtensions' | 'codeBlockProcessors' | 'settingTabs' | 'handleProtocolUrl' | 'renderCodeBlock' | 'openSettingTab'
  | 'closeSettingTab' | 'registrations'>>>;
export type _Vault = Assert<IsNever<Extra<I<'Vault'>, O<'Vault'>, 'loadFromDisk' | 'syncExternalChanges'>>>;
export type _Adapter = Assert<IsNever<Extra<I<'FileSystemAdapter'>, O<'FileSystemAdapter'>>>>;
export type _TFile = Assert<IsNever<Extra<I<'TFile'>, O<'TFile'>>>>;
export type _TFolder = Assert<IsNever<Extra<I<'TFolder'>, O<'TFolder'>>>>;
export type _Events = Assert<IsNever<Extra<I<'Events'>, O<'Events'>>>>;
export type _Component = Assert<IsNever<Extra<I<'Component'>, O<'Component'>>>>;
export type _MetadataCache = Assert<IsNever<Extra<I<'MetadataCache'>, O<'MetadataCache'>, 'settled'>>>;
export type _FileManager = Assert<IsNever<Extra<I<'FileManager'>, O<'FileManager'>>>>;
export type _Workspace = Assert<IsNever<Extra<I<'Workspace'>, O<'Workspace'>, 'triggerLayoutReady' | 'createView' | 'removeLeaf'>>>;
export type _Leaf = Assert<IsNever<Extra<I<'WorkspaceLeaf'>, O<'WorkspaceLeaf'>, 'app' | 'side' | 'reset'>>>;
export type _View = Assert<IsNever<Extra<I<'ItemView'>, O<'ItemView'>>>>;
export type _MarkdownView = Assert<IsNever<Extra<I<'MarkdownView'>, O<'MarkdownView'>>>>;
export type _Plugin = Assert<IsNever<Extra<I<'Plugin'>, O<'Plugin'>>>>;
export type _SettingTab = Assert<IsNever<Extra<I<'PluginSettingTab'>, O<'PluginSettingTab'>, 'plugin'>>>;
export type _Modal = Assert<IsNever<Extra<I<'Modal'>, O<'Modal'>>>>;
export type _Notice = Assert<IsNever<Extra<I<'Notice'>, O<'Notice'>>>>;
export type _Menu = Assert<IsNever<Extra<I<'Menu'>, O<'Menu'>, 'items' | 'shown' | 'item'>>>;
export type _MenuItem = Assert<IsNever<Extra<I<'MenuItem'>, O<'MenuItem'>, 'title' | 'icon' | 'section' | 'checked' | 'disabled' | 'warning' | 'click'>>>;
export type _Setting = Assert<IsNever<Extra<I<'Setting'>, O<'Setting'>>>>;
export type _Text = Assert<IsNever<Extra<I<'TextComponent'>, O<'TextComponent'>>>>;
export type _Toggle = Assert<IsNever<Extra<I<'ToggleComponent'>, O<'ToggleComponent'>>>>;
export type _Dropdown = Assert<IsNever<Extra<I<'DropdownComponent'>, O<'DropdownComponent'>>>>;
export type _Button = Assert<IsNever<Extra<I<'ButtonComponent'>, O<'ButtonComponent'>>>>;
export type _ExtraButton = Assert<IsNever<Extra<I<'ExtraButtonComponent'>, O<'ExtraButtonComponent'>>>>;
export type _Editor = Assert<IsNever<Extra<I<'Editor'>, O<'Editor'>>>>;
