import { describe, expect, it } from 'vitest';
import { decodeFrameBody } from '../../src/core/codec/index.js';
import { ReadOnlyError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Simulation } from '../../sim/simulation.js';
import { del, set, text } from '../support/ops.js';

const CONVERGE_MS = 120_000;

function writeMany(cluster: Simulation, count: number, prefix = 'k'): void {
  for (let i = 0; i < count; i += 1) cluster.write(set(`${prefix}/${i % 50}`, `${prefix}-${i}`));
}

function expectConverged(cluster: Simulation): void {
  expect(cluster.runUntil(() => cluster.converged(), CONVERGE_MS), cluster.divergence() ?? '').toBe(true);
}

/** The wire type of a frame, read the way a network tap would. */
function wireType(bytes: Uint8Array): string {
  return decodeFrameBody(bytes.subarray(4), DEFAULT_LIMITS).frame.kind;
}

describe('in-memory cluster: one primary, two secondaries, the real pump', () => {
  it('streams writes, deletes, tags and expiry to both secondaries', () => {
    const cluster = new Simulation({ seed: 1, secondaries: 2 });
    cluster.write(set('a', '1', { tags: ['x', 'y'] }));
    cluster.write(set('b', '2', { expiresAtMs: cluster.nowMs + 60_000 }));
    cluster.write(set('c', '3'));
    cluster.write(del('c'));
    cluster.write({ type: 'METADATA', path: 'a', tags: ['z'] });
    expectConverged(cluster);
    for (const node of ['s1', 's2']) {
      expect(text(cluster.read(node, 'a')?.value)).toBe('1');
      expect(cluster.read(node, 'a')?.tags).toEqual(['z']);
      expect(cluster.read(node, 'b')?.expiresAtMs).toBe(cluster.read('primary', 'b')?.expiresAtMs);
      expect(cluster.read(node, 'c')).toBeUndefined();
    }
  });

  it('the primary expires a key itself and replicates the expiry as a DELETE', () => {
    const cluster = new Simulation({ seed: 2, secondaries: 2 });
    cluster.write(set('short', 'lived', { expiresAtMs: cluster.nowMs + 1_000 }));
    expectConverged(cluster);
    expect(cluster.secondary('s1').store.live.get('short')).toBeDefined();
    cluster.runFor(1_500);
    expectConverged(cluster);
    expect(cluster.eventsOf('primary', 'expired')).toHaveLength(1);
    for (const node of ['primary', 's1', 's2']) {
      // Gone from storage, not merely hidden on reads.
      expect(node === 'primary' ? cluster.primary.store.live.get('short') : cluster.secondary(node).store.live.get('short')).toBeUndefined();
    }
  });

  it('a secondary hides an expired key on reads even before the primary\'s DELETE reaches it', () => {
    const cluster = new Simulation({ seed: 14, secondaries: 1 });
    cluster.write(set('ttl', 'x', { expiresAtMs: cluster.nowMs + 1_000 }));
    expectConverged(cluster);
    expect(cluster.read('s1', 'ttl')).toBeDefined();
    cluster.partition('s1');
    cluster.runFor(2_000);
    expect(cluster.secondary('s1').store.live.get('ttl')).toBeDefined(); // still stored: only the primary deletes
    expect(cluster.read('s1', 'ttl')).toBeUndefined(); // but never served
    cluster.repair('s1');
    expectConverged(cluster);
    expect(cluster.secondary('s1').store.live.get('ttl')).toBeUndefined();
  });

  it('a reset is seen as reset at both ends, a crash of the other end as its close', () => {
    const cluster = new Simulation({ seed: 1, secondaries: 1, traceEventsMax: 100_000 });
    cluster.write(set('k', 'v'));
    expectConverged(cluster);
    const closes = (): string[] => cluster.trace.events.filter((event) => event.kind === 'event:connectionClosed').map((event) => `${event.node} ${event.detail?.split(' ')[1] ?? ''}`);
    cluster.reset('s1');
    cluster.runFor(1_000);
    expect(closes()).toEqual(['primary reset', 's1 reset']);
    expectConverged(cluster);
    cluster.crash('s1');
    cluster.runFor(1_000);
    expect(closes().slice(2)).toEqual(['primary peer_closed']);
  });

  it('catches up a secondary after a short outage from the log, without a full resync', () => {
    const cluster = new Simulation({ seed: 3, secondaries: 2 });
    writeMany(cluster, 100);
    expectConverged(cluster);
    cluster.crash('s1');
    writeMany(cluster, 200, 'during');
    cluster.runFor(5_000);
    cluster.restart('s1');
    expectConverged(cluster);
    const s1 = cluster.secondary('s1').machine.getStats(cluster.nowMs);
    expect(s1.partialResyncs).toBe(1);
    expect(s1.fullResyncs).toBe(0);
  });

  it('gives a full resync to a secondary the log no longer covers, and it converges', () => {
    const limits = { logEntriesMax: 50, pendingWritesMax: 50 };
    const cluster = new Simulation({ seed: 4, secondaries: 2, limits });
    writeMany(cluster, 20);
    expectConverged(cluster);
    cluster.crash('s2');
    // Paced, so that s1 keeps up with a log of 50 while s2 falls out of it.
    for (let round = 0; round < 50; round += 1) {
      writeMany(cluster, 10, `outage${round}`);
      cluster.runFor(5);
    }
    cluster.write({ type: 'FLUSH', db: 'db', namespace: null });
    writeMany(cluster, 30, 'after');
    cluster.restart('s2');
    expectConverged(cluster);
    expect(cluster.secondary('s2').machine.getStats(cluster.nowMs).fullResyncs).toBe(1);
    expect(cluster.secondary('s1').machine.getStats(cluster.nowMs).fullResyncs).toBe(1); // its first sync only
  });

  it('a full resync taken while writes continue still converges exactly', () => {
    const cluster = new Simulation({ seed: 5, secondaries: 2, limits: { logEntriesMax: 5_000, pendingWritesMax: 5_000, snapshotChunkEntriesMax: 3 } });
    writeMany(cluster, 300);
    cluster.runFor(10);
    // Keep writing on every tick while s1's snapshot is being scanned page by page.
    for (let tick = 0; tick < 200; tick += 1) {
      cluster.write(set(`live/${tick % 7}`, `t${tick}`));
      if (tick % 5 === 0) cluster.write(del(`k/${tick % 50}`));
      cluster.runFor(1);
    }
    expectConverged(cluster);
  });

  it('a primary restart starts a new history, and the secondaries follow it', () => {
    const cluster = new Simulation({ seed: 6, secondaries: 2 });
    writeMany(cluster, 100);
    expectConverged(cluster);
    const firstHistory = cluster.primary.machine.replicationId;
    cluster.restartPrimary();
    expect(cluster.primary.machine.replicationId).not.toBe(firstHistory);
    expect(cluster.primary.machine.lastSequence).toBe(0);
    cluster.write(set('k/1', 'after restart'));
    expectConverged(cluster);
    // Original failure 4: the new sequence 1 is not ignored as "already applied".
    expect(text(cluster.read('s1', 'k/1')?.value)).toBe('after restart');
    expect(cluster.secondary('s1').machine.position?.replicationId).toBe(cluster.primary.machine.replicationId);
  });

  it('ignores duplicated frames', () => {
    const cluster = new Simulation({ seed: 7, secondaries: 2 });
    expectConverged(cluster);
    cluster.setFilter('s1', (bytes, direction) => (direction === 'toSecondary' && isData(bytes) ? 'duplicate' : 'deliver'));
    writeMany(cluster, 100);
    expectConverged(cluster);
    const stats = cluster.secondary('s1').machine.getStats(cluster.nowMs);
    expect(stats.primary.duplicatesIgnored).toBeGreaterThan(0);
    expect(stats.primary.gapsDetected).toBe(0);
  });

  it('never applies across a gap: it resumes and converges', () => {
    const cluster = new Simulation({ seed: 8, secondaries: 2 });
    writeMany(cluster, 10);
    expectConverged(cluster);
    let dropped = 0;
    cluster.setFilter('s1', (bytes, direction) => {
      if (direction !== 'toSecondary' || !isData(bytes) || dropped > 0) return 'deliver';
      dropped += 1;
      return 'drop';
    });
    for (let i = 0; i < 5; i += 1) {
      cluster.write(set(`gap/${i}`, `${i}`));
      cluster.runFor(5);
    }
    const s1 = cluster.secondary('s1');
    // Nothing after the lost operation was applied: the data is still a prefix of the history.
    expect(s1.store.live.get('gap/0')).toBeUndefined();
    expect(s1.store.live.get('gap/1')).toBeUndefined();
    expectConverged(cluster);
    expect(s1.machine.getStats(cluster.nowMs).primary.gapsDetected).toBe(1);
    expect(text(cluster.read('s1', 'gap/0')?.value)).toBe('0');
  });

  it('detects a lost tail through the heartbeat', () => {
    const cluster = new Simulation({ seed: 9, secondaries: 1 });
    writeMany(cluster, 10);
    expectConverged(cluster);
    cluster.setFilter('s1', (bytes, direction) => (direction === 'toSecondary' && isData(bytes) ? 'drop' : 'deliver'));
    cluster.write(set('tail', 'lost once'));
    cluster.runFor(100);
    cluster.setFilter('s1', null);
    expectConverged(cluster);
    expect(cluster.secondary('s1').machine.getStats(cluster.nowMs).primary.gapsDetected).toBe(1);
  });

  it('a burst of 10,000 writes reaches both secondaries without a resync (original failure 2)', () => {
    const cluster = new Simulation({ seed: 13, secondaries: 2 });
    expectConverged(cluster);
    writeMany(cluster, DEFAULT_LIMITS.pendingWritesMax);
    expectConverged(cluster);
    for (const name of ['s1', 's2']) {
      const stats = cluster.secondary(name).machine.getStats(cluster.nowMs);
      expect(stats.primary.operationsApplied).toBe(DEFAULT_LIMITS.pendingWritesMax);
      expect(stats.primary.reconnections).toBe(0);
    }
  });

  it('refuses writes on a secondary with ReadOnlyError', () => {
    const cluster = new Simulation({ seed: 10, secondaries: 2 });
    expect(() => cluster.secondary('s1').machine.submitWrite(set('a', '1'), cluster.nowMs)).toThrow(ReadOnlyError);
    expect(() => cluster.secondary('s1').machine.submitWrite(set('a', '1'), cluster.nowMs)).toThrow('Cannot write to secondary replica');
  });

  it('recovers from a partition: the silent link times out and the secondary reconnects', () => {
    const cluster = new Simulation({ seed: 11, secondaries: 2 });
    writeMany(cluster, 20);
    expectConverged(cluster);
    cluster.partition('s2');
    writeMany(cluster, 20, 'partitioned');
    cluster.runFor(40_000);
    expect(cluster.eventsOf('s2', 'connectionClosed').some((recorded) => recorded.event.kind === 'connectionClosed' && recorded.event.code === 'timeout')).toBe(true);
    cluster.repair('s2');
    expectConverged(cluster);
  });

  it('is deterministic: the same seed gives the same events', () => {
    const run = (): string => {
      const cluster = new Simulation({ seed: 12, secondaries: 2, limits: { logEntriesMax: 30, pendingWritesMax: 30 } });
      writeMany(cluster, 20);
      cluster.runFor(3);
      cluster.crash('s1');
      for (let round = 0; round < 10; round += 1) {
        writeMany(cluster, 10, `x${round}`);
        cluster.runFor(3);
      }
      cluster.restart('s1');
      cluster.runUntil(() => cluster.converged(), CONVERGE_MS);
      return JSON.stringify(cluster.events);
    };
    expect(run()).toBe(run());
  });
});

function isData(bytes: Uint8Array): boolean {
  const kind = wireType(bytes);
  return kind === 'operation' || kind === 'batch';
}
