// What a shared folder never publishes: hidden files and folders (the vault's config folder and
// `.trash` among them) and whatever the user's ignore globs name.
import picomatch from 'picomatch';

/** Decides whether a folder-relative path is left out of the knowledge base. */
export class IgnoreRules {
  private readonly matchers: ((path: string) => boolean)[];

  constructor(globs: readonly string[] = []) {
    this.matchers = globs.filter((glob) => glob.trim() !== '').map((glob) => picomatch(glob.trim(), { dot: true }));
  }

  /** True when the path must not be shared. */
  ignores(path: string): boolean {
    const segments = path.split('/');
    if (segments.some((segment) => segment.startsWith('.') || segment === '')) return true;
    // Obsidian's own trash and temporary files of editors never belong to a knowledge base.
    if (segments[0] === '.trash' || path.endsWith('~') || path.endsWith('.tmp')) return true;
    return this.matchers.some((matches) => matches(path) || segments.some((_, i) => matches(segments.slice(0, i + 1).join('/'))));
  }
}
