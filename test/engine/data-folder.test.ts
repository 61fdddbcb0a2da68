import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkStoreFolder,
  CORESTORE_SUBFOLDER,
  DataFolderError,
  defaultDataFolder,
  findEnclosingVault,
  findSyncFolder,
  STORE_MARKER,
} from '../../src/engine/data-folder.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tzimtzum-data-folder-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(dir: string): Promise<DataFolderError> {
  try {
    await checkStoreFolder(dir);
  } catch (err) {
    if (err instanceof DataFolderError) return err;
    throw err;
  }
  throw new Error(`expected ${dir} to be refused`);
}

describe('defaultDataFolder', () => {
  it('uses XDG_DATA_HOME on Linux when it is absolute', () => {
    expect(defaultDataFolder({ platform: 'linux', env: { XDG_DATA_HOME: '/data' }, home: '/home/ann' })).toBe('/data/tzimtzum');
  });

  it('ignores a relative XDG_DATA_HOME on Linux, as the XDG spec requires', () => {
    expect(defaultDataFolder({ platform: 'linux', env: { XDG_DATA_HOME: 'data' }, home: '/home/ann' })).toBe(
      '/home/ann/.local/share/tzimtzum',
    );
  });

  it('falls back to ~/.local/share on Linux', () => {
    expect(defaultDataFolder({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.local/share/tzimtzum');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataFolder({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe(
      '/Users/ann/Library/Application Support/Tzimtzum',
    );
  });

  it('uses the local (not roaming) application data folder on Windows', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local', APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' };
    expect(defaultDataFolder({ platform: 'win32', env, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Local\\Tzimtzum');
  });

  it('falls back to APPDATA on Windows when LOCALAPPDATA is unset', () => {
    const env = { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' };
    expect(defaultDataFolder({ platform: 'win32', env, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\Tzimtzum');
  });
});

describe('findEnclosingVault', () => {
  it('finds the vault that contains a folder, even one not yet created', async () => {
    await mkdir(path.join(root, 'Notes', '.obsidian'), { recursive: true });
    expect(await findEnclosingVault(path.join(root, 'Notes', 'deep', 'er'))).toBe(path.join(root, 'Notes'));
  });

  it('counts the vault root itself as inside the vault', async () => {
    await mkdir(path.join(root, 'Notes', '.obsidian'), { recursive: true });
    expect(await findEnclosingVault(path.join(root, 'Notes'))).toBe(path.join(root, 'Notes'));
  });

  it('finds nothing outside every vault', async () => {
    await mkdir(path.join(root, 'Notes', '.obsidian'), { recursive: true });
    expect(await findEnclosingVault(path.join(root, 'elsewhere'))).toBeNull();
  });

  it('ignores a file named .obsidian', async () => {
    await writeFile(path.join(root, '.obsidian'), '');
    expect(await findEnclosingVault(path.join(root, 'x'))).toBeNull();
  });
});

describe('findSyncFolder', () => {
  it.each([
    ['Dropbox', ['Dropbox', 'stores']],
    ['Dropbox', ['Dropbox (Personal)', 'stores']],
    ['OneDrive', ['OneDrive - Contoso', 'stores']],
    ['OneDrive', ['onedrive']],
    ['iCloud Drive', ['Library', 'Mobile Documents', 'com~apple~CloudDocs']],
    ['iCloud Drive', ['iCloudDrive', 'stores']],
    ['Google Drive', ['Google Drive', 'My Drive']],
    ['Google Drive', ['GoogleDrive-ann@example.com', 'stores']],
    ['cloud storage', ['Library', 'CloudStorage', 'Box-Box']],
  ])('recognises a %s folder by its name (%j)', async (service, segments) => {
    const found = await findSyncFolder(path.join(root, ...segments));
    expect(found?.service).toBe(service);
  });

  it('recognises a Syncthing folder by its .stfolder marker', async () => {
    await mkdir(path.join(root, 'Sync', '.stfolder'), { recursive: true });
    expect(await findSyncFolder(path.join(root, 'Sync', 'stores'))).toEqual({ service: 'Syncthing', folder: path.join(root, 'Sync') });
  });

  it('recognises a Nextcloud folder by its sync database', async () => {
    await mkdir(path.join(root, 'Cloud'));
    await writeFile(path.join(root, 'Cloud', '.sync_0a1b2c3d4e5f.db'), '');
    expect((await findSyncFolder(path.join(root, 'Cloud', 'x')))?.service).toBe('Nextcloud or ownCloud');
  });

  it('leaves an ordinary folder alone, even one with a generic name like Box', async () => {
    expect(await findSyncFolder(path.join(root, 'Box', 'Documents'))).toBeNull();
  });
});

describe('checkStoreFolder', () => {
  it('creates a new folder readable by the user alone, with the store marker', async () => {
    const dir = path.join(root, 'data', 'stores', 'main');
    const folder = await checkStoreFolder(dir);
    expect(folder).toEqual({ dir, corestoreDir: path.join(dir, CORESTORE_SUBFOLDER) });
    expect(await readdir(dir)).toEqual([STORE_MARKER]);
    expect(JSON.parse(await readFile(path.join(dir, STORE_MARKER), 'utf8'))).toMatchObject({ app: 'tzimtzum', version: 1 });
    if (process.platform !== 'win32') expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('accepts a folder it prepared earlier, with a store in it', async () => {
    const dir = path.join(root, 'store');
    await checkStoreFolder(dir);
    await mkdir(path.join(dir, CORESTORE_SUBFOLDER));
    await expect(checkStoreFolder(dir)).resolves.toMatchObject({ dir });
  });

  it('adopts an existing empty folder', async () => {
    const dir = path.join(root, 'empty');
    await mkdir(dir);
    await checkStoreFolder(dir);
    expect(await readdir(dir)).toEqual([STORE_MARKER]);
  });

  it('adopts a folder that holds only files the OS drops everywhere', async () => {
    const dir = path.join(root, 'looked-at');
    await mkdir(dir);
    await writeFile(path.join(dir, '.DS_Store'), '');
    await expect(checkStoreFolder(dir)).resolves.toMatchObject({ dir });
  });

  it('refuses a non-empty folder it did not create, and says how to choose another', async () => {
    const dir = path.join(root, 'documents');
    await mkdir(dir);
    await writeFile(path.join(dir, 'taxes.pdf'), '');
    const error = await refusal(dir);
    expect(error.code).toBe('not-empty');
    expect(error.message).toContain('taxes.pdf');
    expect(error.message).toContain('--data');
    expect(await readdir(dir)).toEqual(['taxes.pdf']);
  });

  it('refuses a folder inside a vault, naming the vault', async () => {
    await mkdir(path.join(root, 'Notes', '.obsidian'), { recursive: true });
    const error = await refusal(path.join(root, 'Notes', 'store'));
    expect(error.code).toBe('inside-vault');
    expect(error.message).toContain(path.join(root, 'Notes'));
    expect(error.message).toContain('settings');
  });

  it('refuses a folder inside a vault even when it already carries the marker', async () => {
    const dir = path.join(root, 'store');
    await checkStoreFolder(dir);
    await mkdir(path.join(root, '.obsidian'));
    expect((await refusal(dir)).code).toBe('inside-vault');
  });

  it('refuses a folder inside a synced folder, naming the service', async () => {
    const error = await refusal(path.join(root, 'Dropbox', 'tzimtzum'));
    expect(error.code).toBe('inside-sync-folder');
    expect(error.message).toContain('Dropbox');
    await expect(stat(path.join(root, 'Dropbox'))).rejects.toThrow();
  });

  it('refuses a folder inside a Syncthing folder', async () => {
    await mkdir(path.join(root, 'Sync', '.stfolder'), { recursive: true });
    const error = await refusal(path.join(root, 'Sync', 'tzimtzum'));
    expect(error.code).toBe('inside-sync-folder');
    expect(error.message).toContain('Syncthing');
  });

  it('refuses a path that is a file', async () => {
    const file = path.join(root, 'file');
    await writeFile(file, 'x');
    expect((await refusal(file)).code).toBe('not-a-folder');
  });
});
