import { describe, expect, it } from 'vitest';
import { PrefixChecker } from '../../sim/checkers.js';
import { Simulation } from '../../sim/simulation.js';
import { DEFAULT_TIMING } from '../../src/core/limits.js';
import { set } from '../support/ops.js';

const CONVERGE_MS = 30_000;

/**
 * Until this verb the simulator never reported a loss (only a Redis that came back empty does), so
 * a secondary that forgot its position but kept its applied log broke its own invariants in no
 * simulated run. Every machine's invariants are checked after every event.
 */
describe('a secondary whose storage comes back empty', () => {
  it('forgets its position and what it applied, resyncs in full, and converges', () => {
    const cluster = new Simulation({ seed: 12, secondaries: 2 });
    for (let index = 0; index < 30; index += 1) cluster.write(set(`p${index}`, String(index)));
    expect(cluster.runUntil(() => cluster.converged(), CONVERGE_MS)).toBe(true);
    cluster.loseData('s1');
    expect(cluster.secondary('s1').store.live.size).toBe(0);
    for (let index = 30; index < 40; index += 1) cluster.write(set(`p${index}`, String(index)));
    expect(cluster.runUntil(() => cluster.converged(), CONVERGE_MS)).toBe(true);
    const lost = cluster.secondary('s1').machine.getStats(0);
    const kept = cluster.secondary('s2').machine.getStats(0);
    expect(lost.primary?.storageLosses).toBe(1);
    expect(kept.primary?.storageLosses).toBe(0);
    // Its first join, then the one after the loss.
    expect(lost.fullResyncs).toBe(kept.fullResyncs + 1);
    expect(cluster.secondary('s1').store.live.size).toBe(40);
    expect(new PrefixChecker().check(cluster)).toBeNull();
  });

  it('is found on a quiet cluster too: an idle storage is verified at a heartbeat, with no write to find it', () => {
    const cluster = new Simulation({ seed: 13, secondaries: 2 });
    for (let index = 0; index < 30; index += 1) cluster.write(set(`p${index}`, String(index)));
    expect(cluster.runUntil(() => cluster.converged(), CONVERGE_MS)).toBe(true);
    cluster.loseData('s2');
    // A verification waits for a heartbeat after a heartbeat interval without storage requests.
    expect(cluster.runUntil(() => cluster.converged(), 3 * DEFAULT_TIMING.heartbeatIntervalMs)).toBe(true);
    expect(cluster.secondary('s2').machine.getStats(0).primary?.storageLosses).toBe(1);
    expect(cluster.secondary('s2').store.live.size).toBe(30);
  });
});
