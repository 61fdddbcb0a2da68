// The knowledge base's reducer: turns the linearized ops of every writer into the Hyperbee view.
//
// Autobase replays this function after reorders on every peer, so it must be total (never throws on any
// input: a throw closes the base everywhere) and deterministic (no clock or randomness; the view is the
// only state it reads or writes, besides blob bytes named by hash-checked ops when it merges edits).
// Malformed ops, and ops from devices that are not (or no longer) writers, are skipped and counted.
import b4a from 'b4a';
import type { ApplyNode, Host } from 'autobase';
import type Hyperbee from 'hyperbee';
import type { Batch } from 'hyperbee';
import z32 from 'z32';
import { applyDelete, applyPut, applyRename, type FileOpsContext } from './apply-files';
import { decodeOp, type AddWriterOp, type BlobRef, type Op, type RemoveWriterOp, type WriterRole } from './schema';
import { decodeRecord, encodeRecord, metaEncoding, skippedOpsEncoding, writerRecordEncoding, type SkippedOps, type WriterRecord } from './view-records';
import { FILE_PREFIX, PEERS_PREFIX, SKIPPED_KEY, META_KEY, grantKey, inviteKey, writerKey } from './view-keys';

/** The reason given when an op needs a newer Tzimtzum; the knowledge base stops instead of diverging. */
export class UpgradeNeeded {
  constructor(readonly version: number) {}
  get message(): string {
    return `This knowledge base uses format version ${this.version}, newer than this Tzimtzum understands. Update Tzimtzum to keep syncing it.`;
  }
}

/** What `apply` needs besides the view: who created the base, and blob bytes for merges. */
export interface ApplyContext {
  /** The creator's writer key (the knowledge base's key): always an owner, never removed. */
  creator(): Buffer;
  /**
   * A blob's bytes, waiting for a peer as long as needed. It rejects only when the knowledge base closes;
   * `apply` then rejects too and Autobase abandons the cycle, keeping nothing of it. It never answers
   * "unavailable", which would make this peer merge differently from the others.
   */
  readBlob(ref: BlobRef): Promise<Buffer>;
}

/** The signature of `applyNodes`; tests substitute other reducers through `KnowledgeBaseOptions.apply`. */
export type ApplyFunction = (nodes: ApplyNode[], view: Hyperbee, host: Host, ctx: ApplyContext) => Promise<void>;

/** Apply a batch of linearized nodes to the view. */
export async function applyNodes(nodes: ApplyNode[], view: Hyperbee, host: Host, ctx: ApplyContext): Promise<void> {
  const batch = view.batch({ update: false });
  const skipped = new SkipCount(batch);
  const files: FileOpsContext = { batch, readBlob: (ref) => ctx.readBlob(ref), writerLabel: (key) => writerLabel(batch, key) };
  for (const node of nodes) {
    if (node.value === null) continue; // acks carry no op
    const decoded = decodeOp(node.value);
    if (decoded.status === 'newer') {
      await batch.close();
      host.interrupt(new UpgradeNeeded(decoded.version)); // throws: nothing of this batch is kept
      return;
    }
    if (decoded.status === 'malformed') {
      await skipped.add(decoded.reason);
      continue;
    }
    // A core's key is whatever array its first opener passed (a share link decodes to a Uint8Array), and
    // Autobase hands it over as is: viewed as a Buffer, since a throw in a comparison would close the base.
    const writer = b4a.toBuffer(node.from.key);
    const role = await roleOf(batch, writer, ctx.creator());
    if (!role) {
      await skipped.add('not a writer');
      continue;
    }
    const op = decoded.op;
    if ((op.type === 'add-writer' || op.type === 'remove-writer') && role !== 'owner') {
      await skipped.add('only owners change writers');
      continue;
    }
    await applyOp(files, host, ctx, op, writer);
  }
  await skipped.write();
  await batch.flush();
}

