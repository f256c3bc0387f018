import fc from 'fast-check';
import { describe, it } from 'vitest';
import { convergenceProperty, scenarioReporter, trickleSecondaryScenarioArb } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

describe('the trickle family: a secondary that keeps acknowledging, far slower than the writes, for many times pacingLagMsMax', () => {
  it('holds the writers back for it no longer than pacingLagMsMax', () => {
    fc.assert(convergenceProperty(trickleSecondaryScenarioArb()), { numRuns: 8, reporter: scenarioReporter, seed: propertySeed() });
  });
});
