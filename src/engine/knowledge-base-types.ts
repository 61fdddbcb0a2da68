// The knowledge base's public types: what callers pass in and get back, and the errors they can act on.
import type Corestore from 'corestore';
import type { ApplyFunction } from './apply';
import type { FileKind, FileVersion } from './schema';
import type { FileRecord } from './view-records';

/** Default cap on one file's size; larger files are refused with a clear message. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

/** One file as readers see it. */
export interface FileEntry extends FileRecord {
  path: string;
}

/** A file to write into the knowledge base. */
export interface FileInput {
  path: string;
  bytes: Uint8Array;
  mtime: number;
  kind?: FileKind;
  /**
   * The version this edit was based on (null for a new file), so `apply` can tell a concurrent edit and
   * merge it. Omitted: based on whatever version this device's view holds now.
   */
  base?: FileVersion | null;
}

/** One change between two versions of the view. */
export type FileChange =
  | { type: 'put'; path: string; entry: FileEntry }
  | { type: 'delete'; path: string; previous: FileEntry };

/** Errors a caller can act on; `code` is stable, `message` tells the user what to do. */
export class KnowledgeBaseError extends Error {
  constructor(readonly code: 'not-writable' | 'file-too-large' | 'not-found' | 'integrity' | 'upgrade-needed' | 'closed', message: string) {
    super(message);
  }
}

export interface KnowledgeBaseOptions {
  /** The peer's store; the knowledge base takes a namespace of it. */
  store: Corestore;
  /** Namespace of this knowledge base inside the store; unique per knowledge base on this device. */
  namespace: string;
  /** The knowledge base's key, to open one created elsewhere; omit to create (or reopen) a local one. */
  key?: Buffer | null;
  maxFileBytes?: number;
  /** The signed system core's key, when known: a fresh reader fast-forwards to it before applying anything. */
  systemKey?: Buffer | null;
  /** The file tree's core key, when known: a fresh reader looks notes up in it until its view has caught up. */
  treeKey?: Buffer | null;
  /** Substitute reducer, for tests only (e.g. a non-deterministic one the convergence harness must catch). */
  apply?: ApplyFunction;
}
