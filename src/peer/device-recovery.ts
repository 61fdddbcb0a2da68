// Reusing a lost device's index ("recover this lost device"). Every writer core of that device has the same
// key again on the new machine, so appending before its history is back would fork those cores. While a
// recovery is pending the peer refuses to write; `recover` first re-downloads the device's cores from the
// peers that hold them (subscribers and seeders of its knowledge bases), then lets it write again.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../engine/knowledge-base';
import { waitAtMost } from '../engine/serial';
import type { Swarm } from '../net/swarm';
import type { RecoveredRecord, Registry } from './registry';
import { shownTitle } from './shown-text';

/** The marker of a pending recovery, in the data folder. */
export function recoveryMarkerOf(dataDir: string): string {
  return path.join(dataDir, 'recovery-pending.json');
}

/** Mark that this data folder reuses a device index and must recover before writing. */
export async function markRecoveryPending(dataDir: string, deviceIndex: number): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(recoveryMarkerOf(dataDir), JSON.stringify({ version: 1, deviceIndex, markedAt: Date.now() }), { mode: 0o600 });
}

export async function recoveryPending(dataDir: string): Promise<boolean> {
  return fs.stat(recoveryMarkerOf(dataDir)).then(() => true, () => false);
}

export async function clearRecoveryPending(dataDir: string): Promise<void> {
  await fs.rm(recoveryMarkerOf(dataDir), { force: true });
}

/**
 * Bring one of the device's namespaces back from peers: wait (bounded) for a peer that follows it, then
 * update the device's writer core and blob core to the length peers hold. Null when nobody has it.
 */
export async function recoverKnowledgeBase(opts: { store: Corestore; swarm: Swarm; namespace: string; waitForPeerMs: number; timeoutMs: number }): Promise<RecoveredRecord | null> {
  const { swarm, namespace, waitForPeerMs, timeoutMs } = opts;
  const kb = new KnowledgeBase({ store: opts.store, namespace });
  await kb.ready();
  try {
    await swarm.join(kb);
    const hasPeer = () => kb.base.local.peers.length > 0 || kb.base.core.peers.length > 0;
    const deadline = Date.now() + waitForPeerMs;
    while (Date.now() < deadline && !hasPeer()) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!hasPeer()) return null;
    const bounded = (work: Promise<unknown>) => waitAtMost(work, timeoutMs);
    // Catch up with the longest log any connected peer has: appending from a shorter one would fork it.
    const local = kb.base.local;
    const longest = () => Math.max(0, ...local.peers.map((peer) => (peer as { remoteLength?: number }).remoteLength ?? 0));
    const catchUpBy = Date.now() + timeoutMs;
    do {
      await bounded(local.update({ wait: true }));
    } while (local.length < longest() && Date.now() < catchUpBy);
    await bounded(local.download({ start: 0, end: local.length }).done());
    const blobs = await kb.blobs.localCore();
    await bounded(blobs.update({ wait: true }));
    if (kb.base.local.length === 0) return null; // peers follow this namespace, but this device wrote nothing there
    await bounded(kb.update());
    const meta = await kb.meta({ timeout: timeoutMs }).catch(() => null);
    return { id: kb.id, namespace, title: shownTitle(meta?.title ?? '') || kb.id.slice(0, 8) };
  } finally {
    await swarm.leave(kb.discoveryKey);
    await kb.close();
  }
}

/**
 * Restore the knowledge bases a device index created, from the peers that hold them: for each of the
 * device's sequential namespaces, wait (bounded) for a peer, bring the writer core and blob core up to
 * the length peers have signed. Stops after two namespaces nobody has. Returns what was found and the
 * next free namespace number.
 */
export async function recoverDeviceShares(opts: {
  store: Corestore; swarm: Swarm; registry: Registry; timeoutMs?: number; probeMs?: number; scan?: number;
}): Promise<{ found: RecoveredRecord[]; next: number }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // After the first namespace, a shorter wait tells "nobody has it" (the end of the device's history).
  const probeMs = opts.probeMs ?? 5_000;
  const found: RecoveredRecord[] = [...opts.registry.recovered];
  let last = 0;
  let misses = 0;
  for (let index = 1; index <= (opts.scan ?? 16) && misses < 2; index++) {
    const namespace = `share/${index}`;
    if (opts.registry.shares.some((share) => share.namespace === namespace)) {
      last = index;
      continue;
    }
    const record = await recoverKnowledgeBase({ store: opts.store, swarm: opts.swarm, namespace, waitForPeerMs: index === 1 ? timeoutMs : probeMs, timeoutMs });
    if (!record) {
      misses++;
      continue;
    }
    misses = 0;
    last = index;
    if (!found.some((item) => item.id === record.id)) found.push(record);
  }
  return { found, next: last + 1 };
}
