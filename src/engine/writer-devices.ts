// The writers' devices as the view publishes them (`kb/peers/<writer>`): swarm keys to dial directly
// (pinned against eclipse) and signing keys that paid-note offers and receipts are verified with.
import type Hyperbee from 'hyperbee';
import { PEERS_PREFIX } from './view-keys';

export class WriterDevices {
  swarmKeys: Buffer[] = [];
  signingKeys: Buffer[] = [];
  private refreshing = false;

  constructor(private readonly view: () => Hyperbee) {}

  /** Re-read the published devices; a reader's view is sparse, so the (tiny) range is fetched, bounded. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    const swarmKeys: Buffer[] = [];
    const signingKeys: Buffer[] = [];
    try {
      for await (const entry of this.view().createReadStream({ gte: PEERS_PREFIX, lt: PEERS_PREFIX + '\u{10FFFF}' }, { timeout: 5000 })) {
        if (entry.value.byteLength !== 64) continue;
        swarmKeys.push(entry.value.subarray(0, 32));
        signingKeys.push(entry.value.subarray(32));
      }
      this.swarmKeys = swarmKeys;
      this.signingKeys = signingKeys;
    } catch {
      // Not reachable yet; the next update tries again.
    } finally {
      this.refreshing = false;
    }
  }
}
