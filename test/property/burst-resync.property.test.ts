import fc from 'fast-check';
import { describe, it } from 'vitest';
import { burstResyncScenarioArb, convergenceProperty, scenarioReporter } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

describe('the resync-loop family: a snapshot that outlasts a small log while writes go on', () => {
  it('a secondary down during a burst resyncs once and streams, whatever the write rate below the link speed', () => {
    fc.assert(convergenceProperty(burstResyncScenarioArb()), { numRuns: 8, reporter: scenarioReporter, seed: propertySeed() });
  });
});
