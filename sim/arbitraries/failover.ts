import fc from 'fast-check';
import { PRIMARY } from '../network.js';
import { SIM_LIMITS } from '../options.js';
import type { FaultStep, Scenario, ScenarioFaults, Step } from '../scenario.js';
import { scenarioFaultsArb } from './faults.js';
import { runForStepArb, secondaryNames, writeStepArb } from './steps.js';

export interface FailoverScenarioArbOptions {
  /** Steps before the failover, and after it, at most (default 25 each). */
  readonly maxSteps?: number;
}

/**
 * The failover family: writes and faults on the secondaries, then `failover` (the primary
 * crashes, the most advanced secondary is promoted, the others follow it), then writes to the new
 * primary while the old one comes back: restarted and written to (its own history), a
 * secondary pointed back at it (a stale configuration: fencing must refuse it), or rejoining as
 * a secondary. The checkers see that no write a secondary had acknowledged as durable is lost,
 * that every node holds exactly a prefix of its history, and that a secondary whose disk held an
 * epoch never holds an older one; liveness, that all converge on the new primary.
 */
export function failoverScenarioArb(options: FailoverScenarioArbOptions = {}): fc.Arbitrary<Scenario> {
  const maxLength = options.maxSteps ?? 25;
  return fc.integer({ min: 2, max: 3 }).chain((secondaries) =>
    fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      secondaries: fc.constant(secondaries),
      faults: scenarioFaultsArb,
      before: fc.array(beforeStepArb(secondaries), { maxLength, size: 'max' }),
      after: fc.array(afterStepArb(secondaries), { maxLength, size: 'max' }),
    }).map(({ seed, secondaries: count, faults, before, after }): Scenario => ({
      seed, secondaries: count, limits: SIM_LIMITS, faults: durableDisks(faults), steps: [...before, { kind: 'failover' }, ...after],
    })),
  );
}

/**
 * Disks that keep what they complete. With lazy durability no secondary ever acknowledges a write
 * as durable (so none is "acknowledged"), and a promoted primary that crashes before its new epoch
 * is synced comes back at the old one and is fenced by its own followers: safe, but only another
 * promotion ends it (see the README's failover section).
 */
function durableDisks(faults: ScenarioFaults): ScenarioFaults {
  return { ...faults, storage: { ...faults.storage, durability: 'immediate' } };
}

/** What a secondary may go through before the failover; the primary stays up until it. */
function beforeStepArb(secondaries: number): fc.Arbitrary<Step> {
  const secondary = fc.constantFrom(...secondaryNames(secondaries));
  const fault: fc.Arbitrary<FaultStep> = fc.record({ kind: fc.constantFrom('crash', 'restart', 'partition', 'repair', 'reset'), node: secondary });
  return fc.oneof({ weight: 5, arbitrary: writeStepArb }, { weight: 3, arbitrary: runForStepArb }, { weight: 2, arbitrary: fault });
}

/** After it: writes to whichever primary, the old primary back in every role, and stale pointers. */
function afterStepArb(secondaries: number): fc.Arbitrary<Step> {
  const names = secondaryNames(secondaries);
  const anyNode = fc.constantFrom(PRIMARY, ...names);
  const toOldPrimary = writeStepArb.map((step): Step => ({ ...step, node: PRIMARY }));
  const oldPrimary: fc.Arbitrary<FaultStep> = fc.record({ kind: fc.constantFrom('restart', 'crash'), node: fc.constant(PRIMARY) });
  const repoint: fc.Arbitrary<FaultStep> = fc.record({ kind: fc.constant('repoint'), node: anyNode, primary: anyNode });
  const secondaryFault: fc.Arbitrary<FaultStep> = fc.record({ kind: fc.constantFrom('crash', 'restart', 'partition', 'repair'), node: fc.constantFrom(...names) });
  return fc.oneof(
    { weight: 4, arbitrary: writeStepArb },
    { weight: 3, arbitrary: runForStepArb },
    { weight: 2, arbitrary: toOldPrimary },
    { weight: 2, arbitrary: oldPrimary },
    { weight: 2, arbitrary: repoint },
    { weight: 1, arbitrary: secondaryFault },
  );
}
