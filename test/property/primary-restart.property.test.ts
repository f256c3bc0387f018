import fc from 'fast-check';
import { describe, it } from 'vitest';
import { convergenceProperty, primaryRestartScenarioArb, scenarioReporter } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

describe('the primary-restart family: writes while the primary restarts on a slow disk that keeps what it completed', () => {
  it('finds, after each restart, every write its writers were told was applied', () => {
    fc.assert(convergenceProperty(primaryRestartScenarioArb()), { numRuns: 30, reporter: scenarioReporter, seed: propertySeed() });
  });
});
