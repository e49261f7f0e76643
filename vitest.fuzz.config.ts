/**
 * `npm run fuzz`: the property and fuzz tests of test/fuzz at full counts (see test/fuzz/support/runs.ts),
 * without the per-test timeout of `npm test`. Started by scripts/fuzz.js, which prints the number of cases.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.test.ts'],
    testTimeout: 0,
    hookTimeout: 600_000,
    pool: 'forks',
    // Two files at a time: the PGlite file and a CPU-bound one; more would only compete for the same cores.
    maxWorkers: 2,
    env: { ROLLSAFE_FUZZ: '1' },
  },
});
