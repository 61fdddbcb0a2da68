import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireStoreLock, LOCK_FILE, StoreInUseError, type StoreLock } from '../../src/engine/store-lock.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const lockModule = path.join(repo, 'src', 'engine', 'store-lock.ts');

let root: string;
let dir: string;
const locks: StoreLock[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tzimtzum-store-lock-'));
  dir = path.join(root, 'store');
  await mkdir(dir);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
  for (const lock of locks.splice(0)) await lock.release();
  await rm(root, { recursive: true, force: true });
});

async function acquire(folder = dir, command?: string): Promise<StoreLock> {
  const lock = await acquireStoreLock(folder, command === undefined ? {} : { command });
  locks.push(lock);
  return lock;
}

async function inUse(folder = dir): Promise<StoreInUseError> {
  try {
    locks.push(await acquireStoreLock(folder));
  } catch (err) {
    if (err instanceof StoreInUseError) return err;
    throw err;
  }
  throw new Error('expected the store to be in use');
}

// Starts a Node process that takes the lock and holds it until its stdin closes; resolves with its pid
// once it reports the lock taken. Bounded by the test timeout and by the child exiting.
async function holdInChild(folder: string): Promise<ChildProcess & { pid: number }> {
  const script = path.join(root, 'hold-lock.mts');
  await writeFile(
    script,
    `import { acquireStoreLock } from ${JSON.stringify(lockModule)};\n` +
      `const lock = await acquireStoreLock(process.argv[2], { command: 'lock holder' });\n` +
      `process.stdout.write('locked\\n');\n` +
      `process.stdin.on('end', () => { void lock.release().then(() => process.exit(0)); });\n` +
      `process.stdin.resume();\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, folder], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('locked\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited early with ${String(code)}`)));
  });
  if (child.pid === undefined) throw new Error('lock holder has no pid');
  return child as ChildProcess & { pid: number };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (child.pid === undefined || code !== 0) throw new Error('could not start a short-lived process');
  return child.pid;
}

async function writeLock(holder: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(holder));
}

describe('acquireStoreLock', () => {
  it('writes a lock file naming this process', async () => {
    const lock = await acquire(dir, 'test runner');
    const holder = JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(holder).toEqual({ pid: process.pid, command: 'test runner', startedAt: lock.holder.startedAt, host: os.hostname() });
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
  });

  it('refuses a second acquire of the same folder in the same process', async () => {
    await acquire();
    const error = await inUse();
    expect(error.code).toBe('store-in-use');
    expect(error.message).toContain('already open in this process');
  });

  it('refuses two concurrent acquires of the same folder in the same process', async () => {
    const results = await Promise.allSettled([acquireStoreLock(dir), acquireStoreLock(dir)]);
    for (const result of results) if (result.status === 'fulfilled') locks.push(result.value);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('removes the lock file on release, so the folder can be taken again', async () => {
    const lock = await acquire();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    await expect(acquire()).resolves.toBeDefined();
  });

  it('refuses a folder held by another process, naming its pid and command', async () => {
    const child = await holdInChild(dir);
    const error = await inUse();
    expect(error.holder.pid).toBe(child.pid);
    expect(error.message).toContain(`process ${child.pid}`);
    // On Linux the live command line comes from /proc; elsewhere from what the holder recorded.
    expect(error.message).toMatch(process.platform === 'linux' ? /\(node .*hold-lock\.mts/u : /\(lock holder\)/u);
    expect(error.message).toMatch(/Close that Tzimtzum or Obsidian instance/u);
  });

  it('takes the folder once the other process releases it', async () => {
    const child = await holdInChild(dir);
    const exited = once(child, 'exit');
    child.stdin?.end();
    await exited;
    expect(await readdir(dir)).toEqual([]);
    await expect(acquire()).resolves.toBeDefined();
  });

  it('takes over a lock left by a process that was killed', async () => {
    const child = await holdInChild(dir);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    const lock = await acquire();
    const holder = JSON.parse(await readFile(lock.file, 'utf8')) as { pid: number };
    expect(holder.pid).toBe(process.pid);
  });

  it('takes over a lock whose pid is no longer running', async () => {
    await writeLock({ pid: await deadPid(), command: 'gone', startedAt: '2020-01-01T00:00:00.000Z', host: os.hostname() });
    const lock = await acquire();
    expect(lock.holder.pid).toBe(process.pid);
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
  });

  it('takes over a lock that names this pid but was not taken by this process', async () => {
    await writeLock({ pid: process.pid, command: 'earlier life', startedAt: '2020-01-01T00:00:00.000Z', host: os.hostname() });
    await expect(acquire()).resolves.toBeDefined();
  });

  it('takes over a lock file nobody can read', async () => {
    await writeFile(path.join(dir, LOCK_FILE), 'not json');
    await expect(acquire()).resolves.toBeDefined();
  });

  it('treats a lock from another computer as in use, naming that computer', async () => {
    await writeLock({ pid: 1, command: 'tzimtzum serve', startedAt: '2020-01-01T00:00:00.000Z', host: 'other-laptop' });
    const error = await inUse();
    expect(error.message).toContain('"other-laptop"');
    expect(error.message).toContain('(tzimtzum serve)');
    expect(error.message).toContain(path.join(await realpath(dir), LOCK_FILE));
  });

  it('leaves the lock alone on release if another process has since taken it over', async () => {
    const lock = await acquire();
    const theirs = { pid: 1, command: 'other', startedAt: '2030-01-01T00:00:00.000Z', host: os.hostname() };
    await writeLock(theirs);
    await lock.release();
    expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8'))).toEqual(theirs);
  });
});
