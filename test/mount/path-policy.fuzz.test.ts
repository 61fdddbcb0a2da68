// Fuzzes the mount's path policy with generated hostile paths against an independent oracle.
// Property: every path the policy accepts, the oracle judges safe (0 escapes). `SEED=` replays a run,
// `FUZZ_RUNS=` changes the count (default 1,000,000). A failure is minimized, printed, and appended to
// test/fixtures/path-policy/regressions.json, which path-policy.test.ts replays on every run.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPath, type PathRejectionReason } from '../../src/mount/path-policy.js';
import { mulberry32 } from '../support/vault-generator.js';
import { judgePath } from './path-oracle.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const SEED = process.env.SEED === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(process.env.SEED) >>> 0;
const REGRESSIONS = new URL('../fixtures/path-policy/regressions.json', import.meta.url);

const PLAIN = [
  'notes', 'Idea', 'file.md', 'a', 'B', 'x y', '日本語', 'Ελληνικά', 'café', 'cafe\u0301', 'Å', 'A\u030a', '😀',
  'می\u200cخواهم', '👩\u200d💻', 'README.md', 'index', '2024-01-01', 'a.b.c', '—', 'Wait…', 'ﬁle', 'Straße', 'İstanbul',
  'ſecret', 'Σίσυφος', 'x~y', 'v1.2', '(draft)', '#tag', '[[link]]', 'ß', 'K', '\u212a', 'ǅ', 'ıi',
];
const HOSTILE: Record<string, readonly string[]> = {
  dots: ['.', '..', '...', '．', '．．', '\u2024', '\u2025', '\u2026', '\ufe52', '\ufe30', '\u3002', '\uff61', '\u2e2e', '\u0701', '.\u0301', '\u2024\u0307'],
  separators: ['/', '\\', ':', '／', '＼', '：', '\ufe68', '\ufe55', '\ufe13', '\u2215', '\u2044', '\u29f8', '\u2216', '\u2236', '\u02d0', '\ua789'],
  hidden: [
    '.obsidian', '.OBSIDIAN', '.Obsidian', '．obsidian', '．ＯＢＳＩＤＩＡＮ', '\u2024obsidian', '.git', '.trash', '.\u200cgit',
    '\u200c.obsidian', '\u200b.git', '\u00ad.obsidian', '\ufeff.trash', '\u2060.git', 'OBSIDI~1', 'GIT~1', 'git~1', 'TRASH~1',
    '～1', 'ＧＩＴ～１', '~1234567',
  ],
  reserved: [
    'CON', 'con', 'con.txt', 'Nul', 'NUL.md', 'AUX', 'PRN', 'COM1', 'com9.md', 'COM¹', 'LPT³.txt', 'LPT9', 'com\uff11', 'ＣＯＮ',
    'CONIN$', 'conout$', 'con .md', 'aux  ', 'COM0', 'lpt\u00b2', 'c\u200bon', 'ｃｏｍ\u2079', 'nul.tar.gz',
  ],
  controls: ['\u0000', '\n', '\r', '\t', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029'],
  bidi: ['\u202e', '\u202a', '\u202d', '\u2066', '\u2067', '\u2069', '\u200e', '\u200f', '\u061c'],
  ignorable: ['\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad', '\u2060', '\u180e', '\u034f', '\ufe0f', '\u206a', '\u{e0001}'],
  prefixes: ['C:', 'c:\\', 'Z:/', '\\\\server\\share\\', '//server/share/', '\\\\?\\', '\\\\.\\', '\\??\\', '/', '~', '~/', 'file:', 'ｃ：', '\\', '／'],
  trailing: ['.', ' ', '\u00a0', '\u3000', '\u2002', '．', '\u2024', '\u202f', '\u1680'],
  forbidden: ['<', '>', '"', '|', '?', '*', '＜', '＞', '＂', '｜', '？', '＊', '\ufe64', '\ufe65', '\ufe56', '\ufe57'],
};
const HOSTILE_KINDS = Object.keys(HOSTILE);

/** A seeded source of hostile paths. */
function hostilePaths(seed: number): () => string {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const hostilePiece = () => pick(HOSTILE[pick(HOSTILE_KINDS)] ?? []);

  const randomCodePoint = (): string => {
    const roll = random();
    // Mostly BMP, with lone surrogates and astral planes in the mix.
    const cp = roll < 0.5 ? int(0x3000) : roll < 0.8 ? int(0x10000) : roll < 0.85 ? 0xd800 + int(0x800) : int(0x110000);
    return String.fromCodePoint(cp);
  };
  const longName = (): string => {
    const unit = pick(['a', 'é', '日', '𝔞', 'e\u0301']);
    const bytes = Buffer.byteLength(unit);
    return unit.repeat(Math.floor((240 + int(40)) / bytes));
  };
  const mutate = (name: string): string => {
    const roll = random();
    if (roll < 0.1) return name.normalize('NFD');
    if (roll < 0.2) return Array.from(name, (c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
    if (roll < 0.25) return name.normalize('NFKD');
    return name;
  };
  const name = (): string => {
    const roll = random();
    if (roll < 0.55) return mutate(pick(PLAIN));
    if (roll < 0.6) return pick(PLAIN) + pick(HOSTILE.trailing ?? []);
    if (roll < 0.68) return pick(PLAIN) + randomCodePoint() + (random() < 0.5 ? pick(PLAIN) : '');
    if (roll < 0.7) return longName();
    if (roll < 0.75) return mutate(Array.from({ length: 1 + int(4) }, randomCodePoint).join(''));
    const parts = [pick(PLAIN), hostilePiece(), pick(PLAIN)];
    return mutate(parts.slice(int(2), 2 + int(2)).join(''));
  };

  return () => {
    const depth = random() < 0.02 ? 30 + int(6) : 1 + int(5);
    let path = random() < 0.05 ? pick(HOSTILE.prefixes ?? []) : '';
    for (let i = 0; i < depth; i++) {
      if (i > 0) path += random() < 0.93 ? '/' : pick(HOSTILE.separators ?? []);
      path += name();
    }
    if (random() < 0.02) path += '/';
    return path;
  };
}

/** True when the policy accepts `path` but the oracle does not judge the written form safe. */
function escapes(path: string): boolean {
  const verdict = checkPath(path);
  return verdict.ok && !judgePath(verdict.path).safe;
}

/** Greedily drops and simplifies code points while the path still escapes; bounded by its length. */
function minimize(path: string): string {
  let chars = Array.from(path);
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (let i = 0; i < chars.length; i++) {
      const without = [...chars.slice(0, i), ...chars.slice(i + 1)];
      if (escapes(without.join(''))) {
        chars = without;
        i--;
        changed = true;
        continue;
      }
      if (chars[i] !== 'a' && chars[i] !== '/') {
        const simpler = [...chars.slice(0, i), 'a', ...chars.slice(i + 1)];
        if (escapes(simpler.join(''))) {
          chars = simpler;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return chars.join('');
}

/** JSON with every non-ASCII character escaped, so the fixture holds no invisible or bidi characters. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\uffff]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function keepRegression(path: string, note: string): void {
  const fixture = JSON.parse(readFileSync(REGRESSIONS, 'utf8')) as { cases: Array<{ path: string; note: string }> };
  if (fixture.cases.some((c) => c.path === path)) return;
  fixture.cases.push({ path, note });
  writeFileSync(REGRESSIONS, `${asciiJson(fixture)}\n`);
}

describe('path policy fuzzing', () => {
  it('never accepts a path the oracle judges unsafe', () => {
    console.log(`path policy fuzz: SEED=${SEED} FUZZ_RUNS=${RUNS}`);
    const next = hostilePaths(SEED);
    const reasons = new Map<PathRejectionReason, number>();
    let accepted = 0;
    // Accepted paths repeat (short ones especially); the oracle is pure, so each is judged once.
    const judgedSafe = new Set<string>();
    const started = performance.now();
    for (let run = 0; run < RUNS; run++) {
      const path = next();
      const verdict = checkPath(path);
      if (!verdict.ok) {
        reasons.set(verdict.reason, (reasons.get(verdict.reason) ?? 0) + 1);
        continue;
      }
      accepted++;
      if (judgedSafe.has(verdict.path)) continue;
      const judged = judgePath(verdict.path);
      if (!judged.safe) {
        const minimal = minimize(path);
        const minimalVerdict = checkPath(minimal);
        const why = minimalVerdict.ok ? judgePath(minimalVerdict.path) : judged;
        keepRegression(minimal, `fuzz SEED=${SEED} run ${run}: ${why.safe ? judged.why : why.why}`);
        expect.fail(`policy accepted an unsafe path (SEED=${SEED}, run ${run}): ${asciiJson(minimal)} (from ${asciiJson(path)}): ${judged.why}; kept in regressions.json`);
      }
      // Accepting is idempotent: the written form is accepted unchanged.
      const again = checkPath(verdict.path);
      if (!again.ok || again.path !== verdict.path) expect.fail(`not idempotent (SEED=${SEED}, run ${run}): ${asciiJson(path)}`);
      judgedSafe.add(verdict.path);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`path policy fuzz: ${accepted} accepted, ${RUNS - accepted} rejected in ${seconds.toFixed(1)} s;`, Object.fromEntries(reasons));

    // The generator must keep producing both outcomes, or the property above proves nothing.
    if (RUNS >= 10_000) {
      expect(accepted / RUNS).toBeGreaterThan(0.1);
      expect(accepted / RUNS).toBeLessThan(0.7);
      const expected: PathRejectionReason[] = [
        'traversal', 'absolute', 'drive', 'unc', 'device', 'backslash', 'empty-segment', 'dot-segment', 'control-char', 'bidi-char',
        'invalid-unicode', 'reserved-name', 'short-name', 'trailing-dot-or-space', 'invalid-char', 'too-long', 'too-deep',
      ];
      for (const reason of expected) expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(RUNS / 10_000);
    }
    // Measured at about 20 s for 1,000,000 paths on a shared 2-core machine; the limit only absorbs slow runners.
  }, 120_000);
});
