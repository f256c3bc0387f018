import { describe, expect, it } from 'vitest';
import { PrefixChecker } from '../../sim/checkers.js';
import { Simulation } from '../../sim/simulation.js';
import type { Operation } from '../../src/core/operation.js';
import { set } from '../support/ops.js';

function converged(cluster: Simulation): boolean {
  return cluster.runUntil(() => cluster.converged(), 10_000);
}

describe('the prefix checker on its own oracle', () => {
  it('checks the primary too: its data must be its history at the sequence it applied', () => {
    const cluster = new Simulation({ seed: 5, secondaries: 1 });
    cluster.write(set('a', '1', { db: 'd0' }));
    cluster.write({ type: 'FLUSH', db: 'd1', namespace: null });
    expect(converged(cluster)).toBe(true);
    const checker = new PrefixChecker();
    expect(checker.check(cluster)).toBeNull();
    // A FLUSH the primary's storage got wrong (as a Keyspace that ignored the db would).
    const store = cluster.primary.store;
    store.execute({ kind: 'apply', operations: [{ type: 'DELETE', path: 'a' }], cursor: null });
    expect(checker.check(cluster)).toMatch(/^primary at .*:2: 0 entries where 1 were expected$/);
  });

  it('follows a restarted primary from the prefix of its old history that its storage kept', () => {
    const cluster = new Simulation({ seed: 6, secondaries: 1 });
    cluster.write(set('a', '1'));
    cluster.write(set('b', '2'));
    expect(converged(cluster)).toBe(true);
    cluster.restartPrimary();
    cluster.write(set('c', '3'));
    expect(converged(cluster)).toBe(true);
    expect(new PrefixChecker().check(cluster)).toBeNull();
  });

  it('refuses a restarted primary whose storage holds what no prefix of its history held', () => {
    const cluster = new Simulation({ seed: 7, secondaries: 1 });
    cluster.write(set('a', '1'));
    expect(converged(cluster)).toBe(true);
    cluster.crash('primary');
    cluster.primary.store.execute({ kind: 'apply', operations: [set('never', 'written')], cursor: null });
    cluster.restart('primary');
    expect(new PrefixChecker().check(cluster)).toMatch(/^the primary restarted on data that no prefix of history \w+ held$/);
  });

  /**
   * History A writes a and b; its storage loses b in a crash, so B begins from A after 1. B writes
   * c; the next crash leaves `lost` of B's base and c: a state on the line A:0, A:1 (= B:0), B:1
   * is what a storage that loses unsynced writes may keep, even one that the previous history
   * began after (the replay of a persisted log, or that history's own start, unsynced).
   */
  function restartedTwice(seed: number, keptAfterSecondCrash: Operation[]): Simulation {
    const cluster = new Simulation({ seed, secondaries: 1 });
    cluster.write(set('a', '1'));
    cluster.write(set('b', '2'));
    expect(converged(cluster)).toBe(true);
    cluster.crash('primary');
    cluster.primary.store.execute({ kind: 'apply', operations: [{ type: 'DELETE', path: 'b' }], cursor: null });
    cluster.restart('primary');
    expect(cluster.runUntil(() => cluster.primary.machine.isReady, 60_000)).toBe(true);
    cluster.write(set('c', '3'));
    expect(converged(cluster)).toBe(true);
    cluster.crash('primary');
    cluster.primary.store.execute({ kind: 'apply', operations: [{ type: 'FLUSH', db: null, namespace: null }, ...keptAfterSecondCrash], cursor: null });
    cluster.restart('primary');
    return cluster;
  }

  it('follows a restarted primary whose storage lost writes from before its previous history began', () => {
    expect(new PrefixChecker().check(restartedTwice(9, []))).toBeNull();
  });

  it('refuses a restarted primary whose storage holds a state of an earlier history past where the previous one began', () => {
    // A after 2 was never on the line: B began from A after 1.
    expect(new PrefixChecker().check(restartedTwice(10, [set('a', '1'), set('b', '2')]))).toMatch(/^the primary restarted on data that no prefix of history \w+ held$/);
  });

  it('reports a primary whose applied sequence goes back', () => {
    const cluster = new Simulation({ seed: 8, secondaries: 1 });
    cluster.write(set('a', '1'));
    cluster.write(set('b', '2'));
    expect(converged(cluster)).toBe(true);
    const checker = new PrefixChecker();
    expect(checker.check(cluster)).toBeNull();
    const machine = cluster.primary.machine;
    const stats = machine.getStats.bind(machine);
    machine.getStats = (nowMs) => ({ ...stats(nowMs), appliedSequence: 1 });
    cluster.primary.store.execute({ kind: 'apply', operations: [{ type: 'DELETE', path: 'b' }], cursor: null });
    expect(checker.check(cluster)).toMatch(/^the primary's applied sequence went back from 2 to 1/);
  });
});
