// Temporary directories and stores that every test owns and removes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Corestore from 'corestore';
import { mulberry32 } from './vault-generator';

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

/** A small seeded PRNG for reproducible randomized tests. */
export const seededRandom = mulberry32;

/** The seed of a randomized test: `SEED=` replays one, otherwise a fresh one that the test prints. */
export function testSeed(name: string): number {
  const seed = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${name}: SEED=${seed}`);
  return seed;
}
