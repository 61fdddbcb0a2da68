// A vault with the real Tzimtzum plugin loaded through the Obsidian harness, its data folder (with an
// identity) outside the vault, and its settings pointing at a loopback testnet.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { formatBootstrap } from '../../src/net/dht-settings';
import TzimtzumPlugin from '../../src/plugin/tzimtzum-plugin';
import { createTestApp, type TestApp } from '../harness/obsidian/test-app.js';
import { peerDataDir } from '../support/network';
import type { Teardown } from '../support/temp';

/** A loaded plugin in its test app. */
export interface PluginVault {
  t: TestApp;
  plugin: TzimtzumPlugin;
  vaultDir: string;
  dataDir: string;
}

/** Build a vault (files given as path → text), install settings, load the plugin, and optionally start the app. */
export async function pluginVault(teardown: Teardown, testnet: Testnet | null, opts: { files?: Record<string, string>; settings?: Record<string, unknown>; start?: boolean; identity?: boolean } = {}): Promise<PluginVault> {
  const vaultDir = await teardown.dir('tzimtzum-vault-');
  const dataDir = opts.identity === false ? await teardown.dir('tzimtzum-data-') : await peerDataDir(teardown);
  for (const [file, text] of Object.entries(opts.files ?? {})) {
    await mkdir(path.dirname(path.join(vaultDir, file)), { recursive: true });
    await writeFile(path.join(vaultDir, file), text);
  }
  const pluginDir = path.join(vaultDir, '.obsidian', 'plugins', 'tzimtzum');
  await mkdir(pluginDir, { recursive: true });
  const settings = { dataFolder: dataDir, bootstrap: testnet ? formatBootstrap(testnet.bootstrap) : '127.0.0.1:1', ...opts.settings };
  await writeFile(path.join(pluginDir, 'data.json'), JSON.stringify(settings));
  const t = await createTestApp({ vaultDir });
  const plugin = await t.loadPlugin(TzimtzumPlugin);
  teardown.add(async () => {
    await t.close();
    await plugin.idle();
  });
  if (opts.start !== false) {
    await t.start();
    await plugin.idle();
  }
  return { t, plugin, vaultDir, dataDir };
}

/** The open modal's button with this text. */
export function modalButton(t: TestApp, text: string): HTMLButtonElement {
  const buttons = t.app.bodyEl.findAll('.modal-container button') as HTMLButtonElement[];
  const button = buttons.find((b) => b.textContent === text);
  if (!button) throw new Error(`No modal button "${text}"; buttons: ${buttons.map((b) => b.textContent).join(', ')}`);
  return button;
}
