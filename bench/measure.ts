// Measuring tools for `npm run bench`: memory, disk, time, and the side-by-side table.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const MB = 1_000_000;

/** One measured run: what was moved, how long it took, and what it cost in memory and disk. */
export interface BenchResult {
  name: string;
  /** Files in the vault the run worked on. */
  files: number;
  /** Bytes of those files (the vault's apparent size). */
  vaultBytes: number;
  seconds: number;
  /** Peak resident memory of the process that did the work; null when not measured. */
  peakRssBytes: number | null;
  /** Bytes the run left on disk (its store, its written folder); null when not measured. */
  diskBytes: number | null;
  /** Scenario-specific figures, printed under the table (e.g. `wireBytes`, `p95Ms`). */
  details?: Record<string, number>;
}

/** A running RSS sampler for the current process. */
export interface RssSampler {
  /** Stops sampling; `sampledBytes` is the highest sample, `maxRssBytes` the OS's lifetime peak. */
  stop(): { sampledBytes: number; maxRssBytes: number };
}

/** Samples this process's RSS every `intervalMs` until stopped. */
export function sampleRss(intervalMs = 50): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      // maxRSS is in KiB and covers the whole life of the process, not just the sampled span.
      return { sampledBytes: peak, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    },
  };
}

/** Bytes `dir` occupies on disk: allocated blocks where the OS reports them, else apparent size. */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const seen = new Set<string>(); // hard links count once
  const pending = [dir];
  // Bounded by the tree itself: each directory is queued once, symlinks are not followed.
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true });
    const stats = await Promise.all(entries.map((e) => lstat(join(current, e.name))));
    for (const [i, st] of stats.entries()) {
      if (st.isDirectory()) pending.push(join(current, entries[i].name));
      const id = `${st.dev}:${st.ino}`;
      if (st.nlink > 1 && seen.has(id)) continue;
      seen.add(id);
      total += typeof st.blocks === 'number' && st.blocks > 0 ? st.blocks * 512 : st.size;
    }
  }
  return total;
}

/** How many files `dir` holds and their apparent size in bytes (what a user would call the vault size). */
export async function folderSize(dir: string): Promise<{ files: number; bytes: number }> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const sizes = await Promise.all(files.map(async (f) => (await lstat(f)).size));
  return { files: files.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

/** Runs `work` and says how long it took, in seconds of wall-clock time. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** The `p`-th percentile (0–100) of `values`, nearest-rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** True when the command line asks for machine-readable output. */
export function wantsJson(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--json');
}

/** The results as a text table, one row each, with every row's details listed below it. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['name', 'files/s', 'MB/s', 'seconds', 'peak RSS MiB', 'disk MiB', 'disk/vault ratio'];
  const rows = results.map((r) => [
    r.name,
    fixed(r.files / r.seconds, 0),
    fixed(r.vaultBytes / MB / r.seconds, 2),
    fixed(r.seconds, 2),
    r.peakRssBytes === null ? '–' : fixed(r.peakRssBytes / MiB, 0),
    r.diskBytes === null ? '–' : fixed(r.diskBytes / MiB, 1),
    r.diskBytes === null ? '–' : fixed(r.diskBytes / r.vaultBytes, 2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w, c) => (c === 0 ? '-' : '') + '-'.repeat(w + 1) + (c === 0 ? '' : ':')).join('|')}|`];
  for (const row of rows) out.push(line(row));
  const notes = results.filter((r) => r.details && Object.keys(r.details).length > 0);
  if (notes.length > 0) out.push('');
  for (const r of notes) {
    const figures = Object.entries(r.details!).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`);
    out.push(`${r.name}: ${figures.join(', ')}`);
  }
  return out.join('\n');
}

/** Prints the results as the table, or as JSON when `json` is set (see `wantsJson`). */
export function printResults(results: readonly BenchResult[], json = wantsJson()): void {
  console.log(json ? JSON.stringify(results, null, 2) : formatTable(results));
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}
