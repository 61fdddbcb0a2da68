// The writers' devices as the view publishes them (`kb/peers/<writer>`): swarm keys to dial directly
// (pinned against eclipse) and signing keys that paid-note offers and receipts are verified with.
import type Hyperbee from 'hyperbee';
import { PEERS_PREFIX } from './view-keys';

/**
 * How long after a view update the devices are re-read. Updates come in bursts (a live edit is one each),
 * and on a sparse replica the read walks the B-tree from its root, downloading each node's keys and
 * children: done at once, a fresh reader's first read waited behind it and paid for its blocks too
 * (measured on a 10,000-note knowledge base: 53 KiB on the wire for the first note with it, 30 KiB without).
 */
export const DEVICES_REFRESH_DELAY_MS = 1000;
/** A sparse replica fetches the (tiny) range from peers, bounded. */
const READ_TIMEOUT_MS = 5000;

export class WriterDevices {
  swarmKeys: Buffer[] = [];
  signingKeys: Buffer[] = [];
  /** Set by a view update, cleared when a read starts. */
  private stale = false;
  private reading: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `onChange` runs when a read finds a different set of devices. */
  constructor(private readonly view: () => Hyperbee, private readonly onChange: () => void = () => undefined) {}

  /** The view changed: re-read the devices a little later (once for a burst of updates). */
  scheduleRefresh(): void {
    this.stale = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, DEVICES_REFRESH_DELAY_MS);
    this.timer.unref?.();
  }

  /** The devices as of the current view (re-read first if the view changed since the last read). */
  async current(): Promise<{ swarmKeys: Buffer[]; signingKeys: Buffer[] }> {
    if (this.stale) await this.refresh();
    else if (this.reading) await this.reading;
    return { swarmKeys: this.swarmKeys, signingKeys: this.signingKeys };
  }

  /** Re-read the published devices now (joins a read already running). */
  refresh(): Promise<void> {
    if (!this.reading) {
      this.stale = false;
      this.reading = this.read({ timeout: READ_TIMEOUT_MS }).finally(() => {
        this.reading = null;
      });
    }
    return this.reading;
  }

  /**
   * Read what this device already holds, without waiting for a peer (opening offline must not stall on a
   * sparse replica); if blocks are missing, re-read from peers a little later.
   */
  async refreshLocal(): Promise<void> {
    if (this.reading) return;
    this.stale = false;
    await this.read({ wait: false });
    if (this.stale) this.scheduleRefresh();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async read(opts: { timeout?: number; wait?: boolean }): Promise<void> {
    const swarmKeys: Buffer[] = [];
    const signingKeys: Buffer[] = [];
    try {
      for await (const entry of this.view().createReadStream({ gte: PEERS_PREFIX, lt: PEERS_PREFIX + '\u{10FFFF}' }, opts)) {
        if (entry.value.byteLength !== 64) continue;
        swarmKeys.push(entry.value.subarray(0, 32));
        signingKeys.push(entry.value.subarray(32));
      }
    } catch {
      // Not reachable yet: the next update (or the next caller of `current`) tries again.
      this.stale = true;
      return;
    }
    const changed = !sameKeys(swarmKeys, this.swarmKeys) || !sameKeys(signingKeys, this.signingKeys);
    this.swarmKeys = swarmKeys;
    this.signingKeys = signingKeys;
    if (changed) this.onChange();
  }
}

function sameKeys(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((key, i) => key.equals(b[i]));
}
