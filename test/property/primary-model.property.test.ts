import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioFaultsArb } from '../../sim/arbitraries.js';
import { SafetyCheckers } from '../../sim/checkers.js';
import { NO_FAULTS, SIM_LIMITS, SIM_TIMING } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import { primaryCommandsArb } from './primary-model/commands.js';
import { PrimaryModel } from './primary-model/model.js';
import { entriesOf, settle } from './primary-model/primary-view.js';

/** Every fault healed and every expiry due: each secondary equals the primary, which equals the model. */
function expectConvergedOnModel(sim: Simulation, model: PrimaryModel): void {
  sim.heal();
  const lastExpiryMs = model.latestExpiryMs();
  if (lastExpiryMs !== undefined) sim.runUntilTime(sim.primary.clock.virtualMsAt(lastExpiryMs + 1));
  settle(sim);
  expect(sim.runUntil(() => sim.converged(), 60_000), sim.divergence() ?? '').toBe(true);
  // Expired entries are gone from storage, not merely hidden from readers.
  expect(entriesOf(sim.primary.store.live)).toEqual(model.visible(sim.localNow(sim.primary)));
}

describe('model-based: the primary against a plain Map, with faults on the secondaries', () => {
  it('the primary holds what the model holds after every command, and every secondary converges to it', () => {
    const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
    const property = fc.property(seed, scenarioFaultsArb, primaryCommandsArb, (drawn, faults, commands) => {
      const sim = new Simulation({ seed: drawn, secondaries: 2, limits: SIM_LIMITS, timing: SIM_TIMING, faults: { ...faults, scheduled: NO_FAULTS.scheduled } });
      new SafetyCheckers().attach(sim);
      const model = new PrimaryModel();
      fc.modelRun(() => ({ model, real: sim }), commands);
      expectConvergedOnModel(sim, model);
    });
    fc.assert(property, { numRuns: 300 });
  });
});
