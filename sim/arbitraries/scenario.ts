import fc from 'fast-check';
import type { WireFormatSetting } from '../../src/core/codec/index.js';
import type { Limits, Timing } from '../../src/core/limits.js';
import { PRIMARY } from '../network.js';
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
  /** Each node's wire format for a cluster size (wireFormatsArb by default). */
  readonly wireFormats?: (secondaries: number) => fc.Arbitrary<Record<string, WireFormatSetting>>;
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  /** Each node's token for a cluster size (authTokensArb, say); no tokens when absent. */
  readonly authTokens?: (secondaries: number) => fc.Arbitrary<Record<string, string>>;
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
    wireFormats: (options.wireFormats ?? wireFormatsArb)(secondaries),
    steps: options.steps?.(secondaries) ?? stepsArb(secondaries, { maxLength: options.maxSteps }),
    authTokens: options.authTokens?.(secondaries) ?? fc.constant(undefined),
  });
  return drawn.map(({ seed, faults, wireFormats, steps, authTokens }) => ({ seed, ...settings, faults, wireFormats, steps, ...(authTokens === undefined ? {} : { authTokens }) }));
}

/**
 * Each node's wire format: binary, JSON or a mix, so that a failure shrinks in the format it
 * happened in. Shrinks towards JSON, the format every peer speaks.
 */
export function wireFormatsArb(secondaries: number, formats: readonly WireFormatSetting[] = ['json', 'binary-1', 'binary']): fc.Arbitrary<Record<string, WireFormatSetting>> {
  const nodes = [PRIMARY, ...Array.from({ length: secondaries }, (_, index) => `s${index + 1}`)];
  const format = fc.constantFrom(...formats);
  return fc.record(Object.fromEntries(nodes.map((node) => [node, format])));
}
