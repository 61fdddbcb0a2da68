// The note keys this device has unlocked, kept in the data folder (mode 0600, never in a vault). It is a
// cache: every key can be restored from the grants filed in the knowledge base, with the mnemonic alone.
import { promises as fs } from 'node:fs';
import path from 'node:path';

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

  constructor(readonly file: string) {}

  async load(): Promise<void> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => null);
    if (!text) return;
    try {
      const parsed = JSON.parse(text) as { version: number; purchases: Purchase[] };
      if (parsed.version === 1 && Array.isArray(parsed.purchases)) {
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

  private async save(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify({ version: 1, purchases: [...this.purchases.values()] }), { mode: 0o600 });
    await fs.rename(temp, this.file);
  }
}

function id(kbId: string, noteIdHex: string): string {
  return `${kbId}/${noteIdHex}`;
}
