// A randomized convergence harness for multi-writer knowledge bases, on the real stack: every writer has
// its own Corestore on disk and its own KnowledgeBase; replication is real Corestore replication, piped
// in-process (no sockets, so many seeds fit in a test run). Writers edit a few hot notes concurrently
// while links drop and come back and writers restart from disk. At the end every link is healed and the
// harness checks the two promises of multi-writer editing: every writer sees the same files (no
// divergence), and no acknowledged edit is lost (its text is in some file or conflict copy, unless a
// later acknowledged op that saw it removed it on purpose).
//
// Choices come from seeded PRNGs (`SEED=` replays them); replication timing does not, so a replay runs
// the same script of choices but not necessarily the same interleaving.
import Corestore from 'corestore';
import type { ApplyFunction } from '../../src/engine/apply';
import { KnowledgeBase, type FileEntry } from '../../src/engine/knowledge-base';
import { emptyStats, type ConvergenceReport, type ConvergenceStats } from './convergence-report';
import { StoreLinks } from './store-links';
import { Teardown } from './temp';
import { mulberry32 } from './vault-generator';

export { describeReport, failed, type ConvergenceReport, type ConvergenceStats } from './convergence-report';

export interface ConvergenceOptions {
  seed: number;
  writers?: number;
  opsPerWriter?: number;
  paths?: string[];
  /** Chance per round that one link flips (connected ⇄ partitioned). */
  partitionRate?: number;
  /** Chance per round that one idle writer closes its base and store and reopens them from disk. */
  restartRate?: number;
  /** The knowledge base's `apply` test seam: the harness can run a deliberately broken reducer. */
  apply?: ApplyFunction;
  /** Wall time for the rounds; then the run heals and checks what it has (default 120 s). */
  budgetMs?: number;
}

const DEFAULT_PATHS = ['a.md', 'b.md', 'dir/c.md', 'dir/d.md'];
const TOKEN = /\[w\d+\.\d+\]/g;
/** Bounds on every wait: a stalled engine fails the run instead of hanging it. */
const READ_TIMEOUT_MS = 1000;
/** How long a writer waits for bytes it does not hold before passing its turn (the read goes on). */
const QUICK_READ_MS = 50;
const ROUND_WAIT_MS = 2000;
const SETTLE_MS = 30_000;
/**
 * Comparisons after the first one that found the views different. Equal heads are a moment, not quiescence:
 * the creator's acknowledgement can land while the views are being listed, and indexing reorders the
 * creator's unindexed tail before the others have that acknowledgement (so conflict copies may be named
 * differently for a while). A real divergence outlasts settling again; a reorder in flight does not.
 */
const RECOMPARISONS = 2;
const RECOMPARE_PAUSE_MS = 500;

type OpKind = 'create' | 'edit' | 'overwrite' | 'delete' | 'rename';

/** What an acknowledged op wrote and what it removed on purpose, for the lost-edit oracle. */
interface AckedOp {
  kind: OpKind;
  /** Tokens of the text the op was based on that it drops knowingly (overwrite, delete). */
  removed: string[];
  /** Tokens this op wrote for the first time. */
  added: string[];
}

interface Writer {
  index: number;
  name: string;
  dir: string;
  store: Corestore;
  kb: KnowledgeBase;
  rand: () => number;
  /** The op still in flight (an apply may stall while a partition hides what it needs), or null. */
  pending: Promise<void> | null;
  tokens: number;
  acked: number;
}

/** What a writer sees at a path: the entry and its text, null when absent, undefined when unreadable yet. */
type Seen = { entry: FileEntry; text: string } | null | undefined;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Settle `promise` within `ms`, never throwing; a late promise keeps running in the background. */
async function within<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: new Error(`timed out after ${ms} ms`) }), ms);
  });
  const settled = promise.then((value): Outcome<T> => ({ ok: true, value }), (error: unknown): Outcome<T> => ({ ok: false, error }));
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const tokensOf = (text: string) => text.match(TOKEN) ?? [];
const linesOf = (text: string) => text.split('\n').filter((line) => line !== '');
const textOf = (lines: string[]) => Buffer.from(lines.join('\n') + '\n');
const pickFrom = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

/** The writer heads a view has applied; equal heads mean the same ops were applied. */
function headsOf(writer: Writer): string {
  // `heads()` is public Autobase API that the local type shim does not declare.
  const base = writer.kb.base as unknown as { heads(): { key: Buffer; length: number }[] };
  return base.heads().map((head) => `${head.key.toString('hex')}:${head.length}`).join(',');
}

