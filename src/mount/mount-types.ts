// The mount's public vocabulary: modes, limits, progress, summaries and errors.
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import type { MountFileSystem } from './file-writer';
import type { PathLimits, PathRejection } from './path-policy';

/** Full mounts keep every byte local; lazy mounts write stubs and fetch a note when it is opened. */
export type MountMode = 'full' | 'lazy';

/** Caps on what one knowledge base may put on this disk. */
export interface MountLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
  paths?: Partial<PathLimits>;
}

/** The caps a mount uses unless told otherwise. */
export const DEFAULT_MOUNT_LIMITS: MountLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxFiles: 50_000,
  maxTotalBytes: 10 * 1024 * 1024 * 1024,
};

/** Turns a knowledge base's bytes into what is written for a note (the plugin neutralizes scripts here). */
export type NoteRenderer = (entry: FileEntry, bytes: Uint8Array) => Uint8Array;

export interface MountOptions {
  kb: KnowledgeBase;
  /** The folder the knowledge base appears in (created if missing). */
  root: string;
  /** Where the mount keeps its record of what it wrote; must be outside the vault. */
  stateFile: string;
  mode?: MountMode;
  limits?: Partial<MountLimits>;
  /** More remote deletions than this in one update wait for `confirmDeletions()`. */
  massDeleteThreshold?: number;
  render?: NoteRenderer;
  /** Timeout for fetching a file on demand. */
  fetchTimeoutMs?: number;
  /** Clock for conflict-copy names (tests pin it). */
  now?: () => Date;
  /** How files reach the disk; defaults to the confined, atomic FileWriter on `root`. */
  fileSystem?: MountFileSystem;
}

/** Progress of a sync, for progress bars. */
export interface MountProgress {
  phase: 'listing' | 'downloading' | 'writing' | 'done';
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** A local change the mount undid, keeping the user's text. */
export interface DriftRestored {
  path: string;
  conflictCopy: string | null;
  kind: 'edited' | 'deleted';
}

/** One change a sync made on disk. */
export type MountChange = { type: 'write' | 'remove'; path: string } | { type: 'move'; path: string; from: string };

export interface SyncSummary {
  /** What changed on disk, in order (the demo prints these with their latency). */
  changes: MountChange[];
  written: number;
  removed: number;
  moved: number;
  unchanged: number;
  rejected: PathRejection[];
  restored: DriftRestored[];
  heldDeletions: number;
  errors: { path: string; message: string }[];
  /** Files whose bytes no connected peer had; the mount retries them. */
  unavailable: number;
}

/** Errors a caller can act on. */
export class MountError extends Error {
  constructor(readonly code: 'no-peer' | 'not-mounted' | 'rejected', message: string) {
    super(message);
  }
}

/** A summary with nothing in it yet. */
export function emptySummary(): SyncSummary {
  return { changes: [], written: 0, removed: 0, moved: 0, unchanged: 0, rejected: [], restored: [], heldDeletions: 0, errors: [], unavailable: 0 };
}
