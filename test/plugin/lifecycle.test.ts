import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { Peer } from '../../src/peer/peer';
import TzimtzumPlugin from '../../src/plugin/tzimtzum-plugin';
import { clearNotices, createTestApp, notices } from '../harness/obsidian/test-app.js';
import { Teardown } from '../support/temp';
import { localTestnet } from '../support/network';
import { pluginVault } from './plugin-fixture';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
  clearNotices();
});
afterEach(() => teardown.run());

const NOTHING_REGISTERED = {
  commands: 0, views: 0, protocolHandlers: 0, editorExtensions: 0, codeBlockProcessors: 0, settingTabs: 0,
  ribbonIcons: 0, statusBarItems: 0, vaultListeners: 0, workspaceListeners: 0, metadataCacheListeners: 0,
};

describe('plugin lifecycle', () => {
  it('loads fast and opens no store, network or vault scan before the layout is ready', async () => {
    const started = Date.now();
    const { t, plugin, dataDir } = await pluginVault(teardown, testnet, { files: { 'Note.md': 'x' }, start: false });
    expect(Date.now() - started).toBeLessThan(2000);
    await plugin.idle();
    expect(existsSync(path.join(dataDir, 'store'))).toBe(false);
    expect(await plugin.api!.isRunning()).toBe(false);
    expect(t.app.registrations()).toMatchObject({ protocolHandlers: 1, views: 2, editorExtensions: 1, codeBlockProcessors: 2, settingTabs: 1, statusBarItems: 1, vaultListeners: 0 });
    expect(t.app.commands.findCommand('tzimtzum:share-folder')).toBeDefined();
  });

  it('starts the peer when the layout is ready', async () => {
    const { plugin, dataDir } = await pluginVault(teardown, testnet);
    expect(await plugin.api!.isRunning()).toBe(true);
    expect(existsSync(path.join(dataDir, 'store'))).toBe(true);
  });

  it('leaves no registrations, listeners or store lock behind after being disabled and enabled repeatedly', async () => {
    const { t, plugin, dataDir } = await pluginVault(teardown, testnet, { files: { 'Shared/Note.md': 'x' } });
    await plugin.api!.share(path.join(t.vaultDir, 'Shared'), { title: 'Shared' });
    t.unloadPlugin(plugin);
    for (let round = 0; round < 3; round++) {
      const again = await t.loadPlugin(TzimtzumPlugin);
      await again.idle();
      expect(await again.api!.isRunning()).toBe(true);
      t.unloadPlugin(again);
      await again.idle();
    }
    await plugin.idle();
    expect(t.app.registrations()).toEqual(NOTHING_REGISTERED);
    // The store lock is free: another process-like opener gets it at once.
    const peer = await Peer.open({ dataDir, bootstrap: testnet.bootstrap });
    await peer.close();
  });

  it('republishes nothing when a vault with an unchanged shared folder is opened again', async () => {
    const first = await pluginVault(teardown, testnet, { files: { 'Shared/Note.md': 'x', 'Shared/Other.md': 'y' } });
    const shared = await first.plugin.api!.share(path.join(first.vaultDir, 'Shared'), { title: 'Shared' });
    const before = (await first.plugin.api!.list()).find((kb) => kb.id === shared.id)!.version;
    first.t.unloadPlugin(first.plugin);
    await first.plugin.idle();

    const t = await createTestApp({ vaultDir: first.vaultDir });
    const plugin = await t.loadPlugin(TzimtzumPlugin);
    teardown.add(async () => {
      await t.close();
      await plugin.idle();
    });
    await t.start();
    await plugin.idle();
    const after = (await plugin.api!.list()).find((kb) => kb.id === shared.id)!;
    expect(after.version).toBe(before);
  });

  it('tells the user to create an identity when there is none, and stays quiet otherwise', async () => {
    const { plugin } = await pluginVault(teardown, testnet, { identity: false });
    expect(await plugin.api!.isRunning()).toBe(false);
    expect(notices.map((n) => n.message).join('\n')).toContain('create or import an identity in its settings');
  });
});
