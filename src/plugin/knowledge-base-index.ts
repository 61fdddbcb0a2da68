// What the UI knows about the peer's knowledge bases, kept current from the PeerApi's events: the list,
// live peers and progress, and which vault folder holds which one. Views and guards read it
// synchronously; it never holds per-file data, so it stays small however large a knowledge base is.
import { Events } from 'obsidian';
import type { KnowledgeBaseStatus, PeerApi, PeerEvent } from '../peer/peer-api';
import { relativeTo, type VaultPaths } from './vault-paths';

/** Live state of one knowledge base beyond its status. */
export interface LiveState {
  peers: number;
  lastSync: number | null;
  progress: { side: 'share' | 'mount'; phase: string; done: number; total: number } | null;
  lastError: string | null;
}

/** One knowledge base, with its vault folder. */
export interface IndexedKnowledgeBase {
  status: KnowledgeBaseStatus;
  /** Vault path of its folder, or null when it is outside the vault or has none. */
  vaultFolder: string | null;
  live: LiveState;
}

/** A file inside a knowledge base's folder. */
export interface Located {
  kb: IndexedKnowledgeBase;
  /** Path relative to the knowledge base's folder. */
  rel: string;
}

/** The plugin's picture of the peer; triggers `updated` (coalesced) when it changes. */
export class KnowledgeBaseIndex extends Events {
  running = false;
  private entries = new Map<string, IndexedKnowledgeBase>();
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;

  constructor(private readonly api: PeerApi, private readonly paths: VaultPaths) {
    super();
  }

  /** Every knowledge base, shared first. */
  all(): IndexedKnowledgeBase[] {
    return [...this.entries.values()].sort((a, b) => (a.status.role === b.status.role ? a.status.title.localeCompare(b.status.title) : a.status.role === 'shared' ? -1 : 1));
  }

  get(id: string): IndexedKnowledgeBase | null {
    return this.entries.get(id) ?? null;
  }

  /** The subscription whose mount holds this vault path. */
  mountAt(vaultPath: string): Located | null {
    return this.locate(vaultPath, 'subscribed');
  }

  /** The share whose folder holds this vault path (or is it). */
  shareAt(vaultPath: string): Located | null {
    return this.locate(vaultPath, 'shared');
  }

  /** Apply one event from the peer. */
  handle(event: PeerEvent): void {
    if (event.type === 'running') {
      this.running = event.running;
      if (!event.running) this.entries.clear();
      void this.refresh();
      return;
    }
    if (event.type === 'changed' || event.type === 'synced') {
      void this.refresh();
      return;
    }
    const entry = 'id' in event && event.id ? this.entries.get(event.id) : undefined;
    if (!entry) return;
    if (event.type === 'status') {
      entry.live.peers = event.peers;
      entry.live.lastSync = event.lastSync;
    } else if (event.type === 'progress') {
      entry.live.progress = event.phase === 'done' ? null : { side: event.side, phase: event.phase, done: event.done, total: event.total };
    } else if (event.type === 'error') {
      entry.live.lastError = event.message;
    }
    this.trigger('updated');
  }

  /** Reload the list from the peer (coalesced: one reload in flight, one queued at most). */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        const list = await this.api.list().catch(() => []);
        const next = new Map<string, IndexedKnowledgeBase>();
        for (const status of list) {
          const previous = this.entries.get(status.id);
          const live = previous?.live ?? { peers: status.network?.peers ?? 0, lastSync: status.network?.lastSync ?? null, progress: null, lastError: null };
          next.set(status.id, { status, vaultFolder: status.folder ? this.paths.toVault(status.folder) : null, live });
        }
        this.entries = next;
        this.trigger('updated');
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private locate(vaultPath: string, role: KnowledgeBaseStatus['role']): Located | null {
    for (const kb of this.entries.values()) {
      if (kb.status.role !== role || kb.vaultFolder === null) continue;
      if (vaultPath === kb.vaultFolder) return { kb, rel: '' };
      const rel = relativeTo(kb.vaultFolder, vaultPath);
      if (rel !== null) return { kb, rel };
    }
    return null;
  }
}
