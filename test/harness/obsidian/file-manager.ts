// Obsidian's `FileManager`, minimal: no links are rewritten on rename (the harness does not index links).
import type { App } from './app.js';
import type { TAbstractFile, TFolder } from './files.js';

/** File operations that follow the user's preferences. */
export class FileManager {
  readonly #app: App;

  /** Harness only: Obsidian builds it. */
  constructor(app: App) { this.#app = app; }

  /** New files go to the vault root (Obsidian's default preference). */
  getNewFileParent(_sourcePath: string, _newFilePath?: string): TFolder { return this.#app.vault.getRoot(); }

  /** Renames through the vault; Obsidian would also update links to the file. */
  async renameFile(file: TAbstractFile, newPath: string): Promise<void> { await this.#app.vault.rename(file, newPath); }

  /** Trashes with Obsidian's default preference (system trash, falling back to `.trash/`). */
  async trashFile(file: TAbstractFile): Promise<void> { await this.#app.vault.trash(file, true); }
}
