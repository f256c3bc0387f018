import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: one worker per core keeps property runs from starving each other.
    maxWorkers: 2,
    // A hang guard, not a budget: property runs are CPU work that ends, and on a 2-core machine
    // shared with other jobs they take minutes (the default property took 101 s at load 12).
    testTimeout: 300_000,
  },
});
