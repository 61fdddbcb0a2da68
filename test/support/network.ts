// A local DHT on 127.0.0.1 and peers with their own data folders, for tests that use the real network stack.
import createTestnet, { type Testnet } from 'hyperdht/testnet.js';
import { Identity } from '../../src/engine/identity';
import { identityFileOf, saveIdentity } from '../../src/engine/identity-file';
import { Peer, type PeerOptions } from '../../src/peer/peer';
import type { Teardown } from './temp';

/** A loopback DHT testnet, destroyed at teardown. */
export async function localTestnet(teardown: Teardown): Promise<Testnet> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' });
  teardown.add(() => testnet.destroy());
  return testnet;
}

/** A data folder with a fresh identity (or the given words and device index). */
export async function peerDataDir(teardown: Teardown, opts: { words?: string; deviceIndex?: number } = {}): Promise<string> {
  const dataDir = await teardown.dir('tzimtzum-peer-');
  const words = opts.words ?? Identity.create().walletMnemonic();
  await saveIdentity(identityFileOf(dataDir), { mnemonic: words, deviceIndex: opts.deviceIndex ?? 0 });
  return dataDir;
}

/** Open a peer on the testnet; closed at teardown (before the testnet, which was registered first). */
export async function openPeer(teardown: Teardown, testnet: Testnet, opts: Partial<PeerOptions> & { dataDir?: string } = {}): Promise<Peer> {
  const dataDir = opts.dataDir ?? (await peerDataDir(teardown));
  const peer = await Peer.open({ bootstrap: testnet.bootstrap, debounceMs: 20, ...opts, dataDir });
  // The front ends always listen for reported errors; so do tests (an 'error' event with no listener throws).
  // Reports are logged, not failed on: tests assert outcomes, and background retries report transient errors.
  peer.on('error', (id, message) => console.log(`peer error${id ? ` (${id.slice(0, 8)})` : ''}: ${message}`));
  teardown.add(() => peer.close());
  return peer;
}

/** Resolve when `check` passes, polling at a short interval; bounded in time and attempts. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (let attempt = 0; Date.now() < deadline && attempt < 10_000; attempt++) {
    try {
      if (await check()) return;
    } catch (err) {
      // A folder read racing a sync (a file renamed between readdir and read): look again.
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`);
}
