// A mesh of in-process links between Corestores (see replication.ts): real replication without sockets
// or a DHT, with links cut and rejoined at will, and a store's links remembered across its restart.
import type Corestore from 'corestore';
import { linkStores } from './replication';

/** Links between the stores `stores()` returns (by index; a store may be replaced after a restart). */
export class StoreLinks {
  /** Links that should be up; a restart drops a store's links for a moment and brings these back. */
  readonly wanted = new Set<string>();
  private readonly live = new Map<string, () => void>();

  constructor(private readonly stores: () => Corestore[]) {}

  static pair(a: number, b: number): string {
    return a < b ? `${a}-${b}` : `${b}-${a}`;
  }

  connect(a: number, b: number): void {
    const pair = StoreLinks.pair(a, b);
    this.wanted.add(pair);
    if (this.live.has(pair)) return;
    const stores = this.stores();
    this.live.set(pair, linkStores(stores[Math.min(a, b)], stores[Math.max(a, b)]));
  }

  disconnect(a: number, b: number, opts: { keepWanted?: boolean } = {}): void {
    const pair = StoreLinks.pair(a, b);
    if (!opts.keepWanted) this.wanted.delete(pair);
    this.live.get(pair)?.();
    this.live.delete(pair);
  }

  /** Drop every link of one store but remember them (before closing it for a restart). */
  isolate(index: number): void {
    for (let other = 0; other < this.stores().length; other++) if (other !== index) this.disconnect(index, other, { keepWanted: true });
  }

  /** Bring back the wanted links of one store (after reopening it). */
  rejoin(index: number): void {
    for (let other = 0; other < this.stores().length; other++) {
      if (other !== index && this.wanted.has(StoreLinks.pair(index, other))) this.connect(index, other);
    }
  }

  healAll(): void {
    const count = this.stores().length;
    for (let a = 0; a < count; a++) for (let b = a + 1; b < count; b++) this.connect(a, b);
  }

  closeAll(): void {
    const count = this.stores().length;
    for (let a = 0; a < count; a++) for (let b = a + 1; b < count; b++) this.disconnect(a, b);
  }
}
