import fc from 'fast-check';
import { NO_FAULTS, SIM_LIMITS, type StorageFaults } from '../options.js';
import type { Scenario, Step } from '../scenario.js';

/** What the families of steady writes draw alike (slow secondaries, primary restarts): the cluster, and a stream of writes of one value. */
export interface SteadyWrites {
  readonly seed: number;
  readonly secondaries: number;
  readonly writes: number;
  readonly gapMs: number;
  readonly valueBytes: number;
}

export interface Range {
  readonly min: number;
  readonly max: number;
}

export function steadyWritesArb(writes: Range, gapMs: Range): fc.Arbitrary<SteadyWrites> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    secondaries: fc.integer({ min: 1, max: 2 }),
    writes: fc.integer(writes),
    gapMs: fc.integer(gapMs),
    valueBytes: fc.integer({ min: 100, max: 800 }),
  });
}

/** Each write `gapMs` after the one before, to `paths` paths in turn. */
export function steadyWriteSteps(load: SteadyWrites, paths: number): Step[] {
  const data = 'v'.repeat(load.valueBytes);
  return Array.from({ length: load.writes }, (_, index): Step[] => [
    { kind: 'write', call: { method: 'writeWithReplication', relativePath: `k${index % paths}`, data } },
    { kind: 'runFor', ms: load.gapMs },
  ]).flat();
}

/**
 * The writes with no fault but s1's storage, under a log and a backlog a small part of what is
 * written (16 KiB and 32 KiB): s1 soon needs all of it, and the primary must choose between
 * holding the writes back and cutting s1 off. A full resync spends the whole outbound budget
 * here: s1's storage takes up to a second a request, and its requests carry only the chunks
 * queued when each begins, so the swarm's snapshot budget of about one chunk made a resync of
 * 300 entries take a minute (the trickle family's liveness bound found it); the swarm keeps that
 * budget.
 */
export function slowSecondaryScenario(load: SteadyWrites, s1Storage: Partial<StorageFaults>, paths: number = load.writes): Scenario {
  const { network, storage, clocks } = NO_FAULTS;
  return {
    seed: load.seed,
    secondaries: load.secondaries,
    limits: { ...SIM_LIMITS, logBytesMax: 16 * 1024, replicaBacklogBytesMax: 32 * 1024, snapshotBudgetBytes: SIM_LIMITS.outboundBudgetBytes },
    faults: { network, storage, clocks, nodeFaults: { s1: { storage: s1Storage } } },
    steps: steadyWriteSteps(load, paths),
  };
}