/** Run one seed and report what it found. Failures of the engine are reported, not thrown. */
export async function runConvergence(opts: ConvergenceOptions): Promise<ConvergenceReport> {
  const run = new ConvergenceRun(opts);
  try {
    return await run.execute();
  } finally {
    await run.teardown.run();
  }
}

class ConvergenceRun {
  readonly teardown = new Teardown();
  private readonly writers: Writer[] = [];
  private readonly network = new StoreLinks(() => this.writers.map((w) => w.store));
  private readonly acked: AckedOp[] = [];
  /** Network events and restarts; each writer draws its own ops from its own stream. */
  private readonly rand: () => number;
  private readonly paths: string[];
  private readonly stats: ConvergenceStats = emptyStats();

  constructor(private readonly opts: ConvergenceOptions) {
    this.rand = mulberry32(opts.seed);
    this.paths = opts.paths ?? DEFAULT_PATHS;
  }

  async execute(): Promise<ConvergenceReport> {
    const started = Date.now();
    await this.setUp(this.opts.writers ?? 3);
    const partitionRate = this.opts.partitionRate ?? 0.06;
    const restartRate = this.opts.restartRate ?? 0.01;
    // Rounds go on until every writer had its quota of acknowledged ops (bounded: turns can be passed).
    const quota = this.opts.opsPerWriter ?? 200;
    const budgetMs = this.opts.budgetMs ?? 120_000;
    for (let round = 0; round < quota * 3 && this.writers.some((w) => w.acked < quota); round++) {
      if (Date.now() - started > budgetMs) {
        this.stats.errors.push(`stopped after ${round} rounds: out of its ${budgetMs} ms budget`);
        break;
      }
      if (this.rand() < partitionRate) this.flipLink();
      if (this.rand() < partitionRate / 4) this.network.healAll();
      if (this.rand() < restartRate) {
        const idle = this.writers.filter((w) => w.pending === null);
        if (idle.length > 0) await this.restart(pickFrom(this.rand, idle));
      }
      // Every writer acts in the same round, each on the view it has now: that is where concurrency comes from.
      const turns: Promise<void>[] = [];
      for (const writer of this.writers) {
        if (writer.acked >= quota) continue;
        if (writer.pending) {
          this.stats.busy++;
          continue;
        }
        const catchUp = writer.rand() < 0.3;
        const turn = (async () => {
          if (catchUp) await within(writer.kb.update(), READ_TIMEOUT_MS);
          await this.act(writer);
        })().finally(() => {
          writer.pending = null;
        });
        writer.pending = turn;
        turns.push(turn);
      }
      if (turns.length > 0) {
        await within(Promise.all(turns), ROUND_WAIT_MS);
        continue;
      }
      // Every writer left is stalled (an apply waits for bytes only an unreachable writer has): the
      // network comes back, as it would for people waiting on a sync, instead of burning rounds.
      this.network.healAll();
      await within(Promise.race(this.writers.flatMap((w) => (w.pending ? [w.pending] : []))), ROUND_WAIT_MS);
    }
    let report = await this.compare(await this.settle());
    for (let again = 0; again < RECOMPARISONS && report.divergent; again++) {
      this.stats.recompared++;
      await pause(RECOMPARE_PAUSE_MS);
      report = await this.compare(await this.settle());
    }
    this.stats.durationMs = Date.now() - started;
    return report;
  }

  private async openBase(writer: Pick<Writer, 'store' | 'name' | 'index'>): Promise<KnowledgeBase> {
    const key = writer.index === 0 ? null : this.writers[0].kb.key;
    const kb = new KnowledgeBase({ store: writer.store, namespace: `kb/convergence/${writer.name}`, key, apply: this.opts.apply });
    kb.on('error', (err) => this.stats.errors.push(`${writer.name}: ${err.message}`));
    await kb.ready();
    return kb;
  }

  private async closeWriter(writer: Writer): Promise<void> {
    const closed = await within(writer.kb.close().then(() => writer.store.close()), 30_000);
    if (!closed.ok) this.stats.errors.push(`${writer.name} did not close: ${message(closed.error)}`);
  }

