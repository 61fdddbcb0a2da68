// What one convergence run found (see convergence.ts), and how it reads in a log.

export interface ConvergenceStats {
  acknowledged: number;
  create: number;
  edit: number;
  overwrite: number;
  delete: number;
  rename: number;
  /** Turns passed because the writer's previous op had not resolved yet (a stalled apply). */
  busy: number;
  /** Ops acknowledged only after more than a round's wait (the writer's apply waited for bytes it lacked). */
  stalled: number;
  longestOpMs: number;
  /** Turns passed because the writer could not read the note it picked yet (bytes not replicated). */
  unreadable: number;
  failedOps: number;
  partitions: number;
  restarts: number;
  files: number;
  conflictCopies: number;
  convergeMs: number;
  /** Comparisons repeated because the views differed when first compared (a reorder still in flight). */
  recompared: number;
  durationMs: number;
  errors: string[];
}

export interface ConvergenceReport {
  seed: number;
  /** Whether the writers' views differ in any (path, hash) after healing. */
  divergent: boolean;
  differences: string[];
  /** Tokens of acknowledged edits that no final file holds and no acknowledged op removed on purpose. */
  lost: string[];
  /** Whether every writer applied the same heads before the bound ran out. */
  settled: boolean;
  stats: ConvergenceStats;
}

/** Whether a report breaks either promise (or the views never settled). */
export function failed(report: ConvergenceReport): boolean {
  return report.divergent || report.lost.length > 0 || !report.settled;
}

/** One line for a log or an assertion message; names the seed so the run can be replayed. */
export function describeReport(report: ConvergenceReport): string {
  const s = report.stats;
  const problems = [
    report.divergent ? `divergent: ${report.differences.slice(0, 4).join('; ')}` : '',
    report.lost.length > 0 ? `lost ${report.lost.length}: ${report.lost.slice(0, 8).join(' ')}` : '',
    report.settled ? '' : 'views never settled',
    s.errors.length > 0 ? `errors: ${s.errors.slice(0, 3).join('; ')}` : '',
  ].filter(Boolean);
  return `SEED=${report.seed} ${failed(report) ? 'FAILED' : 'ok'}: ${s.acknowledged} ops acknowledged ` +
    `(${s.edit} edit, ${s.overwrite} overwrite, ${s.create} create, ${s.delete} delete, ${s.rename} rename; ` +
    `${s.busy} turns busy, ${s.unreadable} unreadable; ${s.stalled} stalled, longest ${s.longestOpMs} ms), ` +
    `${s.partitions} partitions, ${s.restarts} restarts, ` +
    `${s.files} files (${s.conflictCopies} conflict copies), settled in ${s.convergeMs} ms` +
    `${s.recompared > 0 ? ` (compared ${s.recompared + 1} times)` : ''}, ${s.durationMs} ms in all` +
    (problems.length > 0 ? ` — ${problems.join(' — ')}` : '');
}

/** Counters at zero, for a run about to start (or one that ended without running). */
export function emptyStats(): ConvergenceStats {
  return {
    acknowledged: 0, create: 0, edit: 0, overwrite: 0, delete: 0, rename: 0, busy: 0, stalled: 0, longestOpMs: 0,
    unreadable: 0, failedOps: 0, partitions: 0, restarts: 0, files: 0, conflictCopies: 0, convergeMs: 0, recompared: 0, durationMs: 0, errors: [],
  };
}
