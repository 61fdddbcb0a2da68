// The knowledge base's reducer: turns the linearized ops of every writer into the Hyperbee view.
//
// Autobase replays this function after reorders on every peer, so it must be total (never throws on any
// input: a throw closes the base everywhere) and deterministic (no clock, randomness or I/O; the view is
// the only state it reads or writes). Malformed ops are skipped and counted in the view itself.
import type { ApplyNode, Host } from 'autobase';
import type Hyperbee from 'hyperbee';
import type { Batch } from 'hyperbee';
import { decodeOp, type Op } from './schema';
import { decodeRecord, encodeRecord, fileRecordEncoding, metaEncoding, statsEncoding, type FileRecord, type ViewStats } from './view-records';
import { FILE_PREFIX, PEERS_PREFIX, STATS_KEY, META_KEY, fileKey, folderRange, grantKey } from './view-keys';

/** The reason given when an op needs a newer Tzimtzum; the knowledge base stops instead of diverging. */
export class UpgradeNeeded {
  constructor(readonly version: number) {}
  get message(): string {
    return `This knowledge base uses format version ${this.version}, newer than this Tzimtzum understands. Update Tzimtzum to keep syncing it.`;
  }
}

/** Apply a batch of linearized nodes to the view. */
export async function applyNodes(nodes: ApplyNode[], view: Hyperbee, host: Host): Promise<void> {
  const batch = view.batch({ update: false });
  const stats = await readStats(batch);
  for (const node of nodes) {
    if (node.value === null) continue; // acks carry no op
    const decoded = decodeOp(node.value);
    if (decoded.status === 'newer') {
      await batch.close();
      host.interrupt(new UpgradeNeeded(decoded.version)); // throws: nothing of this batch is kept
      return;
    }
    if (decoded.status === 'malformed') {
      stats.skipped++;
      stats.lastSkipReason = decoded.reason;
      continue;
    }
    await applyOp(batch, decoded.op, node.from.key);
    stats.applied++;
  }
  await batch.put(STATS_KEY, encodeRecord(statsEncoding, stats));
  await batch.flush();
}

async function applyOp(batch: Batch<Buffer>, op: Op, writer: Buffer): Promise<void> {
  switch (op.type) {
    case 'put': {
      const record: FileRecord = { hash: op.hash, size: op.size, mtime: op.mtime, kind: op.kind, blob: op.blob, writer };
      await batch.put(fileKey(op.path), encodeRecord(fileRecordEncoding, record));
      return;
    }
    case 'delete':
      await batch.del(fileKey(op.path));
      return;
    case 'rename':
      if (op.folder) await renameFolder(batch, op.from, op.to);
      else await renameFile(batch, op.from, op.to);
      return;
    case 'meta':
      await batch.put(META_KEY, encodeRecord(metaEncoding, { title: op.title, description: op.description, author: op.author }));
      return;
    case 'peer':
      await batch.put(PEERS_PREFIX + writer.toString('hex'), Buffer.concat([op.publicKey, op.signingKey]));
      return;
    case 'grant':
      await batch.put(grantKey(op.buyerTag, op.noteId), op.grant);
      return;
  }
}

async function renameFile(batch: Batch<Buffer>, from: string, to: string): Promise<void> {
  const entry = await batch.get(fileKey(from));
  if (!entry) return; // already gone: a concurrent delete or rename won
  await batch.put(fileKey(to), entry.value);
  await batch.del(fileKey(from));
}

async function renameFolder(batch: Batch<Buffer>, from: string, to: string): Promise<void> {
  const moves: { key: string; value: Buffer }[] = [];
  for await (const entry of batch.createReadStream(folderRange(from))) moves.push(entry);
  const fromKeyPrefix = fileKey(from + '/');
  for (const { key, value } of moves) {
    await batch.put(fileKey(to + '/') + key.slice(fromKeyPrefix.length), value);
    await batch.del(key);
  }
}

async function readStats(batch: Batch<Buffer>): Promise<ViewStats> {
  const entry = await batch.get(STATS_KEY);
  const stats = entry ? decodeRecord(statsEncoding, entry.value) : null;
  return stats ?? { applied: 0, skipped: 0, lastSkipReason: '' };
}

export { FILE_PREFIX };
