// The note keys this device has unlocked, kept in the data folder (mode 0600, never in a vault). It is a
// cache: every key can be restored from the grants filed in the knowledge base, with the mnemonic alone.
import { JsonFile } from '../engine/json-file';

/** One unlocked note. */
export interface Purchase {
  kbId: string;
  noteId: string;
  key: string;
  keyId: string;
  /** The author-signed receipt, hex. */
  receipt: string;
  amountSats: number;
  unlockedAt: number;
}

/** Unlocked note keys by knowledge base and note. */
export class PurchaseBook {
  private purchases = new Map<string, Purchase>();
  private readonly json: JsonFile;

  constructor(readonly file: string) {
    this.json = new JsonFile(file);
  }

  async load(): Promise<void> {
    try {
      const parsed = (await this.json.read()) as { version: number; purchases: Purchase[] } | null;
      if (parsed?.version === 1 && Array.isArray(parsed.purchases)) {
        for (const purchase of parsed.purchases) this.purchases.set(id(purchase.kbId, purchase.noteId), purchase);
      }
    } catch {
      // A damaged cache is rebuilt by restoring purchases from the knowledge bases' grants.
    }
  }

  keyFor(kbId: string, noteId: Buffer): Buffer | null {
    const purchase = this.purchases.get(id(kbId, noteId.toString('hex')));
    return purchase ? Buffer.from(purchase.key, 'hex') : null;
  }

  has(kbId: string, noteId: Buffer): boolean {
    return this.purchases.has(id(kbId, noteId.toString('hex')));
  }

  list(kbId?: string): Purchase[] {
    return [...this.purchases.values()].filter((purchase) => !kbId || purchase.kbId === kbId);
  }

  async add(purchase: Purchase): Promise<void> {
    this.purchases.set(id(purchase.kbId, purchase.noteId), purchase);
    await this.save();
  }

  private save(): Promise<void> {
    return this.json.write({ version: 1, purchases: [...this.purchases.values()] });
  }
}

function id(kbId: string, noteIdHex: string): string {
  return `${kbId}/${noteIdHex}`;
}
