import fc from 'fast-check';
import { describe, it } from 'vitest';
import { convergenceProperty, failoverScenarioArb, scenarioReporter } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

const RUNS = Number(process.env.NADB_FAILOVER_RUNS ?? 150);

describe('manual failover: the primary dies, the most advanced secondary is promoted, the old primary comes back', () => {
  it('loses no acknowledged write, fences the old primary, and converges on the new one', () => {
    fc.assert(convergenceProperty(failoverScenarioArb()), { numRuns: RUNS, reporter: scenarioReporter, seed: propertySeed() });
  });
});
