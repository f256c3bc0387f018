import fc from 'fast-check';
import type { Limits, Timing } from '../../src/core/limits.js';
import type { Scenario, ScenarioFaults, Step } from '../scenario.js';
import { scenarioFaultsArb } from './faults.js';
import { stepsArb } from './steps.js';

export interface ScenarioArbOptions {
  /** Cluster sizes to draw from (a scenario shrinks within its size): 1 to 3 secondaries by default. */
  readonly secondaries?: readonly number[];
  readonly maxSteps?: number;
  /** The probabilistic faults (scenarioFaultsArb by default). */
  readonly faults?: fc.Arbitrary<ScenarioFaults>;
  /** The steps for a cluster size (stepsArb by default: writes, pauses and faults interleaved). */
  readonly steps?: (secondaries: number) => fc.Arbitrary<Step[]>;
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
}

/** Whole scenarios: a seed for the network's and disks' dice, probabilistic faults, and the steps. */
export function scenarioArb(options: ScenarioArbOptions = {}): fc.Arbitrary<Scenario> {
  const sizes = options.secondaries ?? [1, 2, 3];
  return fc.oneof(...sizes.map((secondaries) => scenarioOfSize(secondaries, options)));
}

function scenarioOfSize(secondaries: number, options: ScenarioArbOptions): fc.Arbitrary<Scenario> {
  // Absent rather than undefined, so that a scenario and its JSON are the same thing.
  const settings = {
    secondaries,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
  };
  const drawn = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    faults: options.faults ?? scenarioFaultsArb,
    steps: options.steps?.(secondaries) ?? stepsArb(secondaries, { maxLength: options.maxSteps }),
  });
  return drawn.map(({ seed, faults, steps }) => ({ seed, ...settings, faults, steps }));
}
