// The convergence harness over many more seeds than CI runs: three writers, random edits of a few hot
// notes, partitions and restarts per seed (see test/support/convergence.ts). Prints a line per failing
// seed and a summary; exits non-zero if any seed diverged, lost an edit or never settled.
//
//   npx tsx scripts/soak-convergence.ts [--seeds N] [--from SEED] [--ops N] [--jobs N] [--verbose]
//
// Replay one seed with `SEED=<n> npx vitest run test/engine/convergence.test.ts`, or `--from <n> --seeds 1`.
import os from 'node:os';
import { describeReport, failed, type ConvergenceReport } from '../test/support/convergence';
import { runSeeds, seedRange } from '../test/support/convergence-runner';

interface SoakOptions {
  seeds: number;
  from: number;
  ops: number;
  jobs: number;
  verbose: boolean;
}

function parseArgs(argv: string[]): SoakOptions {
  const options: SoakOptions = {
    seeds: 200,
    // Seeded from the clock unless given: the summary names every failing seed, so none is unrepeatable.
    from: Date.now() % 2 ** 31,
    ops: 200,
    jobs: Math.max(1, os.availableParallelism()),
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--verbose') {
      options.verbose = true;
      continue;
    }
    const value = Number(argv[++i]);
    const name = flag.replace(/^--/, '');
    if (!['seeds', 'from', 'ops', 'jobs'].includes(name) || !Number.isInteger(value) || value < 0) {
      throw new Error(`Unknown option or bad value: ${flag} ${argv[i] ?? ''}. Usage: soak-convergence [--seeds N] [--from SEED] [--ops N] [--jobs N] [--verbose]`);
    }
    options[name as 'seeds' | 'from' | 'ops' | 'jobs'] = value;
  }
  return options;
}

function summarize(reports: ConvergenceReport[], elapsedMs: number): string {
  const failures = reports.filter(failed);
  const sum = (pick: (report: ConvergenceReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  return [
    `${reports.length} seeds, ${sum((r) => r.stats.acknowledged)} ops acknowledged, ${sum((r) => r.stats.partitions)} partitions, ` +
      `${sum((r) => r.stats.restarts)} restarts, ${sum((r) => r.stats.conflictCopies)} conflict copies, ${Math.round(elapsedMs / 1000)} s`,
    `ops that waited over 2 s for bytes from an unreachable writer: ${sum((r) => r.stats.stalled)} ` +
      `(longest ${Math.max(0, ...reports.map((r) => r.stats.longestOpMs))} ms)`,
    `divergent: ${reports.filter((r) => r.divergent).length}, with lost edits: ${reports.filter((r) => r.lost.length > 0).length} ` +
      `(${sum((r) => r.lost.length)} edits), never settled: ${reports.filter((r) => !r.settled).length}, ` +
      `compared again after the views first differed: ${reports.filter((r) => r.stats.recompared > 0).length}`,
    failures.length === 0 ? 'all seeds converged with no lost edit' : `failing seeds: ${failures.map((r) => r.seed).join(' ')}`,
  ].join('\n');
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  console.log(`soak-convergence: ${options.seeds} seeds from SEED=${options.from}, ${options.ops} ops per writer, ${options.jobs} jobs`);
  let done = 0;
  const reports = await runSeeds({
    seeds: seedRange(options.from, options.seeds),
    opsPerWriter: options.ops,
    jobs: options.jobs,
    onReport: (report) => {
      done++;
      if (failed(report) || options.verbose) console.log(`[${done}/${options.seeds}] ${describeReport(report)}`);
    },
  });
  console.log(summarize(reports, Date.now() - started));
  return reports.some(failed) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
