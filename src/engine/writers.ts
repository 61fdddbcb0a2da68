// Reading the writers table `apply` keeps in the view (`kb/writers/<key>`): who may write, and who may
// change the writers. The creator is not in the table: its key is the knowledge base's key.
import type Hyperbee from 'hyperbee';
import type { WriterRole } from './schema';
import { decodeRecord, writerRecordEncoding } from './view-records';
import { WRITERS_PREFIX, writerKey } from './view-keys';

/** One writer as the sidebar and CLI list it. */
export interface WriterInfo {
  key: Buffer;
  role: WriterRole;
  name: string;
  active: boolean;
  /** The device that created the knowledge base. */
  creator: boolean;
}

export async function readWriters(view: Hyperbee, creator: Buffer): Promise<WriterInfo[]> {
  const writers: WriterInfo[] = [{ key: creator, role: 'owner', name: '', active: true, creator: true }];
  for await (const entry of view.createReadStream({ gte: WRITERS_PREFIX, lt: WRITERS_PREFIX + '~' }, { timeout: 5000 })) {
    const record = decodeRecord(writerRecordEncoding, entry.value);
    const key = Buffer.from(entry.key.slice(WRITERS_PREFIX.length), 'hex');
    if (record && key.byteLength === 32) writers.push({ key, ...record, creator: false });
  }
  return writers;
}

export async function writerRoleIn(view: Hyperbee, creator: Buffer, key: Buffer): Promise<WriterRole | null> {
  if (key.equals(creator)) return 'owner';
  const entry = await view.get(writerKey(key), { wait: false }).catch(() => null);
  const record = entry && decodeRecord(writerRecordEncoding, entry.value);
  return record?.active ? record.role : null;
}

export type { WriterRole };
