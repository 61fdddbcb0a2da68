// Small state files in the data folder (registry, invites, orders, purchases): written
// atomically (temp file, then rename), one write at a time, mode 0600 in a 0700 folder.
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
    const text = JSON.stringify(value);
    this.writing = this.writing.catch(() => undefined).then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(temp, text, { mode: 0o600 });
      await fs.rename(temp, this.file);
    });
    return this.writing;
  }
}
