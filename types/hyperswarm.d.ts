// Hyperswarm: topic discovery and hole-punched, encrypted connections (one per remote peer).
declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events';
  import type { Duplex } from 'node:stream';
  import type HyperDHT from 'hyperdht';

  export interface NoiseConnection extends Duplex {
    remotePublicKey: Buffer;
    publicKey: Buffer;
    rawBytesRead?: number;
    rawBytesWritten?: number;
  }
  export interface PeerInfo {
    publicKey: Buffer;
    topics: Buffer[];
    client: boolean;
  }
  export interface PeerDiscovery {
    flushed(): Promise<void>;
    destroy(): Promise<void>;
  }
  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: { dht?: HyperDHT; keyPair?: { publicKey: Buffer; secretKey: Buffer }; maxPeers?: number });
    keyPair: { publicKey: Buffer; secretKey: Buffer };
    dht: HyperDHT;
    connections: Set<NoiseConnection>;
    connecting: number;
    destroyed: boolean;
    join(topic: Buffer, opts?: { server?: boolean; client?: boolean }): PeerDiscovery;
    leave(topic: Buffer): Promise<void>;
    joinPeer(publicKey: Buffer): void;
    leavePeer(publicKey: Buffer): void;
    flush(): Promise<void>;
    destroy(opts?: { force?: boolean }): Promise<void>;
    on(event: 'connection', listener: (conn: NoiseConnection, info: PeerInfo) => void): this;
    on(event: 'update', listener: () => void): this;
  }
}
