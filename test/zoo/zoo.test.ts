import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convergenceProperty, scenarioReport } from '../../sim/arbitraries.js';
import { runScenario } from '../../sim/scenario.js';
import { ZOO, ZOO_SCENARIOS } from './zoo.js';

// Fixed, so that the zoo finds the same counterexamples on every run.
const SEED = 1;
const RUNS_MAX = 500;
const SHRUNK_STEPS_MAX = 15;
/** Finding and shrinking is CPU work that ends; on a busy 2-core machine it takes minutes, not a hang. */
const VARIANT_TIMEOUT_MS = 600_000;

describe('the bug zoo: the default property fails on each failure of the original brought back', () => {
  for (const variant of ZOO) {
    it(`${variant.name} (#${variant.original.join(', #')})`, () => {
      const details = fc.check(convergenceProperty(variant.scenarios ?? ZOO_SCENARIOS, { nodes: variant.nodes }), { seed: SEED, numRuns: RUNS_MAX });
      const report = scenarioReport(details);
      expect(report, `the property passed ${RUNS_MAX} runs of a broken core`).not.toBeNull();
      console.log(`${variant.name}\n${report ?? ''}`);
      const counterexample = details.counterexample?.[0];
      expect(counterexample?.steps.length).toBeLessThanOrEqual(SHRUNK_STEPS_MAX);
      // The same scenario passes on the real core: the variant's flaw is what failed it.
      if (counterexample !== undefined) expect(runScenario(counterexample).verdict).toBe('pass');
    }, VARIANT_TIMEOUT_MS);
  }
});
