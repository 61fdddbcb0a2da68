// The peer's list of knowledge bases it shares and follows, kept in its data folder (never in a vault).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { MountMode } from '../mount/mount';

/** A folder this device publishes. */
export interface ShareRecord {
  id: string;
  namespace: string;
  folder: string;
  title: string;
  ignore: string[];
}

/** A knowledge base this device follows; `folder` is null for seeding without a mount. */
export interface SubscriptionRecord {
  id: string;
  namespace: string;
  folder: string | null;
  name: string;
  mode: MountMode;
  paused: boolean;
}

interface RegistryData {
  version: 1;
  nextShare: number;
  shares: ShareRecord[];
  subscriptions: SubscriptionRecord[];
}

/** Loads, edits and atomically saves the registry file. */
export class Registry {
  private data: RegistryData = { version: 1, nextShare: 1, shares: [], subscriptions: [] };

  constructor(readonly file: string) {}

  async load(): Promise<void> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => null);
    if (text === null) return;
    const parsed = JSON.parse(text) as RegistryData;
    if (parsed.version !== 1) throw new Error(`${this.file} was written by a newer Tzimtzum. Update Tzimtzum to open it.`);
    this.data = parsed;
  }

  get shares(): readonly ShareRecord[] {
    return this.data.shares;
  }

  get subscriptions(): readonly SubscriptionRecord[] {
    return this.data.subscriptions;
  }

  /** A namespace for a new local knowledge base; sequential, so keys can be re-derived from the mnemonic. */
  allocateShareNamespace(): string {
    return `share/${this.data.nextShare++}`;
  }

  async upsertShare(record: ShareRecord): Promise<void> {
    this.data.shares = [...this.data.shares.filter((share) => share.id !== record.id), record];
    await this.save();
  }

  async upsertSubscription(record: SubscriptionRecord): Promise<void> {
    this.data.subscriptions = [...this.data.subscriptions.filter((sub) => sub.id !== record.id), record];
    await this.save();
  }

  async remove(id: string): Promise<void> {
    this.data.shares = this.data.shares.filter((share) => share.id !== id);
    this.data.subscriptions = this.data.subscriptions.filter((sub) => sub.id !== id);
    await this.save();
  }

  async save(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    await fs.rename(temp, this.file);
  }
}
