// The peer's public vocabulary: its options, the status it reports, and its errors.
import type { Identity } from '../engine/identity';
import type { MountFileSystem } from '../mount/file-writer';
import type { MountLimits, MountMode, NoteRenderer } from '../mount/mount';
import type { FolderEventSource, FolderReader } from '../mirror/folder-source';
import type { BootstrapNode } from '../net/dht-settings';
import type { TopicStatus } from '../net/swarm';
import type { PaymentRail } from '../payments/payment-rail';

/** How a shared folder is read and watched; the CLI uses the file system, the plugin the vault. */
export type FolderAccess = (folder: string) => { reader: FolderReader; events: FolderEventSource };

export interface PeerOptions {
  dataDir: string;
  /** Bootstrap nodes, or null for the public HyperDHT. */
  bootstrap: BootstrapNode[] | null;
  passphrase?: string;
  /** How this process describes itself to a second opener of the store. */
  command?: string;
  folderAccess?: FolderAccess;
  /** Rewrites notes before a mount writes them (the plugin neutralizes executable code here). */
  render?: NoteRenderer;
  /** A renderer per subscription (overrides `render`), so each one can opt in to executable code. */
  renderFor?: (id: string) => NoteRenderer | undefined;
  /** How a subscription's files reach the disk (the plugin routes renames through the vault). */
  mountFileSystem?: (id: string, root: string) => MountFileSystem;
  /** Caps on what each mount may write. */
  mountLimits?: Partial<MountLimits>;
  /** Quiet time before a burst of folder events is published. */
  debounceMs?: number;
  /**
   * Payment rails for paid notes: the author's (invoices) and the reader's (paying); absent means none.
   * A function receives the identity (a wallet is derived from the same recovery words).
   */
  rails?: PaymentRails | ((identity: Identity) => PaymentRails);
}

/** The rails a peer sells and buys with. */
export interface PaymentRails {
  seller?: PaymentRail | null;
  buyer?: PaymentRail | null;
}

/** What the UI and `status` show of one knowledge base. */
export interface KnowledgeBaseStatus {
  id: string;
  role: 'shared' | 'subscribed' | 'seeded';
  title: string;
  folder: string | null;
  link: string;
  writable: boolean;
  version: number;
  files: number | null;
  mode: MountMode | null;
  paused: boolean;
  network: TopicStatus | null;
  upgradeNeeded: string | null;
}

/** Errors the user can act on. */
export class PeerError extends Error {
  constructor(readonly code: 'already-shared' | 'already-subscribed' | 'unknown-kb' | 'own-kb' | 'folder-in-use' | 'recovery-pending' | 'not-owner', message: string) {
    super(message);
  }
}
