import fc from 'fast-check';
import type { RunConfig } from '../run.js';
import { runScenario, scenarioCommand, type Scenario, type ScenarioResult } from '../scenario.js';
import { scenarioArb } from './scenario.js';

/** A scenario that did not pass: the verdict is the message, the whole result is kept. */
export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
  constructor(readonly result: ScenarioResult) {
    super(`${result.verdict}: ${result.message}`);
  }
}

/** The predicate of the default property: the scenario passes, or a ScenarioFailure is thrown. */
export function assertScenarioPasses(scenario: Scenario, config: RunConfig = {}): void {
  const result = runScenario(scenario, config);
  if (result.verdict !== 'pass') throw new ScenarioFailure(result);
}

/**
 * The default property: whatever the workload and the faults, no checker ever objects and every
 * secondary converges once the faults are healed. `nodes` swaps in other nodes (the bug zoo).
 */
export function convergenceProperty(scenarios: fc.Arbitrary<Scenario> = scenarioArb(), config: RunConfig = {}): fc.IProperty<[Scenario]> {
  return fc.property(scenarios, (scenario) => assertScenarioPasses(scenario, config));
}

/**
 * What to print about a failed run: how to replay it in fast-check ({ seed, path }) and, for the
 * shrunk scenario, the one-line command and the verdict. Null when the run passed.
 */
export function scenarioReport(details: fc.RunDetails<[Scenario]>): string | null {
  if (!details.failed) return null;
  const scenario = details.counterexample?.[0];
  const error = details.errorInstance;
  return [
    `Property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s).`,
    `fast-check: { seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)}, endOnFailure: true }`,
    scenario === undefined ? 'no counterexample' : `replay: ${scenarioCommand(scenario)}`,
    error instanceof Error ? error.message : String(error),
  ].join('\n');
}

/** A reporter for fc.assert that prints scenarioReport, once, as the error's message. */
export function scenarioReporter(details: fc.RunDetails<[Scenario]>): void {
  const report = scenarioReport(details);
  if (report !== null) throw new Error(report);
}
