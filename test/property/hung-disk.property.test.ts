import fc from 'fast-check';
import { describe, it } from 'vitest';
import { convergenceProperty, hungDiskScenarioArb, scenarioReporter } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

describe('the hung-disk family: a secondary whose storage hangs for seconds while it reads and answers heartbeats', () => {
  it('holds the writers back for it no longer than pacingStallMs once it applies nothing', () => {
    fc.assert(convergenceProperty(hungDiskScenarioArb()), { numRuns: 8, reporter: scenarioReporter, seed: propertySeed() });
  });
});
