import { describe, expect, it } from 'vitest';
import type { LogFsyncPolicy } from '../../src/core/log-persistence/recovery.js';
import { SafetyCheckers } from '../../sim/checkers.js';
import { NO_FAULTS } from '../../sim/options.js';
import { Simulation } from '../../sim/simulation.js';
import { set } from '../support/ops.js';

const CONVERGE_MS = 120_000;

/** Disks that sync rarely: a crash loses what the primary's storage applied since. */
function cluster(persistedLog: LogFsyncPolicy): Simulation {
  const faults = { ...NO_FAULTS, storage: { ...NO_FAULTS.storage, durability: 'lazy' as const, syncIntervalMs: 60_000 } };
  const sim = new Simulation({ seed: 21, secondaries: 2, persistedLog, faults });
  new SafetyCheckers().attach(sim);
  return sim;
}

function writeAndConverge(sim: Simulation, count: number, prefix: string): void {
  for (let i = 0; i < count; i += 1) sim.write(set(`${prefix}/${i % 30}`, `${prefix}-${i}`));
  expect(sim.runUntil(() => sim.converged(), CONVERGE_MS), sim.divergence() ?? '').toBe(true);
}

function resyncs(sim: Simulation): { full: number; partial: number }[] {
  return sim.secondaries.map((host) => {
    const stats = host.machine.getStats(sim.nowMs);
    return { full: stats.fullResyncs, partial: stats.partialResyncs };
  });
}

describe('a simulated primary with a persisted log', () => {
  it('with always: a restart replays what its disk lost and continues the history; secondaries resume from the log', () => {
    const sim = cluster('always');
    writeAndConverge(sim, 100, 'a');
    const history = sim.primary.machine.replicationId;
    const before = resyncs(sim);
    sim.restartPrimary();
    expect(sim.primary.machine.replicationId).toBe(history);
    expect(sim.primary.machine.lastSequence).toBe(100);
    writeAndConverge(sim, 50, 'b');
    const after = resyncs(sim);
    after.forEach((counts, index) => {
      expect(counts.full).toBe(before[index]?.full);
      expect(counts.partial).toBeGreaterThan(before[index]?.partial ?? 0);
    });
    expect(sim.logViolation).toBeNull();
  });

  it('with everysec: a crash ends the history (secondaries hold what the log lost); they resync in full to the new one', () => {
    const sim = cluster('everysec');
    writeAndConverge(sim, 100, 'a');
    const history = sim.primary.machine.replicationId;
    const before = resyncs(sim);
    sim.restartPrimary();
    expect(sim.primary.machine.replicationId).not.toBe(history);
    writeAndConverge(sim, 50, 'b');
    resyncs(sim).forEach((counts, index) => expect(counts.full).toBe((before[index]?.full ?? 0) + 1));
    expect(sim.logViolation).toBeNull();
  });
});
