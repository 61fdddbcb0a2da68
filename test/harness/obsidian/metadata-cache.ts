// Obsidian's `MetadataCache`, reduced to frontmatter: each Markdown file is (re)indexed after its vault
// create/modify event, asynchronously as in Obsidian, then `changed` fires. So inside a vault `modify`
// handler `getFileCache` still returns the previous metadata, as it does in Obsidian; listen to
// `changed`, or await `settled()` in a test. Links, tags, headings and sections are not indexed.
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import { Events, type EventRef } from './events.js';
import { TFile, type TAbstractFile } from './files.js';
import { parseFrontmatter } from './frontmatter.js';
import { parentPath } from './path.js';
import type { Vault } from './vault.js';

/** A position in a note. */
export interface Loc { line: number; col: number; offset: number }
/** A span of a note. */
export interface Pos { start: Loc; end: Loc }
/** The frontmatter properties of a note. */
export interface FrontMatterCache { [key: string]: any }
/** What the cache knows about a note: here, only its frontmatter. */
export interface CachedMetadata {
  frontmatter?: FrontMatterCache;
  frontmatterPosition?: Pos;
}

/** The metadata index of one vault. */
export class MetadataCache extends Events {
  readonly #vault: Vault;
  readonly #cache = new Map<string, CachedMetadata>();
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;

  /** Harness only: Obsidian builds it. Listens to the vault, as Obsidian's own cache does. */
  constructor(vault: Vault) {
    super();
    this.#vault = vault;
    vault.on('create', (f) => this.#reindex(f));
    vault.on('modify', (f) => this.#reindex(f));
    vault.on('delete', (f) => this.#forget(f));
    vault.on('rename', (f, oldPath) => {
      const entry = this.#cache.get(oldPath);
      this.#cache.delete(oldPath);
      if (entry && f instanceof TFile && f.extension === 'md') this.#cache.set(f.path, entry);
    });
  }

  getFileCache(file: TFile): CachedMetadata | null { return this.#cache.get(file.path) ?? null; }
  getCache(path: string): CachedMetadata | null { return this.#cache.get(path) ?? null; }

  /** Resolves a link: an exact vault path (`.md` optional), else a note of that name, nearest the source first. */
  getFirstLinkpathDest(linkpath: string, sourcePath: string): TFile | null {
    const target = linkpath.split('#')[0];
    const exact = this.#vault.getFileByPath(target) ?? this.#vault.getFileByPath(`${target}.md`);
    if (exact) return exact;
    const from = parentPath(sourcePath);
    const byName = this.#vault.getFiles().filter((f) => f.path.endsWith(`/${target}`) || f.path.endsWith(`/${target}.md`)
      || f.name === target || (f.extension === 'md' && f.basename === target));
    byName.sort((a, b) => Number(parentPath(b.path) === from) - Number(parentPath(a.path) === from) || a.path.length - b.path.length);
    return byName[0] ?? null;
  }

  override on(name: 'changed', callback: (file: TFile, data: string, cache: CachedMetadata) => any, ctx?: any): EventRef;
  override on(name: 'deleted', callback: (file: TFile, prevCache: CachedMetadata | null) => any, ctx?: any): EventRef;
  override on(name: 'resolved', callback: () => any, ctx?: any): EventRef;
  override on(name: string, callback: (...data: any[]) => any, ctx?: any): EventRef {
    return super.on(name, callback, ctx);
  }

  /** Harness only: resolves once every pending (re)index has run and its event has fired. */
  async settled(): Promise<void> {
    for (let round = 0; round < 1000 && this.#pending > 0; round++) await this.#queue;
  }

  #reindex(file: TAbstractFile): void {
    if (!(file instanceof TFile) || file.extension !== 'md') return;
    this.#enqueue(async () => {
      if (this.#vault.getFileByPath(file.path) !== file) return;
      let data: string;
      try { data = await this.#vault.cachedRead(file); } catch { return; }
      const fm = parseFrontmatter(data);
      const cache: CachedMetadata = {};
      if (fm) {
        cache.frontmatter = fm.data;
        const lastLine = data.split('\n')[fm.endLine] ?? '';
        cache.frontmatterPosition = { start: { line: 0, col: 0, offset: 0 }, end: { line: fm.endLine, col: lastLine.length, offset: fm.end } };
      }
      this.#cache.set(file.path, cache);
      this.trigger('changed', file, data, cache);
    });
  }

  #forget(file: TAbstractFile): void {
    if (!(file instanceof TFile)) return;
    const prev = this.#cache.get(file.path) ?? null;
    this.#cache.delete(file.path);
    if (file.extension === 'md') this.#enqueue(() => Promise.resolve(this.trigger('deleted', file, prev)));
  }

  #enqueue(task: () => Promise<void>): void {
    this.#pending++;
    this.#queue = this.#queue.then(task).finally(() => {
      if (--this.#pending === 0) this.trigger('resolved');
    });
  }
}
