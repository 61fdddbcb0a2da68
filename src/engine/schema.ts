// The knowledge base's wire format: every op a writer appends, and every record the view holds.
//
// Ops travel through Autobase as raw bytes and are decoded here, inside `apply`, so that a malformed op
// from any writer can be skipped instead of closing the base on every peer that replays it. Decoders are
// strict (unknown types, bad lengths and trailing bytes are rejected) and never throw to their caller.
import c, { type Encoding, type State } from 'compact-encoding';
import { blobRefEncoding, optionalHash, optionalVersion, type BlobRef, type FileVersion } from './schema-fields';

export { blobRefEncoding, type BlobRef, type FileVersion };

/** The newest op schema this build understands. An op with a higher version stops the base ("upgrade needed"). */
export const SCHEMA_VERSION = 2;

/** Longest path, in UTF-8 bytes, an op may carry. Mounts apply their own, stricter policy. */
export const MAX_PATH_BYTES = 4096;
const MAX_META_BYTES = 16 * 1024;
const HASH_BYTES = 32;
const KEY_BYTES = 32;

/**
 * What kind of file a record describes: notes are text the mount may rewrite, attachments are opaque
 * bytes, paid notes are sealed envelopes (see src/paywall/) that a mount shows locked until unlocked.
 */
export type FileKind = 'note' | 'attachment' | 'paid-note';

/**
 * Create or replace a file. `base` is the version the writer edited (null for a new file): `apply` compares
 * it with the current version to detect concurrent edits, and reads its bytes to merge them.
 */
export interface PutFileOp {
  type: 'put';
  path: string;
  hash: Buffer;
  size: number;
  mtime: number;
  kind: FileKind;
  blob: BlobRef;
  base: FileVersion | null;
}

/** Remove a file. `base` is the hash of the version the writer saw when deleting it. */
export interface DeleteFileOp {
  type: 'delete';
  path: string;
  base: Buffer | null;
}

/** Move a file, or with `folder` every file under `from/`, to a new path. */
export interface RenameOp {
  type: 'rename';
  from: string;
  to: string;
  folder: boolean;
}

/** Set the knowledge base's public description. */
export interface MetaOp {
  type: 'meta';
  title: string;
  description: string;
  author: string;
}

/**
 * Announce the writer's device: its swarm key (readers dial it directly) and the writer's signing key
 * (readers verify the author's offers and receipts for paid notes against it).
 */
export interface PeerOp {
  type: 'peer';
  publicKey: Buffer;
  signingKey: Buffer;
}

/** File a sealed grant (a paid note's key for one buyer) where any replica carries it to that buyer. */
export interface GrantOp {
  type: 'grant';
  buyerTag: Buffer;
  noteId: Buffer;
  grant: Buffer;
}

/** Longest sealed grant an op may carry. */
export const MAX_GRANT_BYTES = 4096;

/** Who may do what: owners add and remove writers and write files, authors write files. */
export type WriterRole = 'owner' | 'author';

/** Make a device a writer (owners only). `invite` is the id of the invite it redeemed, which is used up. */
export interface AddWriterOp {
  type: 'add-writer';
  key: Buffer;
  role: WriterRole;
  name: string;
  invite: Buffer | null;
}

/** Stop a writer's future ops (owners only); its past ops stay in the history. */
export interface RemoveWriterOp {
  type: 'remove-writer';
  key: Buffer;
}

/** Every op a writer may append. */
export type Op = PutFileOp | DeleteFileOp | RenameOp | MetaOp | PeerOp | GrantOp | AddWriterOp | RemoveWriterOp;

/** The outcome of decoding one op: usable, malformed (skip and count), or from a newer schema (stop). */
export type DecodedOp =
  | { status: 'ok'; op: Op }
  | { status: 'malformed'; reason: string }
  | { status: 'newer'; version: number };

const OP_TYPE = { put: 1, delete: 2, rename: 3, meta: 4, peer: 5, grant: 6, 'add-writer': 7, 'remove-writer': 8 } as const;
/** Every writer role, in wire-code order. */
export const WRITER_ROLES: readonly WriterRole[] = ['owner', 'author'];
const MAX_WRITER_NAME_BYTES = 256;
/** Wire codes of file kinds. */
export const KIND_CODE: Record<FileKind, number> = { note: 0, attachment: 1, 'paid-note': 2 };
const KINDS: FileKind[] = ['note', 'attachment', 'paid-note'];

class SchemaViolation extends Error {}

function check(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new SchemaViolation(reason);
}

function boundedString(maxBytes: number, what: string): Encoding<string> {
  return {
    preencode: (state, value) => c.string.preencode(state, value),
    encode: (state, value) => c.string.encode(state, value),
    decode: (state) => {
      const value = c.string.decode(state);
      check(Buffer.byteLength(value) <= maxBytes, `${what} is too long`);
      return value;
    },
  };
}

const pathString = boundedString(MAX_PATH_BYTES, 'path');
const writerName = boundedString(MAX_WRITER_NAME_BYTES, 'writer name');

