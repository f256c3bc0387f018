import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convergenceProperty,
  faultScheduleArb,
  scenarioArb,
  scenarioReporter,
  workloadArb,
} from '../../sim/arbitraries.js';
import { PrefixChecker } from '../../sim/checkers.js';
import { runScenario, type Scenario, type Step } from '../../sim/scenario.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

describe('scenario properties: the real core under arbitrary workloads and faults', () => {
  it('no checker ever objects, and every secondary converges once the faults are healed', () => {
    fc.assert(convergenceProperty(), { numRuns: 2_000, reporter: scenarioReporter });
  });

  it('data written before a fault schedule, and more after it, reaches every secondary', () => {
    const steps = (secondaries: number): fc.Arbitrary<Step[]> =>
      fc.tuple(workloadArb(), faultScheduleArb(secondaries), workloadArb()).map((parts) => parts.flat());
    fc.assert(convergenceProperty(scenarioArb({ steps })), { numRuns: 300, reporter: scenarioReporter });
  });

  it('a failure prints fast-check\'s { seed, path } and, once, a command that replays the shrunk scenario', () => {
    // No time to converge: almost every scenario fails, and the failure shrinks to no steps at all.
    const failing = scenarioArb().map((scenario) => ({ ...scenario, livenessBoundMs: 0 }));
    let report = '';
    try {
      fc.assert(convergenceProperty(failing), { seed: 7, numRuns: 10, reporter: scenarioReporter });
    } catch (error) {
      report = error instanceof Error ? error.message : String(error);
    }
    expect(report).toMatch(/\{ seed: 7, path: "[\d:]+", endOnFailure: true \}/);
    const commands = report.match(/npm run sim -- scenario '([^']*)'/g) ?? [];
    expect(commands).toHaveLength(1);
    const replayed = runScenario(JSON.parse(/'([^']*)'/.exec(commands[0] ?? '')?.[1] ?? 'null') as Scenario);
    expect(replayed.scenario.steps).toEqual([]);
    expect(report).toContain(`${replayed.verdict}: ${replayed.message}`);
  });

  it('the prefix checker itself catches a secondary whose data differs from its history', () => {
    const cluster = new Simulation({ seed: 3, secondaries: 1 });
    cluster.write(set('a', '1'));
    expect(cluster.runUntil(() => cluster.converged(), 10_000)).toBe(true);
    const checker = new PrefixChecker();
    expect(checker.check(cluster)).toBeNull();
    const store = cluster.secondary('s1').store;
    store.execute({ kind: 'apply', operations: [{ type: 'DELETE', path: 'a' }], cursor: store.cursor });
    expect(checker.check(cluster)).toMatch(/^s1 at .*: 0 entries where 1 were expected$/);
  });
});
