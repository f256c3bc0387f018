import fc from 'fast-check';
import { PRIMARY } from '../network.js';
import type { FaultStep, RunForStep, Step, WriteStep } from '../scenario.js';
import { callInContextArb } from './operations.js';

export const writeStepArb: fc.Arbitrary<WriteStep> = callInContextArb.map((write) => ({ kind: 'write', ...write }));

/**
 * Mostly short pauses (writes pile up, links stay busy), some long enough for timeouts. The long
 * ones come in steps of 250 ms: a pause that must outlast an expiry then shrinks in few steps.
 */
export const runForStepArb: fc.Arbitrary<RunForStep> = fc.record({
  kind: fc.constant('runFor'),
  ms: fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((quarters) => quarters * 250) },
  ),
});

/** Names of the secondaries of a cluster of `count`. */
export function secondaryNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `s${i + 1}`);
}

/** Every fault verb of the simulator, on the nodes of a cluster with `secondaries` secondaries. */
export function faultStepArb(secondaries: number): fc.Arbitrary<FaultStep> {
  const names = secondaryNames(secondaries);
  const secondary = fc.constantFrom(...names);
  const anyNode = fc.constantFrom(...names, PRIMARY);
  const link = fc.tuple(secondary, fc.boolean()).map(([node, toPrimary]) => (toPrimary ? { from: node, to: PRIMARY } : { from: PRIMARY, to: node }));
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('crash', 'restart'), node: anyNode }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('partition', 'repair'), node: secondary }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('clog', 'unclog'), node: anyNode }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset'), node: secondary }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('partitionOneway', 'hold', 'release'), link).map(([kind, ends]) => ({ kind, ...ends })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('skewClock'), node: anyNode, deltaMs: fc.integer({ min: -10_000, max: 10_000 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'restartPrimary' } as const) },
  );
}

/** Up to `maxLength` steps, long lists as well as short ones (fast-check's default size keeps them short). */
function stepList(step: fc.Arbitrary<Step>, maxLength: number): fc.Arbitrary<Step[]> {
  return fc.array(step, { maxLength, size: 'max' });
}

/** Writes with pauses between them. */
export function workloadArb(options: { maxLength?: number } = {}): fc.Arbitrary<Step[]> {
  const step = fc.oneof({ weight: 2, arbitrary: writeStepArb }, { weight: 1, arbitrary: runForStepArb });
  return stepList(step, options.maxLength ?? 20);
}

/** Faults with pauses between them. */
export function faultScheduleArb(secondaries: number, options: { maxLength?: number } = {}): fc.Arbitrary<Step[]> {
  const step = fc.oneof({ weight: 1, arbitrary: faultStepArb(secondaries) }, { weight: 1, arbitrary: runForStepArb });
  return stepList(step, options.maxLength ?? 20);
}

/** Writes, pauses and faults interleaved: one array, so shrinking drops any of them. */
export function stepsArb(secondaries: number, options: { maxLength?: number } = {}): fc.Arbitrary<Step[]> {
  const step = fc.oneof(
    { weight: 6, arbitrary: writeStepArb },
    { weight: 3, arbitrary: runForStepArb },
    { weight: 4, arbitrary: faultStepArb(secondaries) },
  );
  return stepList(step, options.maxLength ?? 40);
}