function hashOnly(hash: Buffer | null): FileVersion | null {
  return hash ? { hash, blob: null } : null;
}
const metaString = boundedString(MAX_META_BYTES, 'metadata field');

function validPath(path: string): boolean {
  // Structural checks only: what a mount may write is decided by the mount's path policy.
  return path.length > 0 && !path.includes('\u0000') && !path.includes('\ufffd') && path.isWellFormed();
}

/** Decode a writer role code, rejecting unknown ones. */
export function decodeRole(state: State): WriterRole {
  const code = c.uint.decode(state);
  check(code < WRITER_ROLES.length, `unknown writer role ${code}`);
  return WRITER_ROLES[code];
}

/** Decode a file kind code, rejecting unknown ones. */
export function decodeKind(state: State): FileKind {
  const code = c.uint.decode(state);
  check(code < KINDS.length, `unknown file kind ${code}`);
  return KINDS[code];
}

const opBody = {
  put: {
    preencode(state: State, op: PutFileOp) {
      pathString.preencode(state, op.path);
      c.fixed32.preencode(state, op.hash);
      c.uint.preencode(state, op.size);
      c.uint.preencode(state, op.mtime);
      c.uint.preencode(state, KIND_CODE[op.kind]);
      blobRefEncoding.preencode(state, op.blob);
      optionalVersion.preencode(state, op.base);
    },
    encode(state: State, op: PutFileOp) {
      pathString.encode(state, op.path);
      c.fixed32.encode(state, op.hash);
      c.uint.encode(state, op.size);
      c.uint.encode(state, op.mtime);
      c.uint.encode(state, KIND_CODE[op.kind]);
      blobRefEncoding.encode(state, op.blob);
      optionalVersion.encode(state, op.base);
    },
    decode(state: State, version: number): PutFileOp {
      const op: PutFileOp = {
        type: 'put',
        path: pathString.decode(state),
        hash: c.fixed32.decode(state),
        size: c.uint.decode(state),
        mtime: c.uint.decode(state),
        kind: decodeKind(state),
        blob: blobRefEncoding.decode(state),
        // Version 1 named the base by hash only: such an edit can be ordered but its base not read.
        base: version === 1 ? hashOnly(optionalHash.decode(state)) : optionalVersion.decode(state),
      };
      check(validPath(op.path), 'invalid path');
      check(op.blob.byteLength === op.size, 'blob length does not match file size');
      check(op.size === 0 ? op.blob.blockLength === 0 : op.blob.blockLength > 0, 'blob has no blocks');
      return op;
    },
  },
  delete: {
    preencode(state: State, op: DeleteFileOp) {
      pathString.preencode(state, op.path);
      optionalHash.preencode(state, op.base);
    },
    encode(state: State, op: DeleteFileOp) {
      pathString.encode(state, op.path);
      optionalHash.encode(state, op.base);
    },
    decode(state: State): DeleteFileOp {
      const op: DeleteFileOp = { type: 'delete', path: pathString.decode(state), base: optionalHash.decode(state) };
      check(validPath(op.path), 'invalid path');
      return op;
    },
  },
  rename: {
    preencode(state: State, op: RenameOp) {
      pathString.preencode(state, op.from);
      pathString.preencode(state, op.to);
      c.bool.preencode(state, op.folder);
    },
    encode(state: State, op: RenameOp) {
      pathString.encode(state, op.from);
      pathString.encode(state, op.to);
      c.bool.encode(state, op.folder);
    },
    decode(state: State): RenameOp {
      const op: RenameOp = { type: 'rename', from: pathString.decode(state), to: pathString.decode(state), folder: c.bool.decode(state) };
      check(validPath(op.from) && validPath(op.to), 'invalid path');
      check(op.from !== op.to, 'rename to the same path');
      check(!op.folder || !op.to.startsWith(op.from + '/'), 'folder moved into itself');
      return op;
    },
  },
  meta: {
    preencode(state: State, op: MetaOp) {
      metaString.preencode(state, op.title);
      metaString.preencode(state, op.description);
      metaString.preencode(state, op.author);
    },
    encode(state: State, op: MetaOp) {
      metaString.encode(state, op.title);
      metaString.encode(state, op.description);
      metaString.encode(state, op.author);
    },
    decode(state: State): MetaOp {
      return { type: 'meta', title: metaString.decode(state), description: metaString.decode(state), author: metaString.decode(state) };
    },
  },
  grant: {
    preencode(state: State, op: GrantOp) {
      c.fixed(16).preencode(state, op.buyerTag);
      c.fixed(16).preencode(state, op.noteId);
      c.buffer.preencode(state, op.grant);
    },
    encode(state: State, op: GrantOp) {
      c.fixed(16).encode(state, op.buyerTag);
      c.fixed(16).encode(state, op.noteId);
      c.buffer.encode(state, op.grant);
    },
    decode(state: State): GrantOp {
      const op: GrantOp = { type: 'grant', buyerTag: c.fixed(16).decode(state), noteId: c.fixed(16).decode(state), grant: c.buffer.decode(state) ?? Buffer.alloc(0) };
      check(op.grant.byteLength > 0 && op.grant.byteLength <= MAX_GRANT_BYTES, 'grant size out of bounds');
      return op;
    },
  },
  'add-writer': {
    preencode(state: State, op: AddWriterOp) {
      c.fixed32.preencode(state, op.key);
      c.uint.preencode(state, WRITER_ROLES.indexOf(op.role));
      writerName.preencode(state, op.name);
      optionalHash.preencode(state, op.invite);
    },
    encode(state: State, op: AddWriterOp) {
      c.fixed32.encode(state, op.key);
      c.uint.encode(state, WRITER_ROLES.indexOf(op.role));
      writerName.encode(state, op.name);
      optionalHash.encode(state, op.invite);
    },
    decode(state: State): AddWriterOp {
      const key = c.fixed32.decode(state);
      return { type: 'add-writer', key, role: decodeRole(state), name: writerName.decode(state), invite: optionalHash.decode(state) };
    },
  },
  'remove-writer': {
    preencode: (state: State, op: RemoveWriterOp) => c.fixed32.preencode(state, op.key),
    encode: (state: State, op: RemoveWriterOp) => c.fixed32.encode(state, op.key),
    decode: (state: State): RemoveWriterOp => ({ type: 'remove-writer', key: c.fixed32.decode(state) }),
  },
  peer: {
    preencode(state: State, op: PeerOp) {
      c.fixed32.preencode(state, op.publicKey);
      c.fixed32.preencode(state, op.signingKey);
    },
    encode(state: State, op: PeerOp) {
      c.fixed32.encode(state, op.publicKey);
      c.fixed32.encode(state, op.signingKey);
    },
    decode(state: State): PeerOp {
      return { type: 'peer', publicKey: c.fixed32.decode(state), signingKey: c.fixed32.decode(state) };
    },
  },
};

