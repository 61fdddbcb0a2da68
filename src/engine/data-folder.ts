// Where stores live, and the guard that keeps them out of places that would damage them or the user's
// files: a store opened on a non-empty folder moves what is there, and a synced store is copied to other
// machines, where two copies write as one device and fork its cores.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Why a folder cannot hold a store. */
export type DataFolderErrorCode = 'inside-vault' | 'inside-sync-folder' | 'not-empty' | 'not-a-folder';

/** A folder that must not hold a store, with a message that says what to do instead. */
export class DataFolderError extends Error {
  override readonly name = 'DataFolderError';
  constructor(readonly code: DataFolderErrorCode, readonly dir: string, message: string) {
    super(message);
  }
}

/** The file that marks a folder as one Tzimtzum created for a store. */
export const STORE_MARKER = 'tzimtzum-store.json';

/** The subfolder Corestore opens: on first open it moves every unknown file of its folder into `db/`. */
export const CORESTORE_SUBFOLDER = 'corestore';

/** A checked store folder: our files at the top, Corestore's below. */
export interface StoreFolder {
  dir: string;
  corestoreDir: string;
}

/** The platform facts `defaultDataFolder` depends on; tests supply their own. */
export interface SystemInfo {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The per-user folder for Tzimtzum's data, following each platform's convention. */
export function defaultDataFolder({
  platform = process.platform,
  env = process.env,
  home = os.homedir(),
}: SystemInfo = {}): string {
  if (platform === 'win32') {
    // Local, not Roaming: roaming profiles copy %APPDATA% between machines, which is exactly what a
    // store must never go through.
    const base = env.LOCALAPPDATA ?? env.APPDATA ?? path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(base, 'Tzimtzum');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Tzimtzum');
  // The XDG spec says to ignore a relative XDG_DATA_HOME.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg !== undefined && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, 'tzimtzum');
}

/** The root of the Obsidian vault that contains `dir` (or is `dir`), or null when there is none. */
export async function findEnclosingVault(dir: string, configDirs: readonly string[] = ['.obsidian']): Promise<string | null> {
  for (const folder of selfAndAncestors(dir)) {
    for (const configDir of configDirs) {
      if (await isDirectory(path.join(folder, configDir))) return folder;
    }
  }
  return null;
}

/** A sync service whose folder contains `dir`, found by folder name or by the service's marker file. */
export interface SyncFolder {
  service: string;
  folder: string;
}

/** The sync service folder that contains `dir`, or null when none is recognised. */
export async function findSyncFolder(dir: string): Promise<SyncFolder | null> {
  const folders = selfAndAncestors(dir);
  // Outermost first, so the message names the service's root rather than some folder inside it.
  for (const folder of [...folders].reverse()) {
    const parent = path.dirname(folder);
    const service = serviceByName(path.basename(folder), path.basename(parent));
    if (service !== null) return { service, folder };
  }
  for (const folder of folders) {
    const service = await serviceByMarker(folder);
    if (service !== null) return { service, folder };
  }
  return null;
}

/**
 * Checks that `dir` may hold a store and prepares it: creates it (0700) with our marker when new, accepts
 * it when it carries the marker, and otherwise throws a `DataFolderError`.
 */
export async function checkStoreFolder(dir: string): Promise<StoreFolder> {
  const resolved = path.resolve(dir);
  const folder = { dir: resolved, corestoreDir: path.join(resolved, CORESTORE_SUBFOLDER) };
  const vault = await findEnclosingVault(resolved);
  if (vault !== null) {
    throw new DataFolderError(
      'inside-vault',
      resolved,
      `${resolved} is inside the Obsidian vault at ${vault}. Tzimtzum's data must live outside every vault, ` +
        `or the vault would fill with store files. ${CHOOSE_ANOTHER}`,
    );
  }
  const sync = await findSyncFolder(resolved);
  if (sync !== null) {
    throw new DataFolderError(
      'inside-sync-folder',
      resolved,
      `${resolved} is inside a ${sync.service} folder (${sync.folder}). A synced store is copied to other ` +
        `machines, and two copies writing at once corrupt it. ${CHOOSE_ANOTHER}`,
    );
  }
  const entries = await listFolder(resolved);
  if (entries === null) {
    await mkdir(resolved, { recursive: true, mode: 0o700 });
    await writeMarker(resolved);
    return folder;
  }
  if (entries.includes(STORE_MARKER)) return folder;
  const foreign = entries.filter((name) => !OS_LITTER.has(name));
  if (foreign.length > 0) {
    throw new DataFolderError(
      'not-empty',
      resolved,
      `${resolved} already holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}) ` +
        `and was not created by Tzimtzum. A store needs an empty folder of its own. ${CHOOSE_ANOTHER}`,
    );
  }
  await writeMarker(resolved);
  return folder;
}

const CHOOSE_ANOTHER = "Choose another folder in Tzimtzum's settings, or pass --data <folder> on the command line.";

// Files an OS drops into any folder a user merely looked at; they do not make a folder someone's.
const OS_LITTER = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

interface NamedService {
  service: string;
  matches: (name: string, parent: string) => boolean;
}

const exactly = (...names: string[]) => (name: string) => names.includes(name);

// Folder names each service gives its root, compared in lower case. Generic names (a plain "Box" or
// "Sync") are left out: better to miss one than to refuse a user's own folder.
const SERVICES_BY_NAME: NamedService[] = [
  { service: 'Dropbox', matches: (n) => n === 'dropbox' || /^dropbox( \(.+\)|-.+)$/u.test(n) },
  { service: 'OneDrive', matches: (n) => n === 'onedrive' || /^onedrive( - |-).+$/u.test(n) },
  { service: 'iCloud Drive', matches: exactly('icloud drive', 'iclouddrive', 'mobile documents') },
  { service: 'Google Drive', matches: (n) => ['google drive', 'my drive', 'googledrive'].includes(n) || n.startsWith('googledrive-') },
  { service: 'Box', matches: (n) => n === 'box sync' || n.startsWith('box-') },
  { service: 'pCloud', matches: exactly('pcloud drive') },
  { service: 'Nextcloud', matches: exactly('nextcloud') },
  { service: 'ownCloud', matches: exactly('owncloud') },
  { service: 'Seafile', matches: exactly('seafile') },
  { service: 'Synology Drive', matches: exactly('synologydrive') },
  { service: 'Tresorit', matches: exactly('tresorit') },
  // macOS puts every File Provider sync service (and its folder) under ~/Library/CloudStorage.
  { service: 'cloud storage', matches: (n, parent) => n === 'cloudstorage' && parent === 'library' },
];

function serviceByName(name: string, parent: string): string | null {
  const lower = name.toLowerCase();
  const parentLower = parent.toLowerCase();
  return SERVICES_BY_NAME.find((s) => s.matches(lower, parentLower))?.service ?? null;
}

// Files a sync client leaves at the root of what it syncs, whatever the folder is called.
async function serviceByMarker(folder: string): Promise<string | null> {
  const entries = await listIfReadable(folder);
  if (entries === null) return null;
  if (entries.includes('.stfolder')) return 'Syncthing';
  if (entries.includes('.dropbox')) return 'Dropbox';
  if (entries.some((e) => /^\._?sync_[0-9a-f]+\.db$/iu.test(e))) return 'Nextcloud or ownCloud';
  if (entries.includes('.SynologyWorkingDirectory')) return 'Synology Drive';
  return null;
}

function selfAndAncestors(dir: string): string[] {
  const folders: string[] = [];
  let current = path.resolve(dir);
  // A path has finitely many segments; dirname of the root is the root, which ends the walk.
  for (;;) {
    folders.push(current);
    const parent = path.dirname(current);
    if (parent === current) return folders;
    current = parent;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

// The names in `dir`, or null when it does not exist.
async function listFolder(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') {
      throw new DataFolderError('not-a-folder', dir, `${dir} is a file, not a folder. ${CHOOSE_ANOTHER}`);
    }
    throw err;
  }
}

// An ancestor we cannot read (or that is missing) simply has no marker to find.
async function listIfReadable(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch {
    return null;
  }
}

async function writeMarker(dir: string): Promise<void> {
  const marker = { app: 'tzimtzum', kind: 'store', version: 1, createdAt: new Date().toISOString() };
  await writeFile(path.join(dir, STORE_MARKER), JSON.stringify(marker, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
}
