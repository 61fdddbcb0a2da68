// The DHT a peer joins: the public HyperDHT by default, or a list of bootstrap nodes (a setting, so a
// local network of peers — tests, the demo, a lab — can run on its own DHT).
import HyperDHT from 'hyperdht';

/** One bootstrap node. */
export interface BootstrapNode {
  host: string;
  port: number;
}

/** Thrown for a bootstrap list that cannot be used; the message shows the expected form. */
export class BootstrapError extends Error {
  readonly code = 'bad-bootstrap';
}

/** Parse `host:port,host:port`; an empty string means the public DHT (null). */
export function parseBootstrap(text: string | undefined | null): BootstrapNode[] | null {
  if (!text || text.trim() === '') return null;
  return text.split(',').map((part) => {
    const item = part.trim();
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      throw new BootstrapError(`"${item}" is not a bootstrap node. Use host:port, for example 127.0.0.1:49737, separated by commas.`);
    }
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}

/** Format a bootstrap list back into the setting's text form. */
export function formatBootstrap(nodes: readonly BootstrapNode[]): string {
  return nodes.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(',');
}

/** True when every node is on this machine. */
export function isLoopbackOnly(nodes: readonly BootstrapNode[] | null): boolean {
  if (!nodes || nodes.length === 0) return false;
  return nodes.every(({ host }) => host === 'localhost' || host === '::1' || /^127\./.test(host));
}

/**
 * A DHT node for these settings. On a loopback-only network the node binds to 127.0.0.1 and skips
 * firewall detection, which otherwise stalls connections between local processes for up to 30 s.
 */
export function createDht(bootstrap: readonly BootstrapNode[] | null, keyPair?: { publicKey: Buffer; secretKey: Buffer }): HyperDHT {
  if (isLoopbackOnly(bootstrap)) {
    return new HyperDHT({ bootstrap: [...bootstrap!], host: '127.0.0.1', firewalled: false, keyPair });
  }
  return new HyperDHT({ bootstrap: bootstrap ? [...bootstrap] : undefined, keyPair });
}
