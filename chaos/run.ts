/**
 * `npm run chaos [-- --report DIR] [--profile short|full] [--scenario NAME ...] [--seed S] [--from-sim JSON|FILE]`:
 * opens the lab (toxiproxy and Redis in containers, else processes), runs the scenarios against
 * real node processes, prints progress and which provider served what, writes DIR/report.json and
 * DIR/report.md (default chaos/report) and exits 1 unless every scenario passed. `--seed S` runs
 * the schedule S draws instead, and prints S and the command that replays it; `--from-sim` runs a
 * simulator's scenario, and exits 64 when it is not one.
 */
import { parseArgs } from 'node:util';
import { openLab, type Lab } from './lab.js';
import { writeReport } from './report.js';
import { chosenScenarios } from './scenarios/all.js';
import { runScenario, type ScenarioResult } from './scenarios/run-scenario.js';
import type { Scenario } from './scenarios/scenario.js';
import { parseSeed, seededScenario } from './scenarios/seeded.js';
import { SimScenarioError } from './from-sim/error.js';
import { loadFromSim } from './from-sim/scenario.js';

const DEFAULT_REPORT_DIR = 'chaos/report';
/** The exit code of a run ended by Ctrl-C, as a shell reports it. */
const INTERRUPTED_EXIT_CODE = 130;
/** A `--from-sim` text that is not a scenario: a usage error, as nadb-sim's (EX_USAGE). */
const USAGE_EXIT_CODE = 64;

function log(line: string): void {
  process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Ctrl-C or SIGTERM still removes the lab's containers and network before the process ends. */
function closeOnSignal(lab: Lab): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: removing the lab's containers and network`);
      void lab.close().finally(() => process.exit(INTERRUPTED_EXIT_CODE));
    });
  }
}

async function runAll(lab: Lab, scenarios: readonly Scenario[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const result = await runScenario(scenario, { lab, log });
    log(`${scenario.name}: ${result.passed ? 'passed' : `FAILED: ${result.problems.join('; ')}`}`);
    for (const [name, value] of Object.entries(result.figures)) log(`${scenario.name}: ${name}: ${value}`);
    results.push(result);
  }
  return results;
}

type Options = { readonly scenario?: string[]; readonly profile?: string; readonly seed?: string; readonly 'from-sim'?: string };

/** What the options ask for: a simulator's scenario, a seeded schedule, or named scenarios (a profile by default); one of them. */
async function scenariosOf(values: Options): Promise<readonly Scenario[]> {
  const fromSim = values['from-sim'];
  if (fromSim === undefined) return values.seed === undefined ? chosenScenarios(values.scenario, values.profile) : [seededScenario(parseSeed(values.seed))];
  if (values.seed !== undefined || values.scenario !== undefined || values.profile !== undefined) throw new Error('--from-sim runs one scenario: leave out --seed, --scenario and --profile');
  return [await loadFromSim(fromSim)];
}

async function main(): Promise<number> {
  const options = { report: { type: 'string' }, scenario: { type: 'string', multiple: true }, profile: { type: 'string' }, seed: { type: 'string' }, 'from-sim': { type: 'string' } } as const;
  const { values } = parseArgs({ options });
  const scenarios = await scenariosOf(values);
  for (const scenario of scenarios) if (scenario.replay !== undefined) log(`${scenario.name}: ${scenario.faults.join('; ')}; replay: ${scenario.replay}`);
  const startedAt = new Date().toISOString();
  const lab = await openLab(log);
  closeOnSignal(lab);
  log(`Redis: ${lab.providers.redis}`);
  log(`toxiproxy: ${lab.providers.toxiproxy}`);
  let results: ScenarioResult[];
  try {
    results = await runAll(lab, scenarios);
  } finally {
    await lab.close();
  }
  const paths = await writeReport(values.report ?? DEFAULT_REPORT_DIR, { startedAt, providers: lab.providers, scenarios: results });
  log(`report: ${paths.join(', ')}`);
  const failed = results.filter((result) => !result.passed).map((result) => result.name);
  for (const scenario of scenarios) if (scenario.replay !== undefined) log(`${scenario.name}: replay with ${scenario.replay} (same schedule; the processes' timing varies)`);
  log(failed.length === 0 ? `all ${results.length} scenarios passed` : `${failed.length} of ${results.length} scenarios FAILED: ${failed.join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

// A refused argument or a missing container runtime is said in one line, not as a stack trace.
process.exit(
  await main().catch((error: unknown) => {
    log(`chaos: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof SimScenarioError ? USAGE_EXIT_CODE : 1;
  }),
);
