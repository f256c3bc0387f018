import { VERDICT_EXIT_CODES } from '../run.js';
import { runScenario, scenarioCommand, type Scenario } from '../scenario.js';
import type { ScenarioArgs } from './args.js';
import { formatStats } from './format.js';
import type { CliIo } from './io.js';
import { replayLines } from './replay-lines.js';
import { checkOutputs, FULL_TRACE_EVENTS, writeOutputs } from './run-command.js';
import { UsageError } from './usage.js';

/** `nadb-sim scenario '<json>'`: replays a scenario a failing property printed. */
export function replayScenario(args: ScenarioArgs, io: CliIo): number {
  checkOutputs(args, io);
  const scenario = parseScenario(scenarioJson(args.json, io));
  const keepsTrace = args.tracePath !== undefined || args.timelinePath !== undefined;
  const startedMs = io.nowMs();
  const result = runOrRefuse(scenario, keepsTrace);
  const wallMs = io.nowMs() - startedMs;
  io.out(`scenario  seed ${scenario.seed}, ${scenario.secondaries} secondaries, ${scenario.steps.length} steps`);
  io.out(`verdict   ${result.verdict.toUpperCase()}${result.message === '' ? '' : `: ${result.message}`}`);
  io.out(`trace     ${result.traceHash}`);
  io.out(`stats     ${formatStats(result.stats, wallMs)}`);
  const title = `nadb-sim scenario (seed ${scenario.seed}, ${scenario.steps.length} steps): ${result.verdict}`;
  if (keepsTrace) writeOutputs(args, { ...result, title, replay: replayLines(scenarioCommand(scenario), io) }, io);
  return VERDICT_EXIT_CODES[result.verdict];
}

/**
 * The JSON itself, or `@FILE` for the file that holds it: a scenario of hundreds of writes is
 * longer than one command-line argument may be (128 KiB on Linux), so a failing property saves it.
 */
function scenarioJson(argument: string, io: CliIo): string {
  if (!argument.startsWith('@')) return argument;
  const path = argument.slice(1);
  try {
    return io.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read the scenario from ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseScenario(json: string): Scenario {
  try {
    return JSON.parse(json) as Scenario;
  } catch (error) {
    throw new UsageError(`the scenario is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A scenario naming nodes it does not have is a bad argument, not a failed run. */
function runOrRefuse(scenario: Scenario, keepsTrace: boolean): ReturnType<typeof runScenario> {
  try {
    return runScenario(scenario, { traceEventsMax: keepsTrace ? FULL_TRACE_EVENTS : 0 });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
