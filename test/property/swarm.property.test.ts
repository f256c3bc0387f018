import fc from 'fast-check';
import { describe, it } from 'vitest';
import { swarmOptions } from '../../sim/options.js';
import { replayCommand, runSimulation } from '../../sim/run.js';
import { propertySeed } from '../support/property-seed.js';

// A few hundred seeds in npm test; `nadb-sim sweep` runs thousands. Each seed draws its own faults.
const SEEDS = 300;
const OPERATIONS = 400;
/**
 * A fixed amount of CPU work: about 30 s alone, over 60 s on two cores shared with the rest of
 * npm test. The limit only guards against a hang, so it is not the machine's load that decides.
 */
const HANG_TIMEOUT_MS = 600_000;

describe('swarm: seeds, each with its own mix of faults', () => {
  it(`${SEEDS} seeds of ${OPERATIONS} writes: no checker objects and all converge`, () => {
    const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
    const property = fc.property(seed, (drawn) => {
      const result = runSimulation(swarmOptions(drawn, { operations: OPERATIONS }));
      if (result.verdict !== 'pass') throw new Error(`${result.verdict}: ${result.message}\nreplay: ${replayCommand(result.options)}`);
    });
    // Another seed is another run, not a smaller one: nothing to shrink.
    fc.assert(property, { numRuns: SEEDS, endOnFailure: true, seed: propertySeed() });
  }, HANG_TIMEOUT_MS);
});
