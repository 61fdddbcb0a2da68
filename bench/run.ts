// `npm run bench`: generates seeded vaults, runs Tzimtzum and the Hyperdrive baseline on each in the same
// run, and prints a table per section plus the ratios and the goals they are held to.
//
//   npm run bench                     1,000 and 10,000 notes, every section
//   npm run bench -- --quick          1,000 notes only
//   npm run bench -- --json           machine-readable results on stdout (progress goes to stderr)
//   npm run bench -- --only sync,edit --seed 7 --sizes 10000
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateVault } from '../test/support/vault-generator';
import {
  runHyperdriveEditLatency, runHyperdriveImport, runHyperdriveInitialSync, runHyperdriveLazyRead,
} from './baseline-hyperdrive.js';
import { compare, formatComparisons, type Comparison } from './compare.js';
import { formatTable, type BenchResult } from './measure.js';
import { runTzimtzumEditLatency, runTzimtzumImport, runTzimtzumInitialSync, runTzimtzumLazyRead } from './tzimtzum.js';

const SECTIONS = ['import', 'sync', 'edit', 'lazy'] as const;
type Section = (typeof SECTIONS)[number];
const MiB = 1024 * 1024;
const KiB = 1024;
/** Goals are set for the largest vault; smaller ones are shown against the same numbers, unjudged. */
const GOAL_SIZE = 10_000;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    only: { type: 'string' },
    sizes: { type: 'string' },
  },
});
const seed = Number(args.seed);
const sizes = args.sizes ? args.sizes.split(',').map(Number) : args.quick ? [1_000] : [1_000, 10_000];
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes takes note counts separated by commas, e.g. --sizes 1000,10000.`);
const sections = (args.only ? args.only.split(',') : [...SECTIONS]) as Section[];
for (const s of sections) if (!SECTIONS.includes(s)) throw new Error(`Unknown section "${s}"; choose from ${SECTIONS.join(', ')}.`);

/** Results of one section at one vault size. */
interface SectionRun {
  section: Section;
  notes: number;
  results: BenchResult[];
  comparisons: Comparison[];
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function named(notes: number, result: BenchResult): BenchResult {
  return { ...result, name: `${notes.toLocaleString('en')} notes: ${result.name}` };
}

/** The goal applies only at the size it was set for. */
function at<T>(notes: number, goal: T): T | undefined {
  return notes === GOAL_SIZE ? goal : undefined;
}

async function runImport(vaultDir: string, scratch: string, notes: number): Promise<SectionRun> {
  progress(`${notes} notes: Tzimtzum import`);
  const tz = await runTzimtzumImport({ vaultDir, storeDir: join(scratch, `tz-store-${notes}`) });
  progress(`${notes} notes: Hyperdrive import`);
  const hd = await runHyperdriveImport({ vaultDir, storeDir: join(scratch, `hd-store-${notes}`) });
  await rm(join(scratch, `tz-store-${notes}`), { recursive: true, force: true });
  await rm(join(scratch, `hd-store-${notes}`), { recursive: true, force: true });
  const section = `import ${notes}`;
  return {
    section: 'import', notes, results: [tz, hd].map((r) => named(notes, r)),
    comparisons: [
      compare({ section, metric: 'seconds', unit: 's', tzimtzum: tz.seconds, baseline: hd.seconds, goal: at(notes, { maxRatio: 0.2 }) }),
      compare({ section, metric: 'peak RSS', unit: 'MiB', tzimtzum: tz.peakRssBytes! / MiB, baseline: hd.peakRssBytes! / MiB, goal: at(notes, { max: 250 }) }),
      compare({ section, metric: 'store / vault', unit: '×', tzimtzum: tz.diskBytes! / tz.vaultBytes, baseline: hd.diskBytes! / hd.vaultBytes, goal: at(notes, { max: 1.5 }) }),
    ],
  };
}

async function runSync(vaultDir: string, notes: number): Promise<SectionRun> {
  progress(`${notes} notes: Tzimtzum initial sync`);
  const [tzLocal, tzWritten] = await runTzimtzumInitialSync({ vaultDir });
  progress(`${notes} notes: Hyperdrive initial sync`);
  const [hdLocal, hdWritten] = await runHyperdriveInitialSync({ vaultDir });
  const section = `sync ${notes}`;
  return {
    section: 'sync', notes, results: [tzLocal, tzWritten, hdLocal, hdWritten].map((r) => named(notes, r)),
    comparisons: [
      compare({ section, metric: 'all data local', unit: 's', tzimtzum: tzLocal.seconds, baseline: hdLocal.seconds, goal: at(notes, { max: 3 }) }),
      compare({ section, metric: 'all files written', unit: 's', tzimtzum: tzWritten.seconds, baseline: hdWritten.seconds, goal: at(notes, { maxRatio: 0.3 }) }),
      compare({ section, metric: 'wire bytes, all data local', unit: 'MiB', tzimtzum: tzLocal.details!.wireBytes / MiB, baseline: hdLocal.details!.wireBytes / MiB }),
      compare({ section, metric: 'peak RSS (subscriber)', unit: 'MiB', tzimtzum: tzWritten.peakRssBytes! / MiB, baseline: hdWritten.peakRssBytes! / MiB }),
    ],
  };
}

async function runEdit(vaultDir: string, notes: number): Promise<SectionRun> {
  progress(`${notes} notes: Tzimtzum edits through the watcher, debounce 100 ms`);
  const debounced = await runTzimtzumEditLatency({ vaultDir, feed: { kind: 'watcher', debounceMs: 100 } });
  progress(`${notes} notes: Tzimtzum edits fed to the mirror directly`);
  const direct = await runTzimtzumEditLatency({ vaultDir, feed: { kind: 'direct' } });
  progress(`${notes} notes: Hyperdrive edits`);
  const hd = await runHyperdriveEditLatency({ vaultDir });
  const section = `edit ${notes}`;
  const d = (r: BenchResult, k: string): number => r.details![k];
  return {
    section: 'edit', notes, results: [debounced, direct, hd].map((r) => named(notes, r)),
    comparisons: [
      compare({ section, metric: 'p50, debounce 100 ms', unit: 'ms', tzimtzum: d(debounced, 'p50Ms'), baseline: d(hd, 'p50Ms'), goal: { max: 120 } }),
      compare({ section, metric: 'p95, debounce 100 ms', unit: 'ms', tzimtzum: d(debounced, 'p95Ms'), baseline: d(hd, 'p95Ms'), goal: { max: 150 } }),
      compare({ section, metric: 'p50, no debounce', unit: 'ms', tzimtzum: d(direct, 'p50Ms'), baseline: d(hd, 'p50Ms'), goal: { max: 20 } }),
      compare({ section, metric: 'p95, no debounce', unit: 'ms', tzimtzum: d(direct, 'p95Ms'), baseline: d(hd, 'p95Ms') }),
    ],
  };
}

async function runLazy(vaultDir: string, notes: number): Promise<SectionRun> {
  progress(`${notes} notes: Tzimtzum lazy read`);
  const tz = await runTzimtzumLazyRead({ vaultDir });
  progress(`${notes} notes: Hyperdrive lazy read`);
  const hd = await runHyperdriveLazyRead({ vaultDir });
  const section = `lazy read ${notes}`;
  const d = (r: BenchResult, k: string): number => r.details![k];
  return {
    section: 'lazy', notes, results: [tz, hd].map((r) => named(notes, r)),
    comparisons: [
      compare({ section, metric: 'first note, wire bytes', unit: 'KiB', tzimtzum: d(tz, 'firstNoteWireBytes') / KiB, baseline: d(hd, 'firstNoteWireBytes') / KiB, goal: at(notes, { max: 64 }) }),
      // Tzimtzum: first connection → bytes (its view must catch up first); the baseline: `get` after `update`.
      compare({ section, metric: 'first note after connecting (baseline: get)', unit: 'ms', tzimtzum: d(tz, 'firstNoteSinceConnectedMs'), baseline: d(hd, 'firstNoteGetMs'), goal: at(notes, { max: 100 }) }),
      compare({ section, metric: 'first note, from spawn', unit: 's', tzimtzum: tz.seconds, baseline: hd.seconds }),
      compare({ section, metric: 'further note, wire bytes', unit: 'KiB', tzimtzum: d(tz, 'furtherWireBytesPerNote') / KiB, baseline: d(hd, 'furtherWireBytesPerNote') / KiB, goal: at(notes, { max: 20 }) }),
      compare({ section, metric: 'further note, p50', unit: 'ms', tzimtzum: d(tz, 'furtherNoteP50Ms'), baseline: d(hd, 'furtherNoteP50Ms') }),
    ],
  };
}

const TITLES: Record<Section, string> = {
  import: 'Import (folder → knowledge base), one child process each',
  sync: 'Initial sync to a fresh subscriber, timed from its spawn',
  edit: 'Edit latency, author save → subscriber disk, 50 edits',
  lazy: 'Lazy read of notes by a fresh reader',
};

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'tzimtzum-bench-'));
  const runs: SectionRun[] = [];
  const failures: string[] = [];
  try {
    for (const notes of sizes) {
      const vaultDir = join(scratch, `vault-${notes}`);
      const vault = generateVault(vaultDir, { notes, seed });
      progress(`generated ${notes} notes (${vault.files} files, ${(vault.bytes / 1e6).toFixed(1)} MB, seed ${seed})`);
      for (const section of sections) {
        // The lazy read is specified against the large vault; the quick run uses what it has.
        if (section === 'lazy' && notes !== sizes[sizes.length - 1]) continue;
        const run = { import: () => runImport(vaultDir, scratch, notes), sync: () => runSync(vaultDir, notes), edit: () => runEdit(vaultDir, notes), lazy: () => runLazy(vaultDir, notes) }[section];
        // One failed section must not throw away the others' figures: report it and go on.
        try {
          runs.push(await run());
        } catch (err) {
          failures.push(`${notes} notes, ${section}: ${err instanceof Error ? err.message : String(err)}`);
          progress(`FAILED ${failures.at(-1)}`);
        }
      }
      await rm(vaultDir, { recursive: true, force: true });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
  if (args.json) {
    console.log(JSON.stringify({ seed, sizes, results: runs.flatMap((r) => r.results), comparisons: runs.flatMap((r) => r.comparisons), failures }, null, 2));
  } else {
    printSections(runs);
    for (const failure of failures) console.log(`\nFAILED: ${failure}`);
  }
  if (failures.length > 0) process.exitCode = 1;
}

function printSections(runs: readonly SectionRun[]): void {
  for (const section of sections) {
    const own = runs.filter((r) => r.section === section);
    if (own.length === 0) continue;
    console.log(`\n## ${TITLES[section]}\n`);
    console.log(formatTable(own.flatMap((r) => r.results)));
    console.log('');
    console.log(formatComparisons(own.flatMap((r) => r.comparisons)));
  }
}

await main();
