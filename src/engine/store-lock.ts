// One process per store folder. Corestore's own OS lock is the safety net; this lock exists so that the
// second opener learns at once, and in words, who holds the folder (the pid and program to close)
// instead of a low-level error or a hang.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The lock file's name inside a store folder. */
export const LOCK_FILE = 'tzimtzum.lock';

/** What a lock file records about its holder. */
export interface LockHolder {
  pid: number;
  command: string;
  startedAt: string;
  host: string;
}

/** The store folder is held by another process (or already by this one). */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
  readonly code = 'store-in-use';
  constructor(readonly holder: LockHolder, readonly lockFile: string, message: string) {
    super(message);
  }
}

/** A held store folder; `release` gives it up. */
export interface StoreLock {
  readonly dir: string;
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): Promise<void>;
}

/** How the lock describes its holder to whoever finds the folder taken. */
export interface StoreLockOptions {
  /** Shown to a second opener, e.g. "Obsidian (vault Notes)"; defaults to this process's command line. */
  command?: string;
}

// Folders (by real path) this process holds or is acquiring: the file cannot tell two holders apart when
// both are us.
const heldHere = new Set<string>();

// Contenders for a stale lock take turns; each round either wins, meets a live holder, or lost to one
// that died within the round. Three rounds is ample and keeps the loop bounded.
const TAKEOVER_ROUNDS = 3;

/** Takes the store folder `dir` for this process; throws `StoreInUseError` naming the holder if it is taken. */
export async function acquireStoreLock(dir: string, options: StoreLockOptions = {}): Promise<StoreLock> {
  const folder = await realpath(dir);
  const file = path.join(folder, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    command: options.command ?? describeArgs(process.argv),
    startedAt: new Date().toISOString(),
    host: os.hostname(),
  };
  if (heldHere.has(folder)) {
    throw new StoreInUseError(
      holder,
      file,
      `The store folder ${folder} is already open in this process (${holder.pid}, ${holder.command}). ` +
        'Close it before opening it again.',
    );
  }
  heldHere.add(folder);
  try {
    await claim(file, holder, folder);
  } catch (err) {
    heldHere.delete(folder);
    throw err;
  }
  let released = false;
  return {
    dir: folder,
    file,
    holder,
    async release() {
      if (released) return;
      released = true;
      try {
        const current = await readHolder(file);
        if (current !== 'missing' && current !== 'unreadable' && sameHolder(current, holder)) await rm(file, { force: true });
      } finally {
        heldHere.delete(folder);
      }
    },
  };
}

async function claim(file: string, holder: LockHolder, folder: string): Promise<void> {
  const text = JSON.stringify(holder, null, 2) + '\n';
  for (let round = 0; round < TAKEOVER_ROUNDS; round++) {
    if (await createExclusive(file, text)) return;
    const current = await readHolder(file);
    if (current === 'missing') continue; // released between our attempt and the read: try again
    if (current !== 'unreadable' && isAlive(current)) throw inUse(current, file, folder);
    // Stale: put a complete lock of ours in its place in one step, then check that no other contender
    // replaced it after us.
    await replaceWith(file, text);
    const after = await readHolder(file);
    if (after !== 'missing' && after !== 'unreadable' && sameHolder(after, holder)) return;
  }
  const last = await readHolder(file);
  if (last !== 'missing' && last !== 'unreadable') throw inUse(last, file, folder);
  throw new Error(`Could not take the lock ${file}: other processes keep replacing it. Close them and try again.`);
}

// Link a finished temp file into place: the lock appears complete or not at all, so no reader ever sees
// a half-written lock and mistakes it for a stale one.
async function createExclusive(file: string, text: string): Promise<boolean> {
  const temp = await writeTemp(file, text);
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      return createWithoutLinks(file, text); // file systems without hard links (FAT, some network shares)
    }
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

async function createWithoutLinks(file: string, text: string): Promise<boolean> {
  try {
    await writeFile(file, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function replaceWith(file: string, text: string): Promise<void> {
  const temp = await writeTemp(file, text);
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function writeTemp(file: string, text: string): Promise<string> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, text, { flag: 'wx', mode: 0o600 });
  return temp;
}

async function readHolder(file: string): Promise<LockHolder | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const value = JSON.parse(text) as Partial<Record<keyof LockHolder, unknown>>;
    const { pid, command, startedAt, host } = value;
    if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && typeof command === 'string' &&
        typeof startedAt === 'string' && typeof host === 'string') {
      return { pid, command, startedAt, host };
    }
  } catch {
    // fall through: a lock nobody can read protects nothing
  }
  return 'unreadable';
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

function isAlive(holder: LockHolder): boolean {
  // Another machine's processes cannot be checked from here (a folder on a network share).
  if (holder.host !== os.hostname()) return true;
  // Our own pid, yet this process holds no lock on the folder: a previous life of this pid (containers
  // reuse pids across restarts) left it behind.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}

function inUse(holder: LockHolder, file: string, folder: string): StoreInUseError {
  const otherHost = holder.host !== os.hostname();
  const command = (otherHost ? null : liveCommand(holder.pid)) ?? holder.command;
  const where = otherHost ? ` on the computer "${holder.host}"` : '';
  return new StoreInUseError(
    holder,
    file,
    `The store folder ${folder} is in use by process ${holder.pid} (${command})${where}, since ${holder.startedAt}. ` +
      `Close that Tzimtzum or Obsidian instance and try again. If it is not running, delete ${file}.`,
  );
}

// Linux names every process in /proc; elsewhere we rely on what the holder wrote about itself.
function liveCommand(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    // Synchronous on purpose: a tiny virtual file, read once on an error path.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return args.length > 0 ? describeArgs(args) : null;
  } catch {
    return null;
  }
}

// A short command line: program names without their directories, and not the whole of Electron's flags.
function describeArgs(args: readonly string[]): string {
  const shown = args.slice(0, 4).map((arg, i) => (i < 2 ? path.basename(arg) : arg));
  const text = shown.join(' ') + (args.length > 4 ? ' …' : '');
  return text.length > 120 ? text.slice(0, 119) + '…' : text;
}
