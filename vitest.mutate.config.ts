import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (npm run mutate): the unit tests, the storage model
 * and the simulator's scenario tests. The long properties (thousands of runs each) stay out: with
 * them a mutant takes minutes, and they are what the sweep and `npm test` are for.
 *
 * MUTATE_TESTS (comma-separated globs) narrows them to a unit's own tests: the codec and the
 * top-level core files run under every simulator test, so against all of them a run takes a day.
 */
const ALL_TESTS = ['test/unit/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/property/storage-model.property.test.ts'];
const narrowed = process.env['MUTATE_TESTS']?.split(',').filter((glob) => glob !== '');

export default defineConfig({
  test: {
    include: narrowed?.length ? narrowed : ALL_TESTS,
    exclude: ['test/sim/cli/**'],
    // Spawned children (the crash tests') run the active mutant too.
    setupFiles: ['test/support/mutant-in-children.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
  },
});
