// One Hyperswarm and one Corestore per peer, serving every knowledge base the peer shares or follows.
//
// Replication is attached to every connection the moment it opens, before any topic is joined: a
// connection is per remote peer, not per topic, and one `store.replicate(conn)` serves every core in
// every namespace, including cores opened later.
import { EventEmitter } from 'node:events';
import Hyperswarm, { type NoiseConnection } from 'hyperswarm';
import type Corestore from 'corestore';
import type Hypercore from 'hypercore';
import { createDht, type BootstrapNode } from './dht-settings';

/** What the swarm needs of a knowledge base to announce, find and account for it. */
export interface SwarmTopic {
  readonly discoveryKey: Buffer;
  /** Cores whose peers and traffic count for this topic (the base's system core first). */
  cores(): Hypercore[];
  /** Swarm keys of peers that are dialled directly (the author's devices), so sybils cannot eclipse them. */
  pinnedPeers(): Buffer[];
  /** Calls `listener` whenever `pinnedPeers()` changes (a writer added a device); returns the unsubscribe. */
  onPinnedPeersChange(listener: () => void): () => void;
}

/** A knowledge base's network state as the UI and CLI show it. */
export interface TopicStatus {
  discoveryKey: string;
  peers: number;
  bytesUp: number;
  bytesDown: number;
  /** Epoch ms of the last block received or sent for this topic, or null. */
  lastSync: number | null;
  announcing: boolean;
}

export interface SwarmOptions {
  store: Corestore;
  /** Bootstrap nodes, or null for the public HyperDHT. */
  bootstrap: readonly BootstrapNode[] | null;
  /** This device's swarm identity (derived from the user's mnemonic and device index). */
  keyPair?: { publicKey: Buffer; secretKey: Buffer };
}

type Events = {
  connection: [remotePublicKey: Buffer];
  /** A new connection, replication already attached: other protocols (Protomux channels) join it here. */
  stream: [stream: NoiseConnection, remotePublicKey: Buffer];
  disconnection: [remotePublicKey: Buffer];
  status: [TopicStatus];
};

interface Joined {
  topic: SwarmTopic;
  status: TopicStatus;
  unhook: () => void;
  /** A traffic status waiting to be emitted (see STATUS_COALESCE_MS). */
  pending: NodeJS.Timeout | null;
}

/**
 * Traffic is reported at most this often per knowledge base: a sync moves tens of thousands of blocks,
 * and a status per block cost the downloading peer time and flooded the UI. Counters are always exact.
 */
const STATUS_COALESCE_MS = 250;

/** The peer's single network presence. */
export class Swarm extends EventEmitter<Events> {
  readonly swarm: Hyperswarm;
  private readonly store: Corestore;
  private readonly joined = new Map<string, Joined>();
  private destroyed = false;

  constructor(opts: SwarmOptions) {
    super();
    this.store = opts.store;
    this.swarm = new Hyperswarm({ dht: createDht(opts.bootstrap, opts.keyPair), keyPair: opts.keyPair });
    this.swarm.on('connection', (conn) => this.onConnection(conn));
  }

  /** This device's public swarm key (others pin it to reach us directly). */
  get publicKey(): Buffer {
    return this.swarm.keyPair.publicKey;
  }

  /** Number of open connections, across all topics. */
  get connections(): number {
    return this.swarm.connections.size;
  }

  /** Announce and look up a knowledge base; resolves once the first announce and lookup are done. */
  async join(topic: SwarmTopic, opts: { announce?: boolean } = {}): Promise<void> {
    if (this.destroyed) throw new Error('The network is shut down.');
    const id = topic.discoveryKey.toString('hex');
    if (this.joined.has(id)) return;
    const status: TopicStatus = { discoveryKey: id, peers: 0, bytesUp: 0, bytesDown: 0, lastSync: null, announcing: opts.announce ?? true };
    const joined: Joined = { topic, status, unhook: () => undefined, pending: null };
    this.joined.set(id, joined);
    const pinAll = () => { for (const key of topic.pinnedPeers()) this.pin(key); };
    const untrack = this.track(joined);
    const unwatch = topic.onPinnedPeersChange(pinAll);
    joined.unhook = () => {
      unwatch();
      untrack();
    };
    pinAll();
    const discovery = this.swarm.join(topic.discoveryKey, { server: true, client: true });
    await discovery.flushed();
  }

