import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { validateOperation } from '../../src/core/validate-operation.js';
import {
  convergenceProperty,
  faultScheduleArb,
  scenarioArb,
  scenarioReporter,
  workloadArb,
  writeStepArb,
} from '../../sim/arbitraries.js';
import { PrefixChecker } from '../../sim/checkers.js';
import { NO_FAULTS, SIM_LIMITS, swarmOptions } from '../../sim/options.js';
import { Prng } from '../../sim/prng.js';
import { operationOfStep, runScenario, type Scenario, type Step } from '../../sim/scenario.js';
import { SIM_EPOCH_MS, Simulation } from '../../sim/simulation.js';
import { nextOperation } from '../../sim/workload.js';
import { set } from '../support/ops.js';
import { propertySeed } from '../support/property-seed.js';

const simLimits = { ...DEFAULT_LIMITS, ...SIM_LIMITS };
const WORKLOAD_SEEDS = 20;

describe('scenario properties: the real core under arbitrary workloads and faults', () => {
  it('no checker ever objects, and every secondary converges once the faults are healed', () => {
    fc.assert(convergenceProperty(), { numRuns: 2_000, reporter: scenarioReporter, seed: propertySeed() });
  });

  it('data written before a fault schedule, and more after it, reaches every secondary', () => {
    const steps = (secondaries: number): fc.Arbitrary<Step[]> =>
      fc.tuple(workloadArb(), faultScheduleArb(secondaries), workloadArb()).map((parts) => parts.flat());
    fc.assert(convergenceProperty(scenarioArb({ steps })), { numRuns: 300, reporter: scenarioReporter, seed: propertySeed() });
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
    const commands = report.match(/npx nadb-sim scenario '([^']*)'/g) ?? [];
    expect(commands).toHaveLength(1);
    const replayed = runScenario(JSON.parse(/'([^']*)'/.exec(commands[0] ?? '')?.[1] ?? 'null') as Scenario);
    expect(replayed.scenario.steps).toEqual([]);
    expect(report).toContain(`${replayed.verdict}: ${replayed.message}`);
  });

  it('every write the arbitraries and the swarm workload draw is one the primary accepts: none is wasted on a refusal', () => {
    fc.assert(fc.property(writeStepArb, (step) => {
      validateOperation(operationOfStep(step, SIM_EPOCH_MS), simLimits);
    }), { numRuns: 2_000 });
    for (let seed = 1; seed <= WORKLOAD_SEEDS; seed += 1) {
      const { workload } = swarmOptions(seed);
      const prng = new Prng(seed);
      for (let write = 0; write < workload.operations; write += 1) validateOperation(nextOperation(prng, workload, SIM_EPOCH_MS), simLimits);
    }
  });

  it('replays write steps of the older format (operations, expiries in ms) as the API calls they stand for', () => {
    const older: Step[] = [
      { kind: 'write', op: { type: 'SET', path: 'p0', value: 'a', db: 'd0', namespace: 'n0', tags: ['t0'], expiresInMs: 1_250 } },
      { kind: 'write', op: { type: 'SET_TTL', path: 'p0', expiresInMs: 500 } },
      { kind: 'write', op: { type: 'METADATA', path: 'p0', tags: ['t1'] } },
      { kind: 'write', op: { type: 'SET', path: 'p1', value: 'b', db: 'd0', namespace: 'n1', tags: [], expiresInMs: null } },
      { kind: 'write', op: { type: 'FLUSH', db: 'd0', namespace: 'n1' } },
      { kind: 'write', op: { type: 'DELETE', path: 'p0' } },
    ];
    const context = { db: 'd0', namespace: 'n0' };
    const calls: Step[] = [
      { kind: 'write', call: { method: 'writeWithReplication', relativePath: 'p0', data: 'a', tags: ['t0'], ttl: 1.25 }, context },
      { kind: 'write', call: { method: 'setTtl', path: 'p0', ttl: 0.5 }, context },
      { kind: 'write', call: { method: 'setTags', path: 'p0', tags: ['t1'] }, context },
      { kind: 'write', call: { method: 'writeWithReplication', relativePath: 'p1', data: 'b' }, context: { db: 'd0', namespace: 'n1' } },
      { kind: 'write', call: { method: 'flush', db: 'd0', namespace: 'n1' }, context },
      { kind: 'write', call: { method: 'deleteWithReplication', relativePath: 'p0' }, context },
    ];
    const faults = { network: NO_FAULTS.network, storage: NO_FAULTS.storage, clocks: NO_FAULTS.clocks };
    const scenario = (steps: Step[]): Scenario => ({ seed: 3, secondaries: 1, faults, steps: steps.flatMap((step) => [step, { kind: 'runFor', ms: 300 }]) });
    const [before, after] = [runScenario(scenario(older)), runScenario(scenario(calls))];
    expect(before.verdict).toBe('pass');
    expect(before.stats.writesAccepted).toBe(older.length);
    expect(before.traceHash).toBe(after.traceHash);
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
