// Obsidian's `normalizePath`: one '/' between segments (backslashes count as separators), no leading or
// trailing slash, non-breaking spaces made plain, Unicode NFC. The vault root normalizes to '/'.

/** Normalizes a vault path the way Obsidian does. */
export function normalizePath(path: string): string {
  let p = path.replace(/([\\/])+/g, '/').replace(/(^\/+|\/+$)/g, '');
  if (p === '') p = '/';
  return p.replace(/[\u00A0\u202F]/g, ' ').normalize('NFC');
}

/** The parent folder path of a normalized vault path ('/' for the root's children). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last segment of a vault path. */
export function baseName(path: string): string {
  return path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1);
}

/** Whether Obsidian leaves this path out of its index: any segment starting with '.'. */
export function isHiddenPath(path: string): boolean {
  return path !== '/' && path.split('/').some((segment) => segment.startsWith('.'));
}

/** `child`'s path inside `folder`. */
export function joinPath(folder: string, name: string): string {
  return folder === '/' ? name : `${folder}/${name}`;
}
