// The view's records: what `apply` writes and readers read. The view is rebuilt by `apply`, so these
// formats need no version of their own; they are decoded strictly all the same, since a reader may get
// the view from a replica rather than compute it.
import c, { type Encoding } from 'compact-encoding';
import { decodeKind, decodeRole, KIND_CODE, WRITER_ROLES, type BlobRef, type FileKind, type WriterRole } from './schema';
import { optionalBlobRef } from './schema-fields';
import { decodeStrict } from './strict-encoding';

/** What the view stores for one file: its identity, size, kind, and where its bytes are. */
export interface FileRecord {
  hash: Buffer;
  size: number;
  mtime: number;
  kind: FileKind;
  /** Where the bytes are; null when `apply` merged concurrent edits and the view holds the text (`merged/<hash>`). */
  blob: BlobRef | null;
  /** The writer whose op produced this version. */
  writer: Buffer;
}

/** Encoding of view file records (the view is rebuilt by `apply`, so it needs no version of its own). */
export const fileRecordEncoding: Encoding<FileRecord> = {
  preencode(state, record) {
    c.fixed32.preencode(state, record.hash);
    c.uint.preencode(state, record.size);
    c.uint.preencode(state, record.mtime);
    c.uint.preencode(state, KIND_CODE[record.kind]);
    optionalBlobRef.preencode(state, record.blob);
    c.fixed32.preencode(state, record.writer);
  },
  encode(state, record) {
    c.fixed32.encode(state, record.hash);
    c.uint.encode(state, record.size);
    c.uint.encode(state, record.mtime);
    c.uint.encode(state, KIND_CODE[record.kind]);
    optionalBlobRef.encode(state, record.blob);
    c.fixed32.encode(state, record.writer);
  },
  decode(state) {
    return {
      hash: c.fixed32.decode(state),
      size: c.uint.decode(state),
      mtime: c.uint.decode(state),
      kind: decodeKind(state),
      blob: optionalBlobRef.decode(state),
      writer: c.fixed32.decode(state),
    };
  },
};

/** The knowledge base's public description as the view holds it. */
export interface KnowledgeBaseMeta {
  title: string;
  description: string;
  author: string;
}

export const metaEncoding: Encoding<KnowledgeBaseMeta> = {
  preencode(state, meta) {
    c.string.preencode(state, meta.title);
    c.string.preencode(state, meta.description);
    c.string.preencode(state, meta.author);
  },
  encode(state, meta) {
    c.string.encode(state, meta.title);
    c.string.encode(state, meta.description);
    c.string.encode(state, meta.author);
  },
  decode(state) {
    return { title: c.string.decode(state), description: c.string.decode(state), author: c.string.decode(state) };
  },
};

/** A writer as the view records it. Removed writers stay listed (inactive) so their history keeps a name. */
export interface WriterRecord {
  role: WriterRole;
  name: string;
  active: boolean;
}


export const writerRecordEncoding: Encoding<WriterRecord> = {
  preencode(state, record) {
    c.uint.preencode(state, WRITER_ROLES.indexOf(record.role));
    c.string.preencode(state, record.name);
    c.bool.preencode(state, record.active);
  },
  encode(state, record) {
    c.uint.encode(state, WRITER_ROLES.indexOf(record.role));
    c.string.encode(state, record.name);
    c.bool.encode(state, record.active);
  },
  decode(state) {
    return { role: decodeRole(state), name: c.string.decode(state), active: c.bool.decode(state) };
  },
};

/**
 * The ops `apply` skipped (malformed, or from a device that may not make them), deterministic like everything
 * else in the view. Written only in a cycle that skips one: a record rewritten every cycle would add a
 * block to the view with every edit, doubling what a full replica downloads for a knowledge base's history.
 */
export interface SkippedOps {
  skipped: number;
  lastSkipReason: string;
}

export const skippedOpsEncoding: Encoding<SkippedOps> = {
  preencode(state, stats) {
    c.uint.preencode(state, stats.skipped);
    c.string.preencode(state, stats.lastSkipReason);
  },
  encode(state, stats) {
    c.uint.encode(state, stats.skipped);
    c.string.encode(state, stats.lastSkipReason);
  },
  decode(state) {
    return { skipped: c.uint.decode(state), lastSkipReason: c.string.decode(state) };
  },
};

/** Decode a view record strictly; view records come from replicas, so they are untrusted too. */
export function decodeRecord<T>(encoding: Encoding<T>, bytes: Uint8Array): T | null {
  return decodeStrict(encoding, bytes);
}

/** Encode a view record. */
export function encodeRecord<T>(encoding: Encoding<T>, value: T): Buffer {
  return c.encode(encoding, value);
}
