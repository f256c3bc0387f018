import fc from 'fast-check';
import { describe, it } from 'vitest';
import { convergenceProperty, outrunSecondaryScenarioArb, scenarioReporter } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

describe('the outrun family: writes faster than a secondary applies them, a small log', () => {
  it('the secondary is never cut off into a resync loop: writes wait for it while it keeps up', () => {
    fc.assert(convergenceProperty(outrunSecondaryScenarioArb()), { numRuns: 8, reporter: scenarioReporter, seed: propertySeed() });
  });
});
