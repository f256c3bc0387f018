import { ReadOnlyError } from '../src/core/errors.js';
import { Keyspace } from '../src/core/keyspace.js';
import type { KeyspaceStore } from '../src/core/keyspace-store.js';
import { keyspaceDifference } from './keyspace-compare.js';
import type { History, Simulation } from './simulation.js';

/** A checker found a state the design forbids. */
export class SafetyViolation extends Error {
  override name = 'SafetyViolation';
}

/**
 * Exact-prefix consistency: every running secondary's live data is exactly the primary's state at
 * the position the secondary has persisted, in the history it names. Stronger than "equals some
 * earlier state": it pins which one, and nothing the primary never wrote can pass it. It only
 * looks again at a secondary whose storage changed, so it can run after every event.
 */
export class PrefixChecker {
  private readonly states = new Map<string, { sequence: number; keyspace: Keyspace }>();
  private readonly seen = new Map<string, { store: KeyspaceStore; version: number }>();

  check(sim: Simulation): string | null {
    for (const host of sim.secondaries) {
      if (!host.up || this.unchanged(host.name, host.store)) continue;
      const violation = this.checkStore(sim, host.name, host.store);
      if (violation !== null) return violation;
    }
    return null;
  }

  private unchanged(name: string, store: KeyspaceStore): boolean {
    const seen = this.seen.get(name);
    if (seen !== undefined && seen.store === store && seen.version === store.version) return true;
    this.seen.set(name, { store, version: store.version });
    return false;
  }

  private checkStore(sim: Simulation, name: string, store: KeyspaceStore): string | null {
    const cursor = store.cursor;
    if (cursor === null) return store.live.size > 0 ? `${name} holds data without a position` : null;
    const history = sim.histories.get(cursor.replicationId);
    if (history === undefined) return `${name} is in history ${cursor.replicationId}, which the primary never wrote`;
    if (cursor.sequence > history.operations.length) {
      return `${name} at ${cursor.sequence}, beyond the ${history.operations.length} operations of its history`;
    }
    const expected = this.stateAt(`${name}:${cursor.replicationId}`, history, cursor.sequence);
    const difference = keyspaceDifference(expected, store.live);
    return difference === null ? null : `${name} at ${cursor.replicationId}:${cursor.sequence}: ${difference}`;
  }

  /**
   * The history's state after `sequence` operations. Each secondary only moves forward within a
   * history (but for a crash that loses unsynced writes), so a cache per secondary and history
   * replays each operation about once.
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

/**
 * Within one run of a secondary process, its position never goes back: not to an earlier sequence
 * of the same history, nor to an older history.
 */
export class MonotonicChecker {
  private readonly last = new Map<string, { generation: number; historyIndex: number; sequence: number }>();

  check(sim: Simulation): string | null {
    for (const host of sim.secondaries) {
      const position = host.machine.position;
      if (!host.up || position === null) continue;
      const historyIndex = sim.histories.get(position.replicationId)?.index ?? -1;
      const now = { generation: host.generation, historyIndex, sequence: position.sequence };
      const before = this.last.get(host.name);
      this.last.set(host.name, now);
      if (before === undefined || before.generation !== now.generation) continue;
      if (now.historyIndex < before.historyIndex) return `${host.name} went back to an older history`;
      if (now.historyIndex === before.historyIndex && now.sequence < before.sequence) {
        return `${host.name} went back from ${before.sequence} to ${now.sequence}`;
      }
    }
    return null;
  }
}

/** Every secondary refuses a write with ReadOnlyError. */
export function readOnlyViolation(sim: Simulation): string | null {
  for (const host of sim.secondaries) {
    if (!host.up) continue;
    try {
      host.machine.submitWrite({ type: 'DELETE', path: 'probe' }, sim.localNow(host));
      return `${host.name} accepted a write`;
    } catch (error) {
      if (!(error instanceof ReadOnlyError)) return `${host.name} refused a write with ${String(error)} instead of ReadOnlyError`;
    }
  }
  return null;
}

/** All the safety checkers, run after every event; throws SafetyViolation on the first breach. */
export class SafetyCheckers {
  private readonly prefix = new PrefixChecker();
  private readonly monotonic = new MonotonicChecker();

  attach(sim: Simulation): void {
    sim.afterEachStep = () => this.check(sim);
  }

  check(sim: Simulation): void {
    const violation = this.prefix.check(sim) ?? this.monotonic.check(sim);
    if (violation !== null) throw new SafetyViolation(violation);
  }
}
