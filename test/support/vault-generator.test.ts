import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateVault } from './vault-generator.js';

const SEED = process.env.SEED ? Number(process.env.SEED) : 20240611;

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tzimtzum-vault-'));
  dirs.push(dir);
  return dir;
}

/** Every file under `dir` as `relative path → sha256`, walked in sorted order. */
function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of entries) {
    out.set(file.slice(dir.length + 1), createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return out;
}

describe('generateVault', () => {
  beforeAll(() => console.log(`vault generator seed: ${SEED} (replay with SEED=${SEED})`));
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same tree and bytes for the same seed', () => {
    const a = tempDir();
    const b = tempDir();
    const first = generateVault(a, { notes: 300, seed: SEED, binaries: 2 });
    const second = generateVault(b, { notes: 300, seed: SEED, binaries: 2 });
    expect(second).toEqual(first);
    expect(fingerprint(b)).toEqual(fingerprint(a));
  });

  it('writes a different vault for a different seed', () => {
    const a = tempDir();
    const b = tempDir();
    generateVault(a, { notes: 100, seed: SEED, binaries: 1 });
    generateVault(b, { notes: 100, seed: SEED + 1, binaries: 1 });
    expect(fingerprint(b)).not.toEqual(fingerprint(a));
  });

  it('reports exactly the files and bytes it wrote', () => {
    const dir = tempDir();
    const vault = generateVault(dir, { notes: 200, seed: SEED, binaries: 3 });
    const files = fingerprint(dir);
    expect(vault.files).toBe(203);
    expect([...files.keys()].sort()).toEqual([...vault.paths].sort());
    const onDisk = vault.paths.reduce((sum, p) => sum + statSync(join(dir, p)).size, 0);
    expect(vault.bytes).toBe(onDisk);
  });

  it('gives notes a ~2 KiB median between 200 B and 20 KiB', () => {
    const dir = tempDir();
    const vault = generateVault(dir, { notes: 2000, seed: SEED, binaries: 0 });
    const sizes = vault.paths.map((p) => statSync(join(dir, p)).size).sort((x, y) => x - y);
    const median = sizes[Math.floor(sizes.length / 2)];
    expect(median).toBeGreaterThan(1.6 * 1024);
    expect(median).toBeLessThan(2.5 * 1024);
    expect(sizes[0]).toBeGreaterThanOrEqual(200);
    expect(sizes.at(-1)).toBeLessThanOrEqual(20 * 1024);
    // A spread, not a constant: the top 5% are several times the median.
    expect(sizes[Math.floor(sizes.length * 0.95)]).toBeGreaterThan(2.5 * median);
  });

  it('writes binary attachments of 0.2–2 MiB, and none when asked for none', () => {
    const dir = tempDir();
    const vault = generateVault(dir, { notes: 10, seed: SEED, binaries: 5 });
    const attachments = vault.paths.filter((p) => !p.endsWith('.md'));
    expect(attachments).toHaveLength(5);
    for (const p of attachments) {
      expect(p).toMatch(/\.(png|pdf)$/);
      const size = statSync(join(dir, p)).size;
      expect(size).toBeGreaterThanOrEqual(200 * 1024);
      expect(size).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
    const bare = generateVault(tempDir(), { notes: 10, seed: SEED, binaries: 0 });
    expect(bare.paths.every((p) => p.endsWith('.md'))).toBe(true);
  });

  it('spreads notes over about 50 folders, some nested two or three deep', () => {
    const vault = generateVault(tempDir(), { notes: 1000, seed: SEED, binaries: 0 });
    const folders = new Set(vault.paths.map((p) => p.split('/').slice(0, -1).join('/')).filter(Boolean));
    expect(folders.size).toBeGreaterThan(35);
    expect(folders.size).toBeLessThanOrEqual(50);
    expect([...folders].some((f) => f.split('/').length >= 3)).toBe(true);
  });

  it('links notes to each other with [[wikilinks]] that resolve to generated notes', () => {
    const dir = tempDir();
    const vault = generateVault(dir, { notes: 300, seed: SEED, binaries: 2 });
    const names = new Set(vault.paths.map((p) => basename(p).replace(/\.md$/, '')));
    const text = vault.paths.filter((p) => p.endsWith('.md')).map((p) => readFileSync(join(dir, p), 'utf8')).join('\n');
    const links = [...text.matchAll(/\[\[([^\]]+)\]\]/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(100);
    for (const link of links) expect(names.has(link)).toBe(true);
    expect(text).toMatch(/^---\ncreated: /m);
    expect(text).toMatch(/^## /m);
    expect(text).toMatch(/#[a-z]+\/[a-z]+/);
  });

  it('uses unicode names that are legal on Linux, macOS and Windows, unique regardless of case', () => {
    const vault = generateVault(tempDir(), { notes: 2000, seed: SEED, binaries: 20 });
    const illegal = /[<>:"\\|?*\u0000-\u001f]|[. ]$|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
    for (const p of vault.paths) for (const part of p.split('/')) expect(part).not.toMatch(illegal);
    expect(vault.paths.some((p) => /[^\x20-\x7e]/.test(p))).toBe(true);
    const folded = new Set(vault.paths.map((p) => p.normalize('NFC').toLowerCase()));
    expect(folded.size).toBe(vault.paths.length);
  });
});
