// The release bundle as Obsidian loads it: built by esbuild.config.mjs, installed by
// scripts/install-plugin.mjs, evaluated from a string with a `require` that knows only `obsidian` and
// Node's built-ins, in a process whose working directory is outside the repository.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMnemonic } from '../../src/engine/identity';
import { identityFileOf, saveIdentity } from '../../src/engine/identity-file';
import { formatBootstrap, type BootstrapNode } from '../../src/net/dht-settings';
import { eventually, localTestnet } from '../support/network';
import { Teardown } from '../support/temp';
import { VaultProcess } from './fixtures/vault-client';
import type { LoadedPlugin, OpenModal } from './fixtures/vault-protocol';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const host = `${process.platform}-${process.arch}`;
const addons = ['sodium-native', 'udx-native', 'rocksdb-native', 'fs-native-extensions'];
const platforms = ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'];

/** Builds the plugin from `entry` into `outDir`, as `npm run build` does. */
async function build(entry: string, outDir: string): Promise<void> {
  await run(process.execPath, [path.join(repo, 'esbuild.config.mjs'), 'production', '--out-dir', outDir, '--entry', entry], { cwd: repo });
}

/** The modules main.js requires that Obsidian's `require` does not provide. */
function notProvidedByObsidian(code: string): string[] {
  const required = new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
  return [...required].filter((id) => id !== 'obsidian' && !id.startsWith('@codemirror/') && !builtinModules.includes(id.replace(/^node:/, '')));
}

/** Makes a vault (a folder with a config folder) and installs the build into it. */
async function installedVault(teardown: Teardown, buildDir: string): Promise<string> {
  const vault = await teardown.dir('tzimtzum-vault-');
  await fs.mkdir(path.join(vault, '.obsidian'));
  await run(process.execPath, [path.join(repo, 'scripts', 'install-plugin.mjs'), vault, '--from', buildDir], { cwd: repo });
  return vault;
}

/** Opens a vault in its own process, started in a folder outside the repository. */
async function openVault(teardown: Teardown, vault: string): Promise<VaultProcess> {
  const cwd = await teardown.dir('tzimtzum-cwd-');
  const process = new VaultProcess({ vaultDir: vault, cwd });
  teardown.add(() => process.close());
  return process;
}

