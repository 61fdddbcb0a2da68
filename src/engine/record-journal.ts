// A keyed set of JSON records kept on disk at a cost in proportion to what changed, for state that grows
// with a knowledge base (what a mount wrote to each file, the versions a shared folder agreed with).
//
// Rewriting such a state whole on every save cost the thread that applies live edits 5-13 ms at 10,000
// files, and ten times that at 100,000. Here a save appends only the records changed since the last one to a log
// beside a snapshot; once the log holds as many records as the snapshot, the next save writes a new
// snapshot instead, so a record is rewritten a bounded number of times however long the state lives.
//
// On disk, `<file>` is the snapshot: { journal: 1, generation, header, records: { key: record } }.
// `<file>.log` starts with { generation } and then holds frames: one line per changed record,
// [key, record] or [key] for a removal, closed by a commit line { header }. What a crash can leave is
// handled on load:
// - a frame without its commit line (a torn append) is dropped whole, as if that save never happened;
// - a log of another generation (a crash between writing a new snapshot and starting its log) is
//   ignored, since the snapshot already holds all of it.
// Snapshot and log start are written to a temp file and renamed, one save at a time, mode 0600.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Below this many records, a log is never worth compacting. */
const MIN_COMPACT_RECORDS = 1024;

/** What a journal held on disk: its header and records, or a state file written before journals. */
export type JournalContents =
  | { kind: 'journal'; header: Record<string, unknown>; records: ReadonlyMap<string, unknown> }
  | { kind: 'legacy'; value: unknown }
  | { kind: 'none' };

export class RecordJournal {
  /** Every record, as its owner set it (serialized only when a snapshot is written). */
  private readonly records = new Map<string, unknown>();
  /** Changed since the last save: the record's JSON, or null once removed. */
  private pending = new Map<string, string | null>();
  private header: Record<string, unknown> = {};
  private headerChanged = false;
  private generation = 0;
  /** Record lines in the log since the snapshot. */
  private logged = 0;
  /** Whether the log on disk belongs to the snapshot and ends after a whole frame, so frames may follow. */
  private logReady = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Delete a journal's files (a subscription that ends takes its state with it). */
  static async remove(file: string): Promise<void> {
    await fs.rm(file, { force: true });
    await fs.rm(logFileOf(file), { force: true });
  }

  private get logFile(): string {
    return logFileOf(this.file);
  }

  /** Whether a save would write anything. */
  private get dirty(): boolean {
    return this.pending.size > 0 || this.headerChanged;
  }

  /**
   * Read the snapshot and every complete frame of its log. A damaged snapshot throws (the caller rebuilds
   * its state); a file from before journals comes back as `legacy`, to be read once and then saved anew.
   */
  async load(): Promise<JournalContents> {
    const text = await readText(this.file);
    if (text === null) return { kind: 'none' };
    const snapshot = JSON.parse(text) as { journal?: unknown; generation?: unknown; header?: unknown; records?: unknown };
    if (snapshot?.journal !== 1) return { kind: 'legacy', value: snapshot };
    if (typeof snapshot.generation !== 'number' || !isObject(snapshot.header) || !isObject(snapshot.records)) {
      throw new Error(`${this.file} is not a complete journal snapshot.`);
    }
    this.records.clear();
    this.pending.clear();
    this.generation = snapshot.generation;
    this.header = snapshot.header;
    for (const [key, value] of Object.entries(snapshot.records)) this.records.set(key, value);
    this.replayLog(await readText(this.logFile));
    this.headerChanged = false;
    return { kind: 'journal', header: this.header, records: this.records };
  }

  /** Set a record (serialized now for the log: later changes to the object are not saved until set again). */
  set(key: string, record: unknown): void {
    this.records.set(key, record);
    this.pending.set(key, JSON.stringify(record));
  }

  delete(key: string): void {
    if (this.records.delete(key)) this.pending.set(key, null);
  }

  /** The header saved with every frame (small: counters and versions, not records); an equal one changes nothing. */
  setHeader(header: Record<string, unknown>): void {
    if (JSON.stringify(header) === JSON.stringify(this.header)) return;
    this.header = header;
    this.headerChanged = true;
  }

