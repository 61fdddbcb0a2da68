// Reusing a lost device's index ("recover this lost device"). Every writer core of that device has the same
// key again on the new machine, so appending before its history is back would fork those cores. While a
// recovery is pending the peer refuses to write; `recover` first re-downloads the device's cores from the
// peers that hold them (subscribers and seeders of its knowledge bases), then lets it write again.
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
