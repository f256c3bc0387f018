import { Keyspace } from '../src/core/keyspace.js';
import type { Simulation, History } from './simulation.js';
import { keyspaceDifference } from './keyspace-compare.js';

/**
 * Exact-prefix consistency: every running secondary's live data is exactly the primary's state at
 * the position the secondary has persisted, in the history it names. Stronger than "equals some
 * earlier state": it pins which one. Nothing the primary never wrote can pass it.
 */
export class PrefixChecker {
  private readonly states = new Map<string, { sequence: number; keyspace: Keyspace }>();

  check(cluster: Simulation): string | null {
    for (const host of cluster.secondaries) {
      if (!host.up) continue;
      const cursor = host.store.cursor;
      if (cursor === null) {
        if (host.store.live.size > 0) return `${host.name} holds data without a position`;
        continue;
      }
      const history = cluster.histories.get(cursor.replicationId);
      if (history === undefined) return `${host.name} is in history ${cursor.replicationId}, which the primary never wrote`;
      if (cursor.sequence > history.operations.length) {
        return `${host.name} at ${cursor.sequence}, beyond the ${history.operations.length} operations of its history`;
      }
      const expected = this.stateAt(`${host.name}:${cursor.replicationId}`, history, cursor.sequence);
      const difference = keyspaceDifference(expected, host.store.live);
      if (difference !== null) return `${host.name} at ${cursor.replicationId}:${cursor.sequence}: ${difference}`;
    }
    return null;
  }

  /**
   * The history's state after `sequence` operations. Each secondary only moves forward within a
   * history, so a cache per secondary and history replays each operation about once.
   */
  private stateAt(cacheKey: string, history: History, sequence: number): Keyspace {
    let cached = this.states.get(cacheKey);
    if (cached === undefined || cached.sequence > sequence) cached = { sequence: 0, keyspace: history.base.clone() };
    for (let next = cached.sequence + 1; next <= sequence; next += 1) {
      const op = history.operations[next - 1];
      if (op !== undefined) cached.keyspace.apply(op);
    }
    cached.sequence = sequence;
    this.states.set(cacheKey, cached);
    return cached.keyspace;
  }
}