  /** Persist what changed: a frame appended to the log, or a new snapshot once the log is as large as the state. */
  save(): Promise<void> {
    return this.serially(async () => {
      if (!this.dirty) return;
      const compact = !this.logReady || this.logged + this.pending.size > Math.max(this.records.size, MIN_COMPACT_RECORDS);
      await (compact ? this.compact() : this.append());
    });
  }

  private serially(task: () => Promise<void>): Promise<void> {
    this.writing = this.writing.catch(() => undefined).then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await task();
    });
    return this.writing;
  }

  private async append(): Promise<void> {
    const frame = this.takePending();
    const lines = [...frame.pending].map(([key, json]) => (json === null ? `[${JSON.stringify(key)}]` : `[${JSON.stringify(key)},${json}]`));
    lines.push(JSON.stringify({ header: this.header }));
    try {
      await fs.appendFile(this.logFile, `${lines.join('\n')}\n`, { mode: 0o600 });
      this.logged += frame.pending.size;
    } catch (err) {
      // Maybe written in part: the next save starts a new snapshot rather than append after a torn frame.
      this.logReady = false;
      this.restorePending(frame);
      throw err;
    }
  }

  private async compact(): Promise<void> {
    const frame = this.takePending();
    const generation = this.generation + 1;
    const records = [...this.records].map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',');
    try {
      this.logReady = false;
      await replace(this.file, `{"journal":1,"generation":${generation},"header":${JSON.stringify(this.header)},"records":{${records}}}`);
      this.generation = generation;
      this.logged = 0;
      await replace(this.logFile, `${JSON.stringify({ generation })}\n`);
      this.logReady = true;
    } catch (err) {
      this.restorePending(frame);
      throw err;
    }
  }

  /** The changes a save writes; taken at its start, so changes made while it writes wait for the next. */
  private takePending(): { pending: Map<string, string | null>; headerChanged: boolean } {
    const frame = { pending: this.pending, headerChanged: this.headerChanged };
    this.pending = new Map();
    this.headerChanged = false;
    return frame;
  }

  /** A save failed: its changes go to the next one, unless a later change of the same key came since. */
  private restorePending(frame: { pending: Map<string, string | null>; headerChanged: boolean }): void {
    for (const [key, json] of frame.pending) if (!this.pending.has(key)) this.pending.set(key, json);
    this.headerChanged ||= frame.headerChanged;
  }

  /** Apply the log's complete frames to the records, noting whether more may be appended after them. */
  private replayLog(text: string | null): void {
    this.logged = 0;
    this.logReady = false;
    if (text === null) return;
    const lines = text.split('\n');
    const start = parseLine(lines[0]) as { generation?: unknown } | null;
    if (start?.generation !== this.generation) return; // a crash right after a snapshot: it holds everything
    let frame: [string, unknown?][] = [];
    let clean = true;
    for (const line of lines.slice(1, -1)) {
      const parsed = parseLine(line);
      if (Array.isArray(parsed) && typeof parsed[0] === 'string' && parsed.length <= 2) {
        frame.push(parsed as [string, unknown?]);
        clean = false;
        continue;
      }
      if (!isObject(parsed) || !isObject(parsed.header)) {
        clean = false;
        break; // a torn line: nothing after it was committed whole
      }
      for (const [key, ...value] of frame) {
        if (value.length === 0) this.records.delete(key);
        else this.records.set(key, value[0]);
      }
      this.logged += frame.length;
      this.header = parsed.header;
      frame = [];
      clean = true;
    }
    // The text must end with a newline right after a commit line; anything else is a torn append.
    this.logReady = clean && lines[lines.length - 1] === '';
  }
}

function logFileOf(file: string): string {
  return `${file}.log`;
}

function parseLine(line: string | undefined): unknown {
  if (!line) return null;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readText(file: string): Promise<string | null> {
  return fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
}

/** Atomic: a temp file renamed over the target. */
async function replace(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, text, { mode: 0o600 });
  await fs.rename(temp, file);
}
