// Field encodings shared by ops (schema.ts) and view records (view-records.ts): where a file's bytes are,
// and which version of a file an op or record names.
import c, { type Encoding } from 'compact-encoding';
import { optional } from './strict-encoding';

/** Where a file's bytes live: a range of a writer's blob core (Hyperblobs bounds). */
export interface BlobRef {
  core: Buffer;
  blockOffset: number;
  blockLength: number;
  byteOffset: number;
  byteLength: number;
}

/**
 * A version of a file as an op or record names it: its hash, and where its bytes are — a blob, or null
 * when `apply` produced it by merging concurrent edits and the view itself holds the text.
 */
export interface FileVersion {
  hash: Buffer;
  blob: BlobRef | null;
}

/** Hyperblobs bounds plus the key of the core that holds them. */
export const blobRefEncoding: Encoding<BlobRef> = {
  preencode(state, ref) {
    c.fixed32.preencode(state, ref.core);
    c.uint.preencode(state, ref.blockOffset);
    c.uint.preencode(state, ref.blockLength);
    c.uint.preencode(state, ref.byteOffset);
    c.uint.preencode(state, ref.byteLength);
  },
  encode(state, ref) {
    c.fixed32.encode(state, ref.core);
    c.uint.encode(state, ref.blockOffset);
    c.uint.encode(state, ref.blockLength);
    c.uint.encode(state, ref.byteOffset);
    c.uint.encode(state, ref.byteLength);
  },
  decode(state) {
    return {
      core: c.fixed32.decode(state),
      blockOffset: c.uint.decode(state),
      blockLength: c.uint.decode(state),
      byteOffset: c.uint.decode(state),
      byteLength: c.uint.decode(state),
    };
  },
};

export const optionalBlobRef = optional(blobRefEncoding);
export const optionalHash = optional(c.fixed32);

export const fileVersionEncoding: Encoding<FileVersion> = {
  preencode(state, version) {
    c.fixed32.preencode(state, version.hash);
    optionalBlobRef.preencode(state, version.blob);
  },
  encode(state, version) {
    c.fixed32.encode(state, version.hash);
    optionalBlobRef.encode(state, version.blob);
  },
  decode: (state) => ({ hash: c.fixed32.decode(state), blob: optionalBlobRef.decode(state) }),
};

export const optionalVersion = optional(fileVersionEncoding);
