import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (npm run mutate): the unit tests, the storage model
 * and the simulator's scenario tests. The long properties (thousands of runs each) stay out: with
 * them a mutant takes minutes, and they are what the sweep and `npm test` are for.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/property/storage-model.property.test.ts'],
    exclude: ['test/sim/cli/**'],
    maxWorkers: 1,
    testTimeout: 60_000,
  },
});
