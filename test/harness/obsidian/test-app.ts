// Harness-only entry point for tests: builds an app over a vault folder on disk, loads plugins into
// it the way Obsidian does, and re-exports the inspection helpers (notices, listener counts).
// Obsidian's start-up order is: plugins load, the vault is indexed (a create event per file), then
// the layout becomes ready. `start()` does the last two; load plugins before it to see those events.
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from './app.js';
import { onloadResult } from './component.js';
import { Menu } from './menu.js';
import type { Plugin, PluginManifest } from './plugin.js';
import { Vault } from './vault.js';
import type { TAbstractFile } from './files.js';

export { clearNotices, notices, type NoticeRecord } from './notice.js';
export { listenerCount } from './events.js';
export { isLoaded } from './component.js';
export { domListenerCount } from './dom.js';
export type { ExternalChanges } from './vault.js';
export type { Registrations } from './app.js';

/** The real `obsidian` types, which plugin code is compiled against. */
type RealApp = import('obsidian').App;
type RealManifest = import('obsidian').PluginManifest;
type RealPlugin = import('obsidian').Plugin;

/** Where the test app's vault lives. */
export interface TestAppOptions {
  /** The vault folder; created if missing. */
  vaultDir: string;
  /** The config folder inside the vault. */
  configDir?: string;
}

/** An app over a vault on disk, and the plugins loaded into it. */
export interface TestApp {
  app: App;
  vault: Vault;
  vaultDir: string;
  /**
   * Installs (writes `<configDir>/plugins/<id>/manifest.json`) and loads a plugin, awaiting an async
   * `onload`. The manifest defaults to the repository's manifest.json.
   */
  loadPlugin<P extends RealPlugin>(PluginClass: new (app: RealApp, manifest: RealManifest) => P, manifest?: PluginManifest): Promise<P>;
  /** The same, for a plugin class written against the harness types (the harness's own tests). */
  loadPlugin<P extends Plugin>(PluginClass: new (app: App, manifest: PluginManifest) => P, manifest?: PluginManifest): Promise<P>;
  /** Unloads a plugin, as disabling it does. */
  unloadPlugin(plugin: RealPlugin | Plugin): void;
  /** Obsidian's start-up after plugins load: index the vault (create events), then layout ready. */
  start(): Promise<void>;
  /** Unloads every plugin still loaded, then closes every leaf. */
  close(): Promise<void>;
}

const repoManifest = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), '../../../manifest.json');

async function readRepoManifest(): Promise<PluginManifest> {
  return JSON.parse(await fs.readFile(repoManifest, 'utf8')) as PluginManifest;
}

/** Builds an app whose vault is `vaultDir` (nothing is indexed until `start()` or `vault.loadFromDisk()`). */
export async function createTestApp({ vaultDir, configDir = '.obsidian' }: TestAppOptions): Promise<TestApp> {
  await fs.mkdir(nodePath.join(vaultDir, configDir), { recursive: true });
  const vault = new Vault(vaultDir, configDir);
  const app = new App(vault);
  const loaded: { unload(): void }[] = [];

  return {
    app,
    vault,
    vaultDir,
    async loadPlugin(PluginClass: new (app: never, manifest: PluginManifest) => RealPlugin | Plugin, manifest?: PluginManifest) {
      const m = manifest ?? (await readRepoManifest());
      const dir = `${configDir}/plugins/${m.id}`;
      await vault.adapter.mkdir(dir);
      await vault.adapter.write(`${dir}/manifest.json`, JSON.stringify(m, null, 2));
      const plugin = new PluginClass(app as never, { ...m, dir });
      plugin.load();
      await onloadResult(plugin as unknown as Plugin);
      loaded.push(plugin);
      return plugin as never;
    },
    unloadPlugin(plugin) {
      plugin.unload();
      if (loaded.includes(plugin)) loaded.splice(loaded.indexOf(plugin), 1);
    },
    async start() {
      await vault.loadFromDisk();
      app.workspace.triggerLayoutReady();
      await app.metadataCache.settled();
    },
    async close() {
      for (let p = loaded.pop(); p; p = loaded.pop()) p.unload();
      const leaves: import('./workspace.js').WorkspaceLeaf[] = [];
      app.workspace.iterateAllLeaves((leaf) => leaves.push(leaf));
      for (const leaf of leaves) leaf.detach();
      await app.metadataCache.settled();
    },
  };
}

/** Opens the file context menu on `file` as a right-click in the file explorer does; returns the filled menu. */
export function openFileMenu(app: App, file: TAbstractFile, source = 'file-explorer'): Menu {
  const menu = new Menu();
  app.workspace.trigger('file-menu', menu, file, source);
  menu.showAtPosition({ x: 0, y: 0 });
  return menu;
}
