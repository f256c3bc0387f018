import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RunConfig } from '../run.js';
import { REPLAY_ARGUMENT_BYTES_MAX, runScenario, scenarioCommand, scenarioFileCommand, type Scenario, type ScenarioResult } from '../scenario.js';
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
    ...(scenario === undefined ? ['no counterexample'] : replayLines(scenario)),
    error instanceof Error ? error.message : String(error),
  ].join('\n');
}

/**
 * The line that replays the scenario. One too long for a command line is saved to a file named
 * by its content (in the system's temporary directory), and the lines say so and carry its JSON
 * as well, for a CI log: saved as a file elsewhere, it replays the same with `@FILE`.
 */
function replayLines(scenario: Scenario): string[] {
  const command = scenarioCommand(scenario);
  if (Buffer.byteLength(command) <= REPLAY_ARGUMENT_BYTES_MAX) return [`replay: ${command}`];
  const json = JSON.stringify(scenario);
  const path = join(tmpdir(), `nadb-sim-scenario-${createHash('sha256').update(json).digest('hex').slice(0, 12)}.json`);
  writeFileSync(path, json);
  return [
    `replay: ${scenarioFileCommand(path)}`,
    `the scenario is ${Buffer.byteLength(json)} bytes, too long for one command-line argument: saved to that file, and here (save it as a file to replay it elsewhere):`,
    `scenario: ${json}`,
  ];
}

/** A reporter for fc.assert that prints scenarioReport, once, as the error's message. */
export function scenarioReporter(details: fc.RunDetails<[Scenario]>): void {
  const report = scenarioReport(details);
  if (report !== null) throw new Error(report);
}
