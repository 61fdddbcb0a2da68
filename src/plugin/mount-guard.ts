// Keeps subscribed knowledge bases read-only in the vault, in layers: mounted notes open in reading
// view; their file menu says they are read-only; and any change that still reaches a mounted file
// (a command, another plugin, another program, a delete or a rename) is handed to the mount's drift
// check, which restores the file and keeps the user's text as a conflict copy. Lazy stubs fetch their
// bytes when opened.
import { MarkdownView, Notice, TFile, type App, type TAbstractFile } from 'obsidian';
import type { PeerApi } from '../peer/peer-api';
import type { KnowledgeBaseIndex } from './knowledge-base-index';

const DRIFT_DELAY_MS = 150;

/** Watches vault events and opened files in mounts. */
export class MountGuard {
  private readonly pending = new Map<string, Set<string>>();
  private timer: number | null = null;
  private disposed = false;

  constructor(private readonly app: App, private readonly api: PeerApi, private readonly index: KnowledgeBaseIndex) {}

  /** Whether a vault path is inside a subscribed knowledge base. */
  isMounted(vaultPath: string): boolean {
    return this.index.mountAt(vaultPath) !== null;
  }

  /** A vault `modify` or `delete`: whatever changed a mounted file is undone. */
  onChanged(file: TAbstractFile): void {
    if (file instanceof TFile) this.queueDrift(file.path);
  }

  /** A vault `rename`: a mounted file moved away (or renamed in place) is put back. */
  onRenamed(file: TAbstractFile, oldPath: string): void {
    if (file instanceof TFile) this.queueDrift(oldPath);
  }

  /** A file was opened: mounted notes show in reading view, and lazy stubs are fetched. */
  async onFileOpen(file: TFile | null): Promise<void> {
    if (!file) return;
    const located = this.index.mountAt(file.path);
    if (!located) return;
    const view = this.app.workspace.getActiveViewOfType(MarkdownView);
    if (view && view.file === file && view.getMode() !== 'preview') {
      const state = view.leaf.getViewState();
      await view.leaf.setViewState({ ...state, state: { ...state.state, mode: 'preview' } });
    }
    if (located.kb.status.mode !== 'lazy') return;
    try {
      await this.api.fetchStub(located.kb.status.id, located.rel);
    } catch (err) {
      // Files the mount did not write (conflict copies) have nothing to fetch.
      if ((err as { code?: string }).code === 'not-mounted') return;
      new Notice(`Could not download "${file.name}": ${messageOf(err)}`);
    }
  }

  /** Stop pending checks (the plugin is unloading). */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  /** Run queued drift checks now (tests, and before the peer stops). */
  async flush(): Promise<void> {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending.entries()];
    this.pending.clear();
    for (const [id, paths] of batches) {
      // The restore itself is reported through the peer's `restored` event (see PeerNotices).
      await this.api.checkDrift(id, [...paths]).catch((err: unknown) => {
        new Notice(`Could not restore a file in a read-only knowledge base: ${messageOf(err)}`);
      });
    }
  }

  private queueDrift(vaultPath: string): void {
    if (this.disposed) return;
    const located = this.index.mountAt(vaultPath);
    if (!located || located.rel === '') return;
    const paths = this.pending.get(located.kb.status.id) ?? new Set<string>();
    paths.add(located.rel);
    this.pending.set(located.kb.status.id, paths);
    // Coalesce a burst (a folder delete, an editor's save-as) into one check per knowledge base.
    if (this.timer === null) this.timer = window.setTimeout(() => void this.flush(), DRIFT_DELAY_MS);
  }
}

/** The message of an unknown error. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