describe('the plugin bundle, with a stand-in entry that drives a peer', () => {
  const teardown = new Teardown();
  let buildDir = '';

  beforeAll(async () => {
    buildDir = path.join(await teardown.dir('tzimtzum-build-'), 'tzimtzum');
    await build('test/plugin/fixtures/peer-plugin.ts', buildDir);
  });
  afterAll(() => teardown.run());

  it('holds main.js, manifest.json, styles.css and the four addons for each release platform', async () => {
    const files = (await fs.readdir(buildDir, { recursive: true })).map((f) => f.split(path.sep).join('/')).sort();
    const prebuilds = platforms.flatMap((p) => addons.map((a) => `prebuilds/${p}/${a}.node`));
    expect(files).toEqual([...platforms.map((p) => `prebuilds/${p}`), ...prebuilds, 'main.js', 'manifest.json', 'prebuilds', 'styles.css'].sort());
  });

  it('bundles every JavaScript dependency, requiring only what Obsidian provides', async () => {
    const code = await fs.readFile(path.join(buildDir, 'main.js'), 'utf8');
    expect(notProvidedByObsidian(code)).toEqual([]);
    expect(code).not.toMatch(/__dirname|__filename/);
  });

  it('loads no native addon while main.js is evaluated, before Obsidian constructs the plugin', async () => {
    const obsidian = await openVault(teardown, await installedVault(teardown, buildDir));
    await obsidian.request({ op: 'evaluate' });
    expect(await obsidian.request({ op: 'addons' })).toEqual([]);
  });

  it('loads every native addon from the plugin folder in the vault', async () => {
    const vault = await installedVault(teardown, buildDir);
    const obsidian = await openVault(teardown, vault);
    expect(await obsidian.request<LoadedPlugin>({ op: 'load' })).toEqual({ className: 'PeerFixturePlugin', notices: [] });
    await obsidian.call('openPeer', await teardown.dir('tzimtzum-data-'), []);
    const loaded = await obsidian.request<string[]>({ op: 'addons' });
    const prebuilds = path.join(vault, '.obsidian', 'plugins', 'tzimtzum', 'prebuilds', host);
    expect(loaded.sort()).toEqual(addons.map((a) => path.join(prebuilds, `${a}.node`)).sort());
    await obsidian.call('close');
  });

  it('shares a folder, subscribes to it from a second vault and carries a live edit across', async () => {
    const testnet = await localTestnet(teardown);
    const authorVault = await installedVault(teardown, buildDir);
    const readerVault = await installedVault(teardown, buildDir);
    await fs.mkdir(path.join(authorVault, 'Shared'));
    await fs.writeFile(path.join(authorVault, 'Shared', 'Hello.md'), 'first words');
    const [author, reader] = [await openVault(teardown, authorVault), await openVault(teardown, readerVault)];
    for (const vault of [author, reader]) {
      await vault.request({ op: 'load' });
      await vault.call('openPeer', await teardown.dir('tzimtzum-data-'), testnet.bootstrap);
    }

    const link = await author.call<string>('share', 'Shared');
    await reader.call('subscribe', link, 'Knowledge bases/Shared');
    const mounted = path.join(readerVault, 'Knowledge bases', 'Shared', 'Hello.md');
    const text = () => fs.readFile(mounted, 'utf8').catch(() => null);
    await eventually(async () => (await text()) === 'first words', 'the note in the reader\'s vault');

    await fs.writeFile(path.join(authorVault, 'Shared', 'Hello.md'), 'second thoughts');
    await eventually(async () => (await text()) === 'second thoughts', 'the edit in the reader\'s vault');
    await Promise.all([author.call('close'), reader.call('close')]);
  });

  it('stays inert and names the missing file when the prebuilds for this platform are absent', async () => {
    const vault = await installedVault(teardown, buildDir);
    await fs.rm(path.join(vault, '.obsidian', 'plugins', 'tzimtzum', 'prebuilds', host), { recursive: true });
    const obsidian = await openVault(teardown, vault);
    const loaded = await obsidian.request<LoadedPlugin>({ op: 'load' });
    expect(loaded.className).toBe('TzimtzumLoader');
    expect(loaded.notices).toEqual([expect.stringContaining(`Tzimtzum has no sodium-native build for ${host}`)]);
  });
});

// Runs once the plugin class exists (another change is writing it); until then main.ts cannot build.
const pluginWritten = existsSync(path.join(repo, 'src', 'plugin', 'tzimtzum-plugin.ts'));

/** Writes the plugin's settings (data folder outside the vault, with an identity; the testnet) into the vault. */
async function configure(teardown: Teardown, vault: string, bootstrap: BootstrapNode[]): Promise<string> {
  const dataFolder = await teardown.dir('tzimtzum-data-');
  await saveIdentity(identityFileOf(dataFolder), { mnemonic: generateMnemonic(), deviceIndex: 0 });
  const settings = { dataFolder, bootstrap: formatBootstrap(bootstrap) };
  await fs.writeFile(path.join(vault, '.obsidian', 'plugins', 'tzimtzum', 'data.json'), JSON.stringify(settings));
  return dataFolder;
}

/** Waits for a notice containing `text` in a vault's process; returns the whole message. */
async function noticeWith(vault: VaultProcess, text: string): Promise<string> {
  let found: string | undefined;
  await eventually(async () => {
    found = (await vault.request<string[]>({ op: 'notices' })).find((message) => message.includes(text));
    return found !== undefined;
  }, `a notice with "${text}"`);
  return found!;
}

