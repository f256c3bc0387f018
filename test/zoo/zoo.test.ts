import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { convergenceProperty, scenarioReport } from '../../sim/arbitraries.js';
import { runScenario, scenarioCommand, type Scenario } from '../../sim/scenario.js';
import { ZOO, ZOO_SCENARIOS } from './zoo.js';

// Fixed, so that the zoo finds the same counterexamples on every run.
const SEED = 1;
const RUNS_MAX = 500;
const SHRUNK_STEPS_MAX = 15;
/** Finding and shrinking is CPU work that ends; on a busy 2-core machine it takes minutes, not a hang. */
const VARIANT_TIMEOUT_MS = 600_000;

/**
 * Every variant is expected to fail: its report is checked here, line by line, and never printed
 * (a green run that prints failure reports reads as a broken one). One line per variant says what
 * was caught, all printed together at the end.
 */
describe('the bug zoo: the default property fails on each failure of the original brought back', () => {
  const caught: string[] = [];
  afterAll(() => console.log(caught.join('\n')));
  for (const variant of ZOO) {
    it(`${variant.name} (#${variant.original.join(', #')})`, () => {
      const details = fc.check(convergenceProperty(variant.scenarios ?? ZOO_SCENARIOS, { nodes: variant.nodes }), { seed: SEED, numRuns: RUNS_MAX });
      const report = scenarioReport(details);
      expect(report, `the property passed ${RUNS_MAX} runs of a broken core`).not.toBeNull();
      const counterexample = details.counterexample?.[0];
      expect(counterexample?.steps.length).toBeLessThanOrEqual(SHRUNK_STEPS_MAX);
      expectReportOf(report ?? '', details, counterexample);
      // The same scenario passes on the real core: the variant's flaw is what failed it.
      if (counterexample !== undefined) expect(runScenario(counterexample).verdict).toBe('pass');
      caught.push(`zoo: caught "${variant.name}" after ${details.numRuns} runs, shrunk to ${counterexample?.steps.length ?? '?'} steps (${firstLine(details.errorInstance)})`);
    }, VARIANT_TIMEOUT_MS);
  }
});

/** What the reporter prints: the counts, fast-check's replay, the one command that replays the scenario, the verdict. */
function expectReportOf(report: string, details: fc.RunDetails<[Scenario]>, counterexample: Scenario | undefined): void {
  const lines = report.split('\n');
  expect(lines[0]).toBe(`Property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s).`);
  expect(lines[1]).toBe(`fast-check: { seed: ${SEED}, path: ${JSON.stringify(details.counterexamplePath)}, endOnFailure: true }`);
  expect(lines.filter((line) => line.startsWith('replay: '))).toEqual([`replay: ${scenarioCommand(counterexample as Scenario)}`]);
  const json = /^replay: npx nadb-sim scenario '(.*)'$/s.exec(lines[2] ?? '')?.[1]?.replaceAll("'\\''", "'");
  expect(JSON.parse(json ?? 'null')).toEqual(counterexample);
  expect(lines.slice(3).join('\n')).toBe(details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