/** Encode an op for appending to the writer's log. */
export function encodeOp(op: Op): Buffer {
  const state = c.state();
  c.uint.preencode(state, SCHEMA_VERSION);
  c.uint.preencode(state, OP_TYPE[op.type]);
  preencodeBody(state, op);
  state.buffer = Buffer.allocUnsafe(state.end);
  c.uint.encode(state, SCHEMA_VERSION);
  c.uint.encode(state, OP_TYPE[op.type]);
  encodeBody(state, op);
  return state.buffer;
}

function preencodeBody(state: State, op: Op): void {
  switch (op.type) {
    case 'put': return opBody.put.preencode(state, op);
    case 'delete': return opBody.delete.preencode(state, op);
    case 'rename': return opBody.rename.preencode(state, op);
    case 'meta': return opBody.meta.preencode(state, op);
    case 'peer': return opBody.peer.preencode(state, op);
    case 'grant': return opBody.grant.preencode(state, op);
    case 'add-writer': return opBody['add-writer'].preencode(state, op);
    case 'remove-writer': return opBody['remove-writer'].preencode(state, op);
  }
}

function encodeBody(state: State, op: Op): void {
  switch (op.type) {
    case 'put': return opBody.put.encode(state, op);
    case 'delete': return opBody.delete.encode(state, op);
    case 'rename': return opBody.rename.encode(state, op);
    case 'meta': return opBody.meta.encode(state, op);
    case 'peer': return opBody.peer.encode(state, op);
    case 'grant': return opBody.grant.encode(state, op);
    case 'add-writer': return opBody['add-writer'].encode(state, op);
    case 'remove-writer': return opBody['remove-writer'].encode(state, op);
  }
}

/** Decode one op from a writer's log. Total: any input yields a result, never an exception. */
export function decodeOp(bytes: Uint8Array | null): DecodedOp {
  if (bytes === null || bytes.byteLength === 0) return { status: 'malformed', reason: 'empty op' };
  try {
    const state = c.state(0, bytes.byteLength, bytes);
    const version = c.uint.decode(state);
    if (version > SCHEMA_VERSION) return { status: 'newer', version };
    check(version >= 1, 'schema version 0');
    const type = c.uint.decode(state);
    let op: Op;
    switch (type) {
      case OP_TYPE.put: op = opBody.put.decode(state, version); break;
      case OP_TYPE.delete: op = opBody.delete.decode(state); break;
      case OP_TYPE.rename: op = opBody.rename.decode(state); break;
      case OP_TYPE.meta: op = opBody.meta.decode(state); break;
      case OP_TYPE.peer: op = opBody.peer.decode(state); break;
      case OP_TYPE.grant: op = opBody.grant.decode(state); break;
      case OP_TYPE['add-writer']: op = opBody['add-writer'].decode(state); break;
      case OP_TYPE['remove-writer']: op = opBody['remove-writer'].decode(state); break;
      default: return { status: 'malformed', reason: `unknown op type ${type}` };
    }
    check(state.start === state.end, 'trailing bytes');
    return { status: 'ok', op };
  } catch (err) {
    return { status: 'malformed', reason: err instanceof SchemaViolation ? err.message : 'truncated or undecodable' };
  }
}

export { HASH_BYTES, KEY_BYTES };
