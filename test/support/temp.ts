// Temporary directories and stores that every test owns and removes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Corestore from 'corestore';

/** A fresh temp dir; `cleanup` removes it. */
export async function tempDir(prefix = 'tzimtzum-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }) };
}

/** Collects cleanups and runs them in reverse order (close swarms, then stores, then dirs). */
export class Teardown {
  private readonly steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async dir(prefix?: string): Promise<string> {
    const { dir, cleanup } = await tempDir(prefix);
    this.add(cleanup);
    return dir;
  }

  async store(dir?: string): Promise<Corestore> {
    const store = new Corestore(dir ?? (await this.dir('tzimtzum-store-')));
    this.add(() => store.close());
    return store;
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      await step();
    }
  }
}

/** A small seeded PRNG (mulberry32) for reproducible randomized tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a randomized test: `SEED=` replays one, otherwise a fresh one that the test prints. */
export function testSeed(name: string): number {
  const seed = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${name}: SEED=${seed}`);
  return seed;
}
