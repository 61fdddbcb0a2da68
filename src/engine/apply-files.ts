// How file ops change the view when writers edit concurrently. Every put and delete names the version it
// was based on; when that is not the version in the view, another writer got there first:
// - two edits of a note are merged line by line on their common base (text-merge.ts);
// - where hunks overlap, or for attachments and paid notes, the version already in the view stays and the
//   incoming one is kept beside it as `name (conflict <writer> <date>).ext`;
// - a delete of a version that has since been edited is skipped, and an edit of a deleted file recreates
//   it (the edit wins);
// - a rename moves whatever version is current and leaves a forwarding record, so an edit of the old path
//   lands at the new one (both effects kept).
// Nothing here reads a clock or the network beyond blobs named by hash-checked ops, so every peer computes
// the same view.
import type { Batch } from 'hyperbee';
import { contentHash } from './content-hash';
import type { BlobRef, FileVersion, PutFileOp, RenameOp } from './schema';
import { mergeText, MAX_MERGE_BYTES } from './text-merge';
import { decodeRecord, encodeRecord, fileRecordEncoding, type FileRecord } from './view-records';
import { fileKey, folderRange, mergedKey, movedKey } from './view-keys';

/** What file ops need besides the view. */
export interface FileOpsContext {
  batch: Batch<Buffer>;
  /** A blob's bytes (checked here against their hash); see `ApplyContext.readBlob`. */
  readBlob(ref: BlobRef): Promise<Buffer>;
  /** A short, path-safe name of a writer for conflict copies. */
  writerLabel(writer: Buffer): Promise<string>;
}

const MAX_MOVE_HOPS = 16;
const MAX_COPY_SUFFIX = 100;

export async function applyPut(cx: FileOpsContext, op: PutFileOp, writer: Buffer): Promise<void> {
  const incoming: FileRecord = { hash: op.hash, size: op.size, mtime: op.mtime, kind: op.kind, blob: op.blob, writer };
  let path = op.path;
  let current = await getFile(cx.batch, path);
  if (!current && op.base) {
    // Edited a file that is gone: follow a concurrent rename, else recreate it (an edit beats a delete).
    const moved = await followMoves(cx.batch, path);
    if (moved) ({ path, record: current } = moved);
  }
  if (!current || (op.base && op.base.hash.equals(current.hash))) return putFile(cx.batch, path, incoming);
  if (current.hash.equals(op.hash)) return; // the same bytes are already there
  const merged = await merge(cx, op.base, current, incoming);
  if (merged) return putFile(cx.batch, path, merged);
  await putFile(cx.batch, await conflictPath(cx, path, writer, op.mtime), incoming);
}

export async function applyDelete(cx: FileOpsContext, path: string, base: Buffer | null): Promise<void> {
  const current = await getFile(cx.batch, path);
  if (!current) return;
  if (base && !base.equals(current.hash)) return; // edited since the writer saw it: keep the edit
  await cx.batch.del(fileKey(path));
}

export async function applyRename(cx: FileOpsContext, op: RenameOp, writer: Buffer): Promise<void> {
  if (!op.folder) return moveFile(cx, op.from, op.to, writer);
  const moves: string[] = [];
  const prefix = fileKey(op.from + '/');
  for await (const entry of cx.batch.createReadStream(folderRange(op.from))) moves.push(entry.key.slice(prefix.length));
  for (const rest of moves) await moveFile(cx, `${op.from}/${rest}`, `${op.to}/${rest}`, writer);
}

async function moveFile(cx: FileOpsContext, from: string, to: string, writer: Buffer): Promise<void> {
  const record = await getFile(cx.batch, from);
  if (!record) return; // already gone: a concurrent delete or rename got there first
  const target = await getFile(cx.batch, to);
  let destination = to;
  if (target && !target.hash.equals(record.hash)) destination = await conflictPath(cx, to, writer, record.mtime);
  if (!target || destination !== to) await putFile(cx.batch, destination, record);
  await cx.batch.del(fileKey(from));
  await cx.batch.put(movedKey(from), Buffer.from(destination));
}

async function followMoves(batch: Batch<Buffer>, path: string): Promise<{ path: string; record: FileRecord } | null> {
  let at = path;
  for (let hop = 0; hop < MAX_MOVE_HOPS; hop++) {
    const moved = await batch.get(movedKey(at));
    if (!moved) return null;
    at = moved.value.toString();
    const record = await getFile(batch, at);
    if (record) return { path: at, record };
  }
  return null;
}

/** The three-way merge of two concurrent note edits, or null when it must become a conflict copy. */
async function merge(cx: FileOpsContext, base: FileVersion | null, current: FileRecord, incoming: FileRecord): Promise<FileRecord | null> {
  if (current.kind !== 'note' || incoming.kind !== 'note') return null;
  if (current.size > MAX_MERGE_BYTES || incoming.size > MAX_MERGE_BYTES) return null;
  const baseBytes = base ? await readVersion(cx, base) : Buffer.alloc(0);
  const ours = baseBytes && (await readVersion(cx, current));
  const theirs = ours && (await readVersion(cx, incoming));
  if (!baseBytes || !ours || !theirs) return null;
  const text = mergeText(baseBytes, ours, theirs);
  if (!text) return null;
  const hash = contentHash(text);
  if (hash.equals(current.hash)) return current;
  if (hash.equals(incoming.hash)) return incoming;
  await cx.batch.put(mergedKey(hash), text);
  return { hash, size: text.byteLength, mtime: Math.max(current.mtime, incoming.mtime), kind: 'note', blob: null, writer: incoming.writer };
}

/** A version's bytes, checked against its hash; null if unavailable or inconsistent (then no merge). */
async function readVersion(cx: FileOpsContext, version: FileVersion): Promise<Buffer | null> {
  let bytes: Buffer | null;
  if (version.blob) {
    if (version.blob.byteLength > MAX_MERGE_BYTES) return null;
    bytes = await cx.readBlob(version.blob);
  } else {
    bytes = (await cx.batch.get(mergedKey(version.hash)))?.value ?? null;
  }
  return bytes && contentHash(bytes).equals(version.hash) ? bytes : null;
}

/** `dir/name (conflict <writer> <date>).ext`, numbered if taken; deterministic for the same view. */
async function conflictPath(cx: FileOpsContext, path: string, writer: Buffer, mtime: number): Promise<string> {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const split = dot > slash + 1 ? dot : path.length;
  const stem = path.slice(0, split);
  const ext = path.slice(split);
  const label = `conflict ${await cx.writerLabel(writer)} ${dateOf(mtime)}`;
  for (let n = 1; n <= MAX_COPY_SUFFIX; n++) {
    const candidate = `${stem} (${label}${n === 1 ? '' : ` ${n}`})${ext}`;
    if (!(await getFile(cx.batch, candidate))) return candidate;
  }
  return `${stem} (${label} ${contentHash(Buffer.from(path + mtime)).toString('hex').slice(0, 8)})${ext}`;
}

function dateOf(mtime: number): string {
  const date = new Date(mtime); // the op's own timestamp, not a clock: the same on every peer
  return Number.isNaN(date.getTime()) ? 'undated' : date.toISOString().slice(0, 10);
}

async function getFile(batch: Batch<Buffer>, path: string): Promise<FileRecord | null> {
  const entry = await batch.get(fileKey(path));
  return entry ? decodeRecord(fileRecordEncoding, entry.value) : null;
}

async function putFile(batch: Batch<Buffer>, path: string, record: FileRecord): Promise<void> {
  await batch.put(fileKey(path), encodeRecord(fileRecordEncoding, record));
}

