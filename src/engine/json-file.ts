// Small state files in the data folder (registry, mount records, orders, unlocked keys): written
// atomically (temp file, then rename), one write at a time, mode 0600 in a 0700 folder.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Longest a whole-file save of a large state waits for more changes (what a crash can cost: a re-check). */
const MAX_COALESCE_MS = 30_000;
/** Coalescing time per record: a save's cost grows with the records, so its interval does too. */
const COALESCE_MS_PER_RECORD = 0.5;

/**
 * How long to coalesce saves of a state file that is rewritten whole: `minMs`, and longer as the file
 * grows, so saving keeps a small, constant share of the thread. A save of 10,000 records blocks it for
 * 5-13 ms (joining the records), then writes ~3 MB; every second, that was 1% of the thread at 10,000
 * files and ~10% at 100,000, in stalls that land on live edits.
 */
export function coalesceDelay(records: number, minMs: number): number {
  return Math.min(MAX_COALESCE_MS, Math.max(minMs, records * COALESCE_MS_PER_RECORD));
}

/** One JSON file, read whole and replaced whole. */
export class JsonFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** The parsed contents, or null when the file does not exist. Throws on a damaged file. */
  async read(): Promise<unknown> {
    const text = await fs.readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    return text === null ? null : (JSON.parse(text) as unknown);
  }

  /** Replace the contents; writes are serialized (two at once would race on the temp file). */
  write(value: unknown): Promise<void> {
    return this.writeText(JSON.stringify(value));
  }

  /** Replace the contents with JSON text the caller serialized (large files assemble theirs from cached parts). */
  writeText(text: string): Promise<void> {
    this.writing = this.writing.catch(() => undefined).then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(temp, text, { mode: 0o600 });
      await fs.rename(temp, this.file);
    });
    return this.writing;
  }
}
