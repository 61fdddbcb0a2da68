// The peer's list of knowledge bases it shares and follows, kept in its data folder (never in a vault).
import { JsonFile } from '../engine/json-file';
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
  /** The signed view's key from the link (z-base-32), for a fast first sync; a hint, checked when used. */
  view?: string;
  /** The file tree's key from the link (z-base-32), for a fresh reader's first lookups; a hint, checked when used. */
  tree?: string;
}

/** A knowledge base this device wrote before it was lost, restored from peers, waiting for its folder. */
export interface RecoveredRecord {
  id: string;
  namespace: string;
  title: string;
}

interface RegistryData {
  version: 1;
  nextShare: number;
  shares: ShareRecord[];
  subscriptions: SubscriptionRecord[];
  recovered?: RecoveredRecord[];
}

/** Loads, edits and atomically saves the registry file. */
export class Registry {
  private data: RegistryData = { version: 1, nextShare: 1, shares: [], subscriptions: [] };
  private readonly json: JsonFile;

  constructor(readonly file: string) {
    this.json = new JsonFile(file);
  }

  async load(): Promise<void> {
    const parsed = (await this.json.read()) as RegistryData | null;
    if (parsed === null) return;
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

  /** Knowledge bases restored by `recover`, not yet attached to a folder. */
  get recovered(): readonly RecoveredRecord[] {
    return this.data.recovered ?? [];
  }

  /** Record what a recovery found; new shares get namespaces after the last one found. */
  async setRecovered(records: RecoveredRecord[], nextShare: number): Promise<void> {
    this.data.recovered = records;
    this.data.nextShare = Math.max(this.data.nextShare, nextShare);
    await this.save();
  }

  /** Take a recovered knowledge base off the waiting list (it is attached to a folder now). */
  async takeRecovered(id: string): Promise<RecoveredRecord | null> {
    const record = this.recovered.find((item) => item.id === id) ?? null;
    if (record) {
      this.data.recovered = this.recovered.filter((item) => item.id !== id);
      await this.save();
    }
    return record;
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

  save(): Promise<void> {
    return this.json.write(this.data);
  }
}
