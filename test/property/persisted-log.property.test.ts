import fc from 'fast-check';
import { describe, it } from 'vitest';
import { LOG_FSYNC_POLICIES } from '../../src/core/log-persistence/recovery.js';
import { swarmOptions, type SwarmOptions } from '../../sim/options.js';
import { runSimulation } from '../../sim/run.js';
import { propertySeed } from '../support/property-seed.js';

const SEEDS = 60;
const OPERATIONS = 300;
/** The limit only guards against a hang: the runs are a fixed amount of CPU work. */
const HANG_TIMEOUT_MS = 600_000;

/**
 * A seed's swarm with a persisted log of `policy`, lazy disks, and the primary crashed often:
 * each restart recovers the log against what its disk kept.
 */
function withPersistedLog(seed: number, policy: (typeof LOG_FSYNC_POLICIES)[number]): SwarmOptions {
  const options = swarmOptions(seed, { operations: OPERATIONS });
  const { faults } = options;
  return {
    ...options,
    persistedLog: policy,
    faults: {
      ...faults,
      storage: { ...faults.storage, durability: 'lazy' },
      scheduled: { ...faults.scheduled, primaryRestartsPerMinute: 6, crashesPerMinute: Math.max(faults.scheduled.crashesPerMinute, 2) },
    },
  };
}

describe('the persisted log in the simulator', () => {
  it(`${SEEDS} seeds, each policy, the primary restarted often: a restart never continues a history past its durable log, no secondary is ahead of it, all converge`, () => {
    const property = fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(...LOG_FSYNC_POLICIES), (seed, policy) => {
      const result = runSimulation(withPersistedLog(seed, policy));
      if (result.verdict !== 'pass') throw new Error(`${result.verdict} (seed ${seed}, log fsync ${policy}): ${result.message}`);
    });
    fc.assert(property, { numRuns: SEEDS, endOnFailure: true, seed: propertySeed() });
  }, HANG_TIMEOUT_MS);
});
