// Tzimtzum beside the baseline: one figure per line, both values, their ratio, and the goal it is held to.

/** What a figure must reach: at most `max` in its unit, or at most `maxRatio` × the baseline. */
export type Goal = { max: number } | { maxRatio: number };

/** One figure measured on both sides in the same run. */
export interface Comparison {
  section: string;
  metric: string;
  unit: string;
  tzimtzum: number;
  /** NaN when the baseline has no such figure. */
  baseline: number;
  /** tzimtzum / baseline. */
  ratio: number;
  goal: Goal | null;
  /** Null when there is no goal for this figure. */
  met: boolean | null;
}

/** Builds a comparison line and judges it against its goal. */
export function compare(o: { section: string; metric: string; unit: string; tzimtzum: number; baseline: number; goal?: Goal }): Comparison {
  const ratio = o.tzimtzum / o.baseline;
  const goal = o.goal ?? null;
  const met = goal === null ? null : 'max' in goal ? o.tzimtzum <= goal.max : ratio <= goal.maxRatio;
  return { ...o, ratio, goal, met };
}

/** The comparisons as a text table. */
export function formatComparisons(rows: readonly Comparison[]): string {
  const header = ['figure', 'tzimtzum', 'baseline', 'tzimtzum/baseline', 'goal', 'met'];
  const cells = rows.map((r) => [
    `${r.section}: ${r.metric}`,
    `${number(r.tzimtzum)} ${r.unit}`,
    Number.isFinite(r.baseline) ? `${number(r.baseline)} ${r.unit}` : '–',
    Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '–',
    r.goal === null ? '–' : 'max' in r.goal ? `≤ ${number(r.goal.max)} ${r.unit}` : `≤ ${r.goal.maxRatio}× baseline`,
    r.met === null ? '–' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

function number(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
