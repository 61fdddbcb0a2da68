// HyperDHT: the distributed hash table Hyperswarm finds peers through.
declare module 'hyperdht' {
  export interface DHTNode {
    host: string;
    port: number;
  }
  export default class HyperDHT {
    constructor(opts?: { bootstrap?: (DHTNode | string)[]; host?: string; port?: number; firewalled?: boolean; keyPair?: { publicKey: Buffer; secretKey: Buffer } });
    static keyPair(seed?: Uint8Array): { publicKey: Buffer; secretKey: Buffer };
    defaultKeyPair: { publicKey: Buffer; secretKey: Buffer };
    ready(): Promise<void>;
    destroy(): Promise<void>;
  }
}
declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht';
  export interface Testnet {
    nodes: HyperDHT[];
    bootstrap: { host: string; port: number }[];
    destroy(): Promise<void>;
  }
  export default function createTestnet(size?: number, opts?: { host?: string; port?: number; teardown?: unknown }): Promise<Testnet>;
}
