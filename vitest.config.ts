import { defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: {
    // The plugin layer is tested against a disk-backed harness of the Obsidian API.
    alias: { obsidian: fileURLToPath(new URL('./test/harness/obsidian/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on peers, disks and timers, not on the CPU: two files at a
    // time even on two cores (CI has two) took the suite from 424 s to 247 s, with the same results.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default'],
  },
});
