import { describe, expect, it } from 'vitest';
import { DeposedError } from '../../src/core/errors.js';
import type { Primary } from '../../src/core/primary/primary.js';
import { SafetyCheckers } from '../../sim/checkers.js';
import { Simulation } from '../../sim/simulation.js';
import { set, text } from '../support/ops.js';

const CONVERGE_MS = 120_000;

function expectConverged(cluster: Simulation): void {
  expect(cluster.runUntil(() => cluster.converged(), CONVERGE_MS), cluster.divergence() ?? '').toBe(true);
}

/** Three secondaries in step with the primary, every checker after every event; then the primary dies and s1 is promoted. */
function failedOver(): { cluster: Simulation; oldHistory: string; failedOverAtMs: number } {
  const cluster = new Simulation({ seed: 21, secondaries: 3 });
  new SafetyCheckers().attach(cluster);
  for (let i = 0; i < 40; i += 1) cluster.write(set(`before/${i}`, `v${i}`));
  expectConverged(cluster);
  // s3 falls behind: it must catch up from the promoted primary's log, not by a snapshot.
  cluster.partition('s3');
  for (let i = 40; i < 60; i += 1) cluster.write(set(`before/${i}`, `v${i}`));
  cluster.runUntil(() => cluster.secondary('s1').machine.position?.sequence === 60 && cluster.secondary('s2').machine.position?.sequence === 60, CONVERGE_MS);
  const oldHistory = cluster.primary.machine.replicationId;
  const failedOverAtMs = cluster.nowMs;
  cluster.repair('s3');
  cluster.crash('primary');
  cluster.promote('s1');
  cluster.repoint('s2', 's1');
  cluster.repoint('s3', 's1');
  return { cluster, oldHistory, failedOverAtMs };
}

describe('manual failover in the simulator', () => {
  it('the other secondaries continue from the promoted one without a full resync, the one behind included', () => {
    const { cluster, oldHistory, failedOverAtMs } = failedOver();
    expect(cluster.primary.name).toBe('s1');
    expect(cluster.primary.machine.previous).toEqual({ replicationId: oldHistory, endSequence: 60 });
    expect(cluster.primary.machine.epoch).toBe(1);
    for (let i = 0; i < 10; i += 1) cluster.write(set(`after/${i}`, `w${i}`));
    expectConverged(cluster);
    for (const name of ['s2', 's3']) {
      const resyncs = cluster.eventsOf(name, 'resync').filter((recorded) => recorded.atMs >= failedOverAtMs).map((recorded) => recorded.event);
      expect(resyncs, name).toEqual([expect.objectContaining({ mode: 'continue' })]);
      expect(cluster.secondary(name).store.cursor).toEqual({ replicationId: cluster.primary.machine.replicationId, sequence: 70, epoch: 1 });
      expect(text(cluster.read(name, 'before/59')?.value)).toBe('v59');
      expect(text(cluster.read(name, 'after/9')?.value)).toBe('w9');
    }
  });

  it('the old primary, restarted, takes writes into a history of its own; a secondary pointed back at it refuses it and deposes it', () => {
    const { cluster } = failedOver();
    cluster.write(set('after/0', 'w0'));
    expectConverged(cluster);
    cluster.restart('primary');
    const old = (): Primary => cluster.host('primary').machine as Primary;
    expect(cluster.runUntil(() => old().isReady, CONVERGE_MS)).toBe(true);
    expect(old().epoch).toBe(0);
    cluster.writeTo('primary', set('split/brain', 'old'));
    cluster.repoint('s2', 'primary'); // a stale configuration
    const fencedClose = (): boolean => cluster.eventsOf('s2', 'connectionClosed').some((recorded) => recorded.event.kind === 'connectionClosed' && recorded.event.code === 'fenced');
    expect(cluster.runUntil(fencedClose, CONVERGE_MS)).toBe(true);
    expect(old().isDeposed).toBe(true);
    expect(() => cluster.writeTo('primary', set('split/brain', 'again'))).toThrow(DeposedError);
    expect(cluster.read('s2', 'split/brain')).toBeUndefined();
    cluster.repoint('s2', 's1');
    expectConverged(cluster);
    expect(cluster.read('s2', 'split/brain')).toBeUndefined();
  });

  it('the old primary rejoins as a secondary of the promoted one and continues when it holds nothing the new history lacks', () => {
    const { cluster } = failedOver();
    cluster.repoint('primary', 's1');
    cluster.restart('primary');
    expectConverged(cluster);
    expect(cluster.secondary('primary').machine.getStats(0)).toMatchObject({ fullResyncs: 0, partialResyncs: 1 });
  });

  it('the old primary, holding writes no secondary had, rejoins with a full resync and loses them, never keeps them', () => {
    const cluster = new Simulation({ seed: 23, secondaries: 2 });
    new SafetyCheckers().attach(cluster);
    for (let i = 0; i < 20; i += 1) cluster.write(set(`k/${i}`, `v${i}`));
    expectConverged(cluster);
    cluster.partition('s1');
    cluster.partition('s2');
    for (let i = 0; i < 5; i += 1) cluster.write(set(`unreplicated/${i}`, 'x'));
    cluster.runFor(1_000);
    cluster.crash('primary');
    cluster.repair('s1');
    cluster.repair('s2');
    cluster.promote('s1');
    cluster.repoint('s2', 's1');
    cluster.repoint('primary', 's1');
    cluster.restart('primary');
    expectConverged(cluster);
    expect(cluster.secondary('primary').machine.getStats(0)).toMatchObject({ fullResyncs: 1, partialResyncs: 0 });
    expect(cluster.read('primary', 'unreplicated/0')).toBeUndefined();
    expect(text(cluster.read('primary', 'k/19')?.value)).toBe('v19');
  });

  it('after a failover, restartPrimary restarts the promoted primary, not the deposed one', () => {
    const cluster = new Simulation({ seed: 24, secondaries: 2, traceEventsMax: 100_000 });
    new SafetyCheckers().attach(cluster);
    for (let i = 0; i < 10; i += 1) cluster.write(set(`k/${i}`, `v${i}`));
    expectConverged(cluster);
    cluster.failover();
    const promoted = cluster.primary.name;
    const restartedFrom = cluster.trace.events.length;
    cluster.restartPrimary();
    const restarts = cluster.trace.events.slice(restartedFrom).filter((event) => event.kind === 'crash' || event.kind === 'restart');
    expect(restarts.map((event) => [event.kind, event.node])).toEqual([['crash', promoted], ['restart', promoted]]);
    expect(cluster.host('primary').up).toBe(false);
    cluster.write(set('k/after', 'x'));
    expectConverged(cluster);
  });

  it('records the failover: what was acknowledged, and where the new history continues the old', () => {
    const cluster = new Simulation({ seed: 22, secondaries: 2 });
    new SafetyCheckers().attach(cluster);
    for (let i = 0; i < 30; i += 1) cluster.write(set(`k/${i}`, `v${i}`));
    expectConverged(cluster);
    const oldHistory = cluster.primary.machine.replicationId;
    cluster.failover();
    expect(cluster.failovers).toEqual([{ fromReplicationId: oldHistory, acknowledgedThrough: 30, promoted: 's1', continues: { replicationId: oldHistory, endSequence: 30 } }]);
    cluster.write(set('k/new', 'x'));
    expectConverged(cluster);
  });
});
