import { NO_FAULTS } from '../../../sim/options.js';
import type { Scenario, ScenarioFaults, Step } from '../../../sim/scenario.js';

const { scheduled: _scheduled, ...faults } = NO_FAULTS;
/** The simulator's faults all off: a scenario's faults as the arbitraries write them. */
export const QUIET_FAULTS: ScenarioFaults = faults;

export function simScenario(steps: readonly Step[], extra: Partial<Scenario> = {}): Scenario {
  return { seed: 1, secondaries: 2, faults: QUIET_FAULTS, steps, ...extra };
}

export function write(relativePath: string, data: string, ttl: number | null = null): Step {
  return { kind: 'write', call: { method: 'writeWithReplication', relativePath, data, ttl } };
}
