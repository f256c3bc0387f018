import { describe, expect, it } from 'vitest';
import { operationWireBytesMax } from '../../src/core/codec/index.js';
import { NO_FAULTS, SIM_LIMITS } from '../../sim/options.js';
import { runScenario, type Scenario, type Step } from '../../sim/scenario.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const WRITES = 400;
const VALUE_BYTES = 400;
/** A log and a backlog a small part of what is written: the slow secondary needs all of it. */
const LIMITS = { ...SIM_LIMITS, logBytesMax: 16 * 1024, replicaBacklogBytesMax: 32 * 1024 };
const SLOW_DISK = { ...NO_FAULTS, nodeFaults: { s1: { storage: { latencyMeanMs: 40 } } } };
const STREAMING_MS = 60_000;

/** Writes a millisecond apart, far faster than s1's disk applies them. */
function outrunScenario(): Scenario {
  const data = 'v'.repeat(VALUE_BYTES);
  const steps: Step[] = Array.from({ length: WRITES }, (_, index): Step[] => [
    { kind: 'write', call: { method: 'writeWithReplication', relativePath: `k${index}`, data } },
    { kind: 'runFor', ms: 1 },
  ]).flat();
  return { seed: 9, secondaries: 1, limits: LIMITS, faults: SLOW_DISK, steps, fullResyncsMax: 1 };
}

function slowSecondaryCluster(): Simulation {
  const sim = new Simulation({ seed: 9, secondaries: 1, limits: LIMITS, faults: SLOW_DISK });
  expect(sim.runUntil(() => sim.converged(), STREAMING_MS), sim.divergence() ?? '').toBe(true);
  return sim;
}

describe('writes the primary holds back for a secondary catching up, as the runtime holds them', () => {
  it('holds them, takes every one as the secondary catches up, in the order they were made, and converges', () => {
    const result = runScenario(outrunScenario());
    expect(result.verdict, result.message).toBe('pass');
    expect(result.stats.writesHeld).toBeGreaterThan(0);
    expect(result.stats.writesAccepted).toBe(WRITES);
    expect(result.stats.writesRefused).toBe(0);
  });

  it('puts a write made while others are held behind them, one the primary has room for too, and takes it after them', () => {
    const sim = slowSecondaryCluster();
    // Large enough that the room left when one is held back takes a small write (checked below).
    const value = 'v'.repeat(10 * VALUE_BYTES);
    let index = 0;
    while (sim.offerWrite('primary', set(`k${index}`, value)) === 'taken') index += 1;
    const heldFirst = index;
    const small = set(`k${index + 1}`, 'v');
    const logBytes = sim.primary.machine.getStats(sim.localNow(sim.primary)).operationLogBytes;
    expect(logBytes + operationWireBytesMax(small)).toBeLessThanOrEqual(LIMITS.logBytesMax + LIMITS.replicaBacklogBytesMax);
    expect(sim.offerWrite('primary', small)).toBe('held');
    expect(sim.primary.paced.waiting).toBe(2);
    expect(sim.runUntil(() => sim.converged(), STREAMING_MS), sim.divergence() ?? '').toBe(true);
    expect(sim.writeOrderViolation).toBeNull();
    expect(sim.heldWrites).toMatchObject({ held: 2, taken: 2, refused: 0 });
    const sequenceOf = (path: string): number => sim.histories.get(sim.primary.machine.replicationId)?.operations.findIndex((op) => op.type === 'SET' && op.path === path) ?? -1;
    expect(sequenceOf(`k${heldFirst}`)).toBeLessThan(sequenceOf(`k${heldFirst + 1}`));
  });

  it('refuses the writes it held when its process crashes, as a closed primary tells its writers', () => {
    const sim = slowSecondaryCluster();
    const value = 'v'.repeat(VALUE_BYTES);
    let index = 0;
    while (sim.offerWrite('primary', set(`k${index}`, value)) === 'taken') index += 1;
    sim.crash('primary');
    expect(sim.primary.paced.waiting).toBe(0);
    expect(sim.heldWrites).toMatchObject({ held: 1, taken: 0, refused: 1, longestStallMs: 0 });
  });
});
