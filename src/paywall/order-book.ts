// Persistent state machines of purchases (buyer side) and orders (author side): one JSON file each in the
// data folder, written atomically after every transition, so a restart resumes exactly where it stopped.
import { JsonFile } from '../engine/json-file';

/** An author's order: invoiced → paid → granted, or expired / failed. */
export interface AuthorOrder {
  requestId: string;
  kbId: string;
  noteId: string;
  buyer: string;
  invoiceId: string;
  bolt11: string;
  paymentHash: string;
  amountSats: number;
  expiresAt: number;
  state: 'invoiced' | 'paid' | 'granted' | 'expired' | 'failed';
  grant?: string;
  createdAt: number;
  failure?: string;
}

/** A buyer's purchase: requested → offered → paying → paid → unlocked, or expired / failed. */
export interface BuyerPurchase {
  requestId: string;
  kbId: string;
  noteId: string;
  state: 'requested' | 'offered' | 'paying' | 'paid' | 'unlocked' | 'expired' | 'failed';
  /** The author's signed offer, encoded (hex). */
  offer?: string;
  bolt11?: string;
  amountSats?: number;
  paymentId?: string;
  preimage?: string;
  failure?: string;
  updatedAt: number;
}

/** A small persistent map of records by request id. */
export class OrderBook<T extends { requestId: string }> {
  private records = new Map<string, T>();
  private readonly json: JsonFile;

  constructor(readonly file: string) {
    this.json = new JsonFile(file);
  }

  async load(): Promise<void> {
    const parsed = (await this.json.read()) as { version: number; records: T[] } | null;
    if (parsed === null) return;
    if (parsed.version !== 1) throw new Error(`${this.file} was written by a newer Tzimtzum. Update Tzimtzum.`);
    for (const record of parsed.records) this.records.set(record.requestId, record);
  }

  get(requestId: string): T | undefined {
    return this.records.get(requestId);
  }

  all(): T[] {
    return [...this.records.values()];
  }

  find(match: (record: T) => boolean): T | undefined {
    for (const record of this.records.values()) if (match(record)) return record;
    return undefined;
  }

  /** Record a transition; resolves once it is on disk. */
  put(record: T): Promise<void> {
    this.records.set(record.requestId, { ...record });
    return this.json.write({ version: 1, records: [...this.records.values()] });
  }
}