async function applyOp(files: FileOpsContext, host: Host, ctx: ApplyContext, op: Op, writer: Buffer): Promise<void> {
  const batch = files.batch;
  switch (op.type) {
    case 'put':
      return applyPut(files, op, writer);
    case 'delete':
      return applyDelete(files, op.path, op.base);
    case 'rename':
      return applyRename(files, op, writer);
    case 'meta':
      await batch.put(META_KEY, encodeRecord(metaEncoding, { title: op.title, description: op.description, author: op.author }));
      return;
    case 'peer':
      await batch.put(PEERS_PREFIX + writer.toString('hex'), Buffer.concat([op.publicKey, op.signingKey]));
      return;
    case 'grant':
      await batch.put(grantKey(op.buyerTag, op.noteId), op.grant);
      return;
    case 'add-writer':
      return addWriter(batch, host, ctx, op);
    case 'remove-writer':
      return removeWriter(batch, host, ctx, op);
  }
}

async function addWriter(batch: Batch<Buffer>, host: Host, ctx: ApplyContext, op: AddWriterOp): Promise<void> {
  if (op.key.equals(ctx.creator())) return;
  if (op.invite) {
    if (await batch.get(inviteKey(op.invite))) return; // an invite admits one device, once
    await batch.put(inviteKey(op.invite), op.key);
  }
  const existing = await readWriter(batch, op.key);
  // Added writers are not indexers: the creator's device signs the view alone, so adding or removing a
  // co-author never changes the view's key or needs a quorum of devices online (docs/adr/009).
  if (!existing?.active) await host.addWriter(op.key, { indexer: false });
  const record: WriterRecord = { role: op.role, name: op.name, active: true };
  await batch.put(writerKey(op.key), encodeRecord(writerRecordEncoding, record));
}

async function removeWriter(batch: Batch<Buffer>, host: Host, ctx: ApplyContext, op: RemoveWriterOp): Promise<void> {
  if (op.key.equals(ctx.creator())) return;
  const existing = await readWriter(batch, op.key);
  if (!existing?.active) return;
  if (host.removeable(op.key)) await host.removeWriter(op.key);
  await batch.put(writerKey(op.key), encodeRecord(writerRecordEncoding, { ...existing, active: false }));
}

async function roleOf(batch: Batch<Buffer>, writer: Buffer, creator: Buffer): Promise<WriterRole | null> {
  if (writer.equals(creator)) return 'owner';
  const record = await readWriter(batch, writer);
  return record?.active ? record.role : null;
}

async function readWriter(batch: Batch<Buffer>, key: Buffer): Promise<WriterRecord | null> {
  const entry = await batch.get(writerKey(key));
  return entry ? decodeRecord(writerRecordEncoding, entry.value) : null;
}

/** A writer's name as conflict copies show it: its chosen name made path-safe, else a short key. */
async function writerLabel(batch: Batch<Buffer>, key: Buffer): Promise<string> {
  const name = (await readWriter(batch, key))?.name.normalize('NFC').replace(/[^\p{L}\p{N} _-]+/gu, '').trim().slice(0, 24);
  return name || z32.encode(key).slice(0, 8);
}

/** The cycle's skipped ops, added to the view's count; read and written only in a cycle that skips one. */
class SkipCount {
  private counts: SkippedOps | null = null;

  constructor(private readonly batch: Batch<Buffer>) {}

  async add(reason: string): Promise<void> {
    this.counts ??= await readSkipped(this.batch);
    this.counts.skipped++;
    this.counts.lastSkipReason = reason;
  }

  async write(): Promise<void> {
    if (this.counts) await this.batch.put(SKIPPED_KEY, encodeRecord(skippedOpsEncoding, this.counts));
  }
}

/** The view's count of skipped ops so far. */
export async function readSkipped(view: Pick<Hyperbee, 'get'> | Batch<Buffer>, opts: { wait?: boolean } = {}): Promise<SkippedOps> {
  const entry = await view.get(SKIPPED_KEY, opts);
  return (entry && decodeRecord(skippedOpsEncoding, entry.value)) ?? { skipped: 0, lastSkipReason: '' };
}

export { FILE_PREFIX };