  /** Dial a known peer directly and keep reconnecting to it. */
  pin(publicKey: Buffer): void {
    if (this.destroyed || publicKey.equals(this.publicKey)) return;
    this.swarm.joinPeer(publicKey);
  }

  /** Stop announcing a knowledge base, and close connections that served nothing else. */
  async leave(discoveryKey: Buffer): Promise<void> {
    const id = discoveryKey.toString('hex');
    const joined = this.joined.get(id);
    if (!joined) return;
    this.joined.delete(id);
    joined.unhook();
    await this.swarm.leave(discoveryKey);
    for (const key of joined.topic.pinnedPeers()) if (!this.pinnedElsewhere(key)) this.swarm.leavePeer(key);
    for (const conn of [...this.swarm.connections]) {
      if (!this.servesAnyTopic(conn.remotePublicKey)) conn.destroy();
    }
  }

  /** Current network state of a knowledge base. */
  status(discoveryKey: Buffer): TopicStatus | null {
    const joined = this.joined.get(discoveryKey.toString('hex'));
    if (!joined) return null;
    joined.status.peers = peersOf(joined.topic).size;
    return { ...joined.status };
  }

  /** Resolves when pending DHT lookups and connection attempts are done. */
  async flush(): Promise<void> {
    await this.swarm.flush();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const joined of this.joined.values()) joined.unhook();
    this.joined.clear();
    await this.swarm.destroy();
  }

  private onConnection(conn: NoiseConnection): void {
    const remote = conn.remotePublicKey;
    this.store.replicate(conn);
    conn.on('error', () => undefined); // resets and timeouts are normal; Hyperswarm reconnects
    conn.on('close', () => {
      this.emit('disconnection', remote);
      this.emitAllStatus();
    });
    this.emit('stream', conn, remote);
    this.emit('connection', remote);
  }

  private track(joined: Joined): () => void {
    const cleanups: (() => void)[] = [];
    const hooked = new Set<Hypercore>();
    const hook = (core: Hypercore) => {
      if (hooked.has(core)) return;
      hooked.add(core);
      const onDownload = (_index: number, bytes: number) => this.count(joined, 'bytesDown', bytes);
      const onUpload = (_index: number, bytes: number) => this.count(joined, 'bytesUp', bytes);
      const onPeers = () => this.emitStatus(joined);
      core.on('download', onDownload);
      core.on('upload', onUpload);
      core.on('peer-add', onPeers);
      core.on('peer-remove', onPeers);
      cleanups.push(() => {
        core.off('download', onDownload);
        core.off('upload', onUpload);
        core.off('peer-add', onPeers);
        core.off('peer-remove', onPeers);
      });
    };
    for (const core of joined.topic.cores()) hook(core);
    // Blob cores open lazily as files are read; pick them up as they appear.
    const timer = setInterval(() => { for (const core of joined.topic.cores()) hook(core); }, 1000);
    timer.unref();
    return () => {
      clearInterval(timer);
      if (joined.pending) clearTimeout(joined.pending);
      joined.pending = null;
      for (const cleanup of cleanups) cleanup();
    };
  }

  private count(joined: Joined, field: 'bytesUp' | 'bytesDown', bytes: number): void {
    joined.status[field] += bytes;
    joined.status.lastSync = Date.now();
    if (joined.pending) return;
    joined.pending = setTimeout(() => this.emitStatus(joined), STATUS_COALESCE_MS);
    joined.pending.unref();
  }

  private emitStatus(joined: Joined): void {
    if (joined.pending) clearTimeout(joined.pending);
    joined.pending = null;
    joined.status.peers = peersOf(joined.topic).size;
    this.emit('status', { ...joined.status });
  }

  private emitAllStatus(): void {
    for (const joined of this.joined.values()) this.emitStatus(joined);
  }

  private servesAnyTopic(remote: Buffer): boolean {
    const hex = remote.toString('hex');
    for (const joined of this.joined.values()) {
      if (peersOf(joined.topic).has(hex)) return true;
      if (joined.topic.pinnedPeers().some((key) => key.equals(remote))) return true;
    }
    return false;
  }

  private pinnedElsewhere(key: Buffer): boolean {
    return [...this.joined.values()].some((joined) => joined.topic.pinnedPeers().some((pinned) => pinned.equals(key)));
  }
}

function peersOf(topic: SwarmTopic): Set<string> {
  const peers = new Set<string>();
  for (const core of topic.cores()) for (const peer of core.peers) peers.add(peer.remotePublicKey.toString('hex'));
  return peers;
}