describe.skipIf(!pluginWritten)('the plugin bundle built from main.ts', () => {
  const teardown = new Teardown();
  let buildDir = '';

  beforeAll(async () => {
    buildDir = path.join(await teardown.dir('tzimtzum-build-'), 'tzimtzum');
    await build('main.ts', buildDir);
  });
  afterAll(() => teardown.run());

  it('starts the plugin\'s peer from data.json settings, with every addon from the plugin folder', async () => {
    const testnet = await localTestnet(teardown);
    const vault = await installedVault(teardown, buildDir);
    const dataFolder = await configure(teardown, vault, testnet.bootstrap);
    const obsidian = await openVault(teardown, vault);

    const loaded = await obsidian.request<LoadedPlugin>({ op: 'load' });
    expect(loaded.className).toBe('TzimtzumPlugin');
    await obsidian.call('idle'); // the peer starts once the layout is ready
    const prebuilds = path.join(vault, '.obsidian', 'plugins', 'tzimtzum', 'prebuilds', host);
    const loadedAddons = await obsidian.request<string[]>({ op: 'addons' });
    expect(loadedAddons.sort()).toEqual(addons.map((a) => path.join(prebuilds, `${a}.node`)).sort());
    expect(await fs.readdir(dataFolder)).toContain('store');
  });

  it('shares a folder from the command, subscribes from an obsidian:// link in another vault and carries a live edit across', async () => {
    const testnet = await localTestnet(teardown);
    const authorVault = await installedVault(teardown, buildDir);
    const readerVault = await installedVault(teardown, buildDir);
    await fs.mkdir(path.join(authorVault, 'Shared'));
    await fs.writeFile(path.join(authorVault, 'Shared', 'Hello.md'), 'first words');
    await configure(teardown, authorVault, testnet.bootstrap);
    await configure(teardown, readerVault, testnet.bootstrap);
    const [author, reader] = [await openVault(teardown, authorVault), await openVault(teardown, readerVault)];
    for (const vault of [author, reader]) {
      expect(await vault.request<LoadedPlugin>({ op: 'load' })).toEqual({ className: 'TzimtzumPlugin', notices: [] });
      await vault.call('idle');
    }

    // The author: "Share folder as knowledge base" on the active note's folder, a title, Share.
    await author.request({ op: 'openFile', path: 'Shared/Hello.md' });
    expect(await author.request<boolean>({ op: 'command', command: 'tzimtzum:share-folder' })).toBe(true);
    expect(await author.request<OpenModal>({ op: 'modal' })).toMatchObject({ title: 'Share folder as knowledge base' });
    await author.request({ op: 'fill', field: 'Title', value: 'Field notes' });
    await author.request({ op: 'click', button: 'Share' });
    const link = /obsidian:\/\/tzimtzum\?\S+/.exec(await noticeWith(author, 'is shared'))?.[0];
    expect(link).toBeDefined();

    // The reader: the link opens Obsidian, which shows what it opens and asks first.
    expect(await reader.request<boolean>({ op: 'openUrl', url: link! })).toBe(true);
    const confirm = await reader.request<OpenModal | null>({ op: 'modal' });
    expect(confirm?.title).toBe('Subscribe to "Field notes"?');
    expect(confirm?.text).toContain('1 files');
    await reader.request({ op: 'click', button: 'Subscribe' });
    await noticeWith(reader, 'Subscribed to "Field notes"');

    const mounted = path.join(readerVault, 'Knowledge bases', 'Field notes', 'Hello.md');
    const text = () => fs.readFile(mounted, 'utf8').catch(() => null);
    await eventually(async () => (await text()) === 'first words', 'the note in the reader\'s mount');
    await author.request({ op: 'modify', path: 'Shared/Hello.md', text: 'second thoughts' });
    await eventually(async () => (await text()) === 'second thoughts', 'the edit in the reader\'s mount');
  });
});