  /** The first writer creates the base and adds the others as authors over live links. */
  private async setUp(count: number): Promise<void> {
    // Directories first, so they are removed last: after every base and store on them has closed.
    const dirs: string[] = [];
    for (let i = 0; i < count; i++) dirs.push(await this.teardown.dir('tzimtzum-convergence-'));
    this.teardown.add(async () => {
      this.network.closeAll();
      for (const writer of this.writers) await this.closeWriter(writer);
    });
    for (let index = 0; index < count; index++) {
      const name = `w${index}`;
      const store = new Corestore(dirs[index]);
      const kb = await this.openBase({ store, name, index });
      const rand = mulberry32((this.opts.seed ^ Math.imul(0x9e3779b9, index + 1)) >>> 0);
      this.writers.push({ index, name, dir: dirs[index], store, kb, rand, pending: null, tokens: 0, acked: 0 });
    }
    this.network.healAll();
    const owner = this.writers[0].kb;
    for (const writer of this.writers.slice(1)) await owner.addWriter(writer.kb.localWriterKey, { role: 'author' });
    for (const writer of this.writers.slice(1)) {
      for (let attempt = 0; !writer.kb.writable; attempt++) {
        if (attempt > 500) throw new Error(`SEED=${this.opts.seed}: ${writer.name} never became writable`);
        await within(writer.kb.update(), READ_TIMEOUT_MS);
        if (!writer.kb.writable) await pause(10);
      }
    }
  }

  private flipLink(): void {
    if (this.writers.length < 2) return;
    const a = pickFrom(this.rand, this.writers).index;
    const b = pickFrom(this.rand, this.writers.filter((w) => w.index !== a)).index;
    if (!this.network.wanted.has(StoreLinks.pair(a, b))) return this.network.connect(a, b);
    this.network.disconnect(a, b);
    this.stats.partitions++;
  }

  private async restart(writer: Writer): Promise<void> {
    this.network.isolate(writer.index);
    await this.closeWriter(writer);
    writer.store = new Corestore(writer.dir);
    writer.kb = await this.openBase(writer);
    this.network.rejoin(writer.index);
    this.stats.restarts++;
  }

  /** What `writer` sees at `path` now; bytes still on their way keep downloading after a short wait. */
  private async look(writer: Writer, path: string): Promise<Seen> {
    const entry = await within(writer.kb.stat(path, { timeout: READ_TIMEOUT_MS }), QUICK_READ_MS);
    if (!entry.ok) return undefined;
    if (!entry.value) return null;
    const bytes = await within(writer.kb.read(entry.value, { timeout: READ_TIMEOUT_MS }), QUICK_READ_MS);
    return bytes.ok ? { entry: entry.value, text: bytes.value.toString('utf-8') } : undefined;
  }

  /** Hot paths other than `path` that `writer` sees free now (a concurrent create there is the engine's to keep). */
  private async freePaths(writer: Writer, path: string): Promise<string[]> {
    const free: string[] = [];
    for (const other of this.paths) {
      if (other === path) continue;
      const entry = await within(writer.kb.stat(other, { timeout: READ_TIMEOUT_MS }), QUICK_READ_MS);
      if (entry.ok && entry.value === null) free.push(other);
    }
    return free;
  }

