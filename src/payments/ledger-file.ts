// The local ledger's optional JSON file, so an author's process and a buyer's process on one machine see
// the same invoices. Writes are atomic (temp file, fsync, rename) and every read-modify-write holds a lock
// file, so two processes never lose each other's updates.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PaymentError } from './payment-rail.js';

// A lock older than this was left by a process that died mid-update; every update takes milliseconds.
const STALE_LOCK_MS = 10_000;
const LOCK_RETRY_MS = 5;
const LOCK_ATTEMPTS = 2_000;

/** A JSON file updated under a cross-process lock. */
export class LedgerFile {
  readonly #lock: string;

  constructor(readonly file: string) {
    this.#lock = `${file}.lock`;
  }

  /** Runs `update` while holding the lock file; the lock is released even if `update` throws. */
  async withLock<T>(update: () => Promise<T>): Promise<T> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await this.#acquire();
    try {
      return await update();
    } finally {
      await rm(this.#lock, { force: true });
    }
  }

  /** The parsed file, or `null` if it does not exist yet. */
  async read(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw damaged(this.file, err);
    }
  }

  /** Replaces the file atomically: a crash leaves the old ledger or the new one, never half of one. */
  async write(value: unknown): Promise<void> {
    const dir = path.dirname(this.file);
    const temp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(value, null, 2) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async #acquire(): Promise<void> {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      try {
        const handle = await open(this.#lock, 'wx');
        await handle.close();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (await this.#lockIsStale()) {
        await rm(this.#lock, { force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
    throw new PaymentError(
      'unavailable',
      `The local payment ledger ${this.file} stayed locked by another process. ` +
        `If no other Tzimtzum process is running, delete ${this.#lock} and try again.`,
    );
  }

  async #lockIsStale(): Promise<boolean> {
    try {
      return Date.now() - (await stat(this.#lock)).mtimeMs > STALE_LOCK_MS;
    } catch {
      return false; // released between our attempt and the stat: just retry
    }
  }
}

/** The error for a ledger file that is not a ledger. */
export function damaged(file: string, cause?: unknown): PaymentError {
  return new PaymentError(
    'unavailable',
    `The local payment ledger ${file} is damaged. It only holds test money: delete it to start a fresh ledger.`,
    { cause },
  );
}
