// Templater, with "trigger on new file creation", runs `<% %>` commands in every new note outside its
// ignored folders, including notes a subscription writes. Tzimtzum escapes those commands, but a user
// who opted in to a subscription's code, or any future gap, is one setting away from running a
// stranger's code: warn when the mount root is not among Templater's ignored folders.
import { normalizePath, type App } from 'obsidian';

const TEMPLATER_ID = 'templater-obsidian';

interface TemplaterData {
  trigger_on_file_creation?: unknown;
  ignore_folders_on_creation?: unknown;
}

/** A warning to show, or null when Templater cannot touch the mount root. */
export async function templaterWarning(app: App, mountRoot: string): Promise<string | null> {
  const configDir = app.vault.configDir;
  const enabled = await readJson(app, normalizePath(`${configDir}/community-plugins.json`));
  if (!Array.isArray(enabled) || !enabled.includes(TEMPLATER_ID)) return null;
  const data = ((await readJson(app, normalizePath(`${configDir}/plugins/${TEMPLATER_ID}/data.json`))) ?? {}) as TemplaterData;
  // Newer Templater keeps the trigger in the app's local storage rather than in data.json.
  const local = localTemplaterSettings(app);
  const triggers = data.trigger_on_file_creation === true || local?.trigger_on_file_creation === true;
  if (!triggers) return null;
  const root = normalizePath(mountRoot);
  const ignored = Array.isArray(data.ignore_folders_on_creation)
    ? data.ignore_folders_on_creation.map((item: unknown) => (item && typeof item === 'object' && 'folder' in item && typeof item.folder === 'string' ? normalizePath(item.folder) : ''))
    : [];
  if (ignored.some((folder) => folder !== '' && (root === folder || root.startsWith(folder + '/')))) return null;
  return `Templater runs commands in new notes, and "${root}" is not in its ignored folders. Add "${root}" to Templater's folders ignored on file creation, so notes from knowledge bases never run its commands.`;
}

async function readJson(app: App, path: string): Promise<unknown> {
  try {
    if (!(await app.vault.adapter.exists(path))) return null;
    return JSON.parse(await app.vault.adapter.read(path)) as unknown;
  } catch {
    return null;
  }
}

function localTemplaterSettings(app: App): { trigger_on_file_creation?: unknown } | null {
  // `loadLocalStorage` arrived in Obsidian 1.8.7; older versions (and Templater versions) have no such setting.
  const storage: { loadLocalStorage?: (key: string) => unknown } = app;
  try {
    const value = typeof storage.loadLocalStorage === 'function' ? storage.loadLocalStorage('templater-local-settings') : null;
    if (!value || typeof value !== 'object') return null;
    return 'trigger_on_file_creation' in value ? { trigger_on_file_creation: value.trigger_on_file_creation } : {};
  } catch {
    return null;
  }
}
