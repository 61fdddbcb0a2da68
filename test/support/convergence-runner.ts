// Runs many convergence seeds on every core. One seed is single-threaded work (Autobase applies each op
// on every writer, one apply cycle at a time), so seeds are spread over child processes, each running its
// share one after another. Run directly (`node --import tsx convergence-runner.ts '<json>'`) this module
// is such a child: it runs the seeds it was given and prints one report line per seed.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runConvergence } from './convergence';
import { emptyStats, type ConvergenceReport } from './convergence-report';
import { tempDir } from './temp';

const REPORT_PREFIX = 'convergence-report ';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(import.meta.url);

export interface SeedsOptions {
  seeds: number[];
  opsPerWriter?: number;
  /** Child processes to spread the seeds over (default 2). */
  jobs?: number;
  /** Seeds each child runs at once (default 3: a seed alone leaves its process idle a third of the time). */
  concurrency?: number;
  /** Bound on the whole run; children still running then are killed and their seeds reported failed. */
  timeoutMs?: number;
  /** Called as each report arrives. */
  onReport?: (report: ConvergenceReport) => void;
}

interface ChildTask {
  seeds: number[];
  opsPerWriter?: number;
  /** Seeds a child runs at once: a seed leaves its process idle part of the time (replication, bounded waits). */
  concurrency?: number;
}

/** The seeds `count` runs start from: `first`, `first + 1`, …, so any one replays with `SEED=`. */
export function seedRange(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Run every seed in child processes and return one report per seed, in the order given. */
export async function runSeeds(opts: SeedsOptions): Promise<ConvergenceReport[]> {
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, opts.seeds.length));
  const shares: number[][] = Array.from({ length: jobs }, () => []);
  opts.seeds.forEach((seed, i) => shares[i % jobs].push(seed));
  const reports = new Map<number, ConvergenceReport>();
  // Unless bounded by the caller, a child gets five minutes per seed it runs (a healthy seed takes seconds).
  const deadline = Date.now() + (opts.timeoutMs ?? Math.ceil(opts.seeds.length / jobs) * 5 * 60_000);
  await Promise.all(shares.map((seeds) => runChild({ seeds, opsPerWriter: opts.opsPerWriter, concurrency: opts.concurrency ?? 3 }, deadline, (report) => {
    reports.set(report.seed, report);
    opts.onReport?.(report);
  })));
  return opts.seeds.map((seed) => reports.get(seed) ?? crashed(seed, 'the child process running it ended without a report'));
}

async function runChild(task: ChildTask, deadline: number, onReport: (report: ConvergenceReport) => void): Promise<void> {
  // The child's temp dirs live under one of ours, removed even if the child is killed before its teardown.
  const { dir, cleanup } = await tempDir('tzimtzum-convergence-job-');
  const env = { ...process.env, TMPDIR: dir };
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(task)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
  let buffered = '';
  child.stdout.setEncoding('utf-8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.startsWith(REPORT_PREFIX)) onReport(JSON.parse(line.slice(REPORT_PREFIX.length)) as ConvergenceReport);
      else if (line.trim() !== '') process.stdout.write(line + '\n');
    }
  });
  try {
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

/** A failed report for a seed whose run ended without one. */
export function crashed(seed: number, why: string): ConvergenceReport {
  return { seed, divergent: false, differences: [], lost: [], settled: false, stats: { ...emptyStats(), errors: [why] } };
}

async function childMain(task: ChildTask): Promise<void> {
  const queue = [...task.seeds];
  const lane = async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      let report: ConvergenceReport;
      try {
        report = await runConvergence({ seed, opsPerWriter: task.opsPerWriter });
      } catch (err) {
        report = crashed(seed, `the harness threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      }
      process.stdout.write(REPORT_PREFIX + JSON.stringify(report) + '\n');
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, task.concurrency ?? 1) }, lane));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  childMain(JSON.parse(process.argv[2] ?? '{"seeds":[]}') as ChildTask).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
