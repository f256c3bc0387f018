/**
 * The default property with authentication on: whatever the workload and the faults, the
 * secondaries that hold the primary's token converge, and one with another token or none never
 * gets past the handshake (sim/checkers.ts, refusedPeerViolation, after every event).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { authTokensArb, convergenceProperty, scenarioArb, scenarioReporter } from '../../sim/arbitraries.js';
import { propertySeed } from '../support/property-seed.js';

describe('scenario properties with a token', () => {
  it('no checker objects, the secondaries with the token converge, the others never hold data', () => {
    fc.assert(convergenceProperty(scenarioArb({ authTokens: authTokensArb })), { numRuns: 300, reporter: scenarioReporter, seed: propertySeed() });
  });
});