  /** One op by one writer, based on what it sees; acknowledged when the knowledge base call resolves. */
  private async act(writer: Writer): Promise<void> {
    const { rand, kb } = writer;
    const path = pickFrom(rand, this.paths);
    const roll = rand();
    const targetPick = rand();
    const position = rand();
    const count = 1 + Math.floor(rand() * 3);
    const fresh = (n: number) => Array.from({ length: n }, () => `[${writer.name}.${++writer.tokens}]`);
    const mtime = 1_700_000_000_000 + writer.tokens;

    const seen = await this.look(writer, path);
    if (seen === undefined) {
      this.stats.unreadable++;
      return;
    }
    let op: AckedOp;
    let write: () => Promise<unknown>;
    // A rename goes to a hot path this writer sees free; with none free it becomes an edit.
    const free = seen && roll >= 0.82 ? await this.freePaths(writer, path) : [];
    const target = free[Math.floor(targetPick * free.length)];
    if (seen === null) {
      const lines = fresh(count);
      op = { kind: 'create', removed: [], added: lines };
      write = () => kb.putFiles([{ path, bytes: textOf(lines), mtime, base: null }]);
    } else if (roll < 0.5 || (roll >= 0.82 && target === undefined)) {
      // An edit inserts one line at a random place.
      const lines = linesOf(seen.text);
      const [token] = fresh(1);
      lines.splice(Math.floor(position * (lines.length + 1)), 0, token);
      op = { kind: 'edit', removed: [], added: [token] };
      write = () => kb.putFiles([{ path, bytes: textOf(lines), mtime, base: { hash: seen.entry.hash, blob: seen.entry.blob } }]);
    } else if (roll < 0.6) {
      const lines = fresh(count);
      op = { kind: 'overwrite', removed: tokensOf(seen.text), added: lines };
      write = () => kb.putFiles([{ path, bytes: textOf(lines), mtime, base: { hash: seen.entry.hash, blob: seen.entry.blob } }]);
    } else if (roll < 0.82) {
      op = { kind: 'delete', removed: tokensOf(seen.text), added: [] };
      write = () => kb.deleteFiles([{ path, base: seen.entry.hash }]);
    } else {
      op = { kind: 'rename', removed: [], added: [] };
      write = () => kb.rename(path, target);
    }
    try {
      const started = Date.now();
      await write();
      const took = Date.now() - started;
      if (took > ROUND_WAIT_MS) this.stats.stalled++;
      this.stats.longestOpMs = Math.max(this.stats.longestOpMs, took);
      this.acked.push(op);
      writer.acked++;
      this.stats.acknowledged++;
      this.stats[op.kind]++;
    } catch (err) {
      this.stats.failedOps++;
      this.stats.errors.push(`${writer.name} ${op.kind} ${path}: ${message(err)}`);
    }
  }

  /** Heal every link, let every op land, and wait (bounded) until all writers applied the same heads. */
  private async settle(): Promise<boolean> {
    const started = Date.now();
    this.network.healAll();
    const drained = await within(Promise.all(this.writers.flatMap((w) => (w.pending ? [w.pending] : []))), SETTLE_MS);
    if (!drained.ok) this.stats.errors.push(`ops still pending after healing: ${message(drained.error)}`);
    let stable = 0;
    while (Date.now() - started < SETTLE_MS) {
      await within(Promise.all(this.writers.map((w) => w.kb.update())), READ_TIMEOUT_MS * 5);
      const heads = this.writers.map(headsOf);
      stable = heads.every((h) => h === heads[0]) ? stable + 1 : 0;
      if (stable >= 3) break;
      await pause(20);
    }
    this.stats.convergeMs = Date.now() - started;
    return stable >= 3;
  }

  /** Compare every writer's (path, hash) list and check the lost-edit oracle against the final texts. */
  private async compare(settled: boolean): Promise<ConvergenceReport> {
    const views: Map<string, string>[] = [];
    const present = new Set<string>();
    for (const writer of this.writers) {
      const files = new Map<string, string>();
      const listed = await within((async () => {
        for await (const entry of writer.kb.files()) {
          files.set(entry.path, entry.hash.toString('hex'));
          const bytes = await within(writer.kb.read(entry, { timeout: READ_TIMEOUT_MS * 5 }), READ_TIMEOUT_MS * 6);
          if (bytes.ok) for (const token of tokensOf(bytes.value.toString('utf-8'))) present.add(token);
          else this.stats.errors.push(`${writer.name} cannot read ${entry.path}: ${message(bytes.error)}`);
        }
      })(), SETTLE_MS);
      if (!listed.ok) this.stats.errors.push(`${writer.name} cannot list its files: ${message(listed.error)}`);
      views.push(files);
    }
    const differences: string[] = [];
    const [reference] = views;
    views.forEach((view, i) => {
      for (const path of [...new Set([...reference.keys(), ...view.keys()])].sort()) {
        const [a, b] = [reference.get(path), view.get(path)];
        if (a !== b) differences.push(`${path}: w0 ${a?.slice(0, 8) ?? 'absent'}, w${i} ${b?.slice(0, 8) ?? 'absent'}`);
      }
    });
    const removedOnPurpose = new Set(this.acked.flatMap((op) => op.removed));
    const lost = this.acked.flatMap((op) => op.added).filter((token) => !present.has(token) && !removedOnPurpose.has(token));
    this.stats.files = reference.size;
    this.stats.conflictCopies = [...reference.keys()].filter((path) => path.includes('(conflict')).length;
    return { seed: this.opts.seed, divergent: differences.length > 0, differences, lost, settled, stats: this.stats };
  }
}
