import { ReadOnlyError } from '../src/core/errors.js';
import { epochOf } from '../src/core/failover/lineage.js';
import type { Keyspace } from '../src/core/keyspace.js';
import type { KeyspaceStore } from '../src/core/keyspace-store.js';
import { differAt, keyspaceDifference } from './keyspace-compare.js';
import { applyDocumented, type OracleState } from './oracle.js';
import type { History, Simulation } from './simulation.js';

/** A checker found a state the design forbids. */
export class SafetyViolation extends Error {
  override name = 'SafetyViolation';
}

/**
 * Exact-prefix consistency: every running secondary's live data is exactly the primary's state at
 * the position the secondary has persisted, in the history it names, and the primary's own data is
 * its history's state at the sequence it has applied. Stronger than "equals some earlier state": it
 * pins which one, and nothing the primary never wrote can pass it. States come from the oracle
 * (sim/oracle.ts), never from the Keyspace the nodes store through. It only looks again at a node
 * whose storage changed, so it can run after every event.
 */
export class PrefixChecker {
  private readonly states = new Map<string, { sequence: number; state: OracleState }>();
  private readonly seen = new Map<string, { store: KeyspaceStore; version: number }>();
  private readonly bases = new OracleBases();
  /** Per history (one primary process each): applied only moves forward. */
  private readonly primaryApplied = new Map<string, number>();
  /** Per node, what its live keyspace last equalled: later checks look only at what changed since. */
  private readonly verified = new Map<string, Verified>();

  check(sim: Simulation): string | null {
    const primary = sim.primary;
    if (primary.up && !this.unchanged(primary.name, primary.store)) {
      const violation = this.checkPrimary(sim);
      if (violation !== null) return violation;
    }
    for (const host of sim.secondaries) {
      if (!host.up || this.unchanged(host.name, host.store)) continue;
      const violation = this.checkSecondary(sim, host.name, host.store);
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

  private checkPrimary(sim: Simulation): string | null {
    const host = sim.primary;
    const replicationId = host.machine.replicationId;
    const history = sim.histories.get(replicationId);
    if (history === undefined) return `the primary is in history ${replicationId}, which was never recorded`;
    const applied = host.machine.getStats(sim.localNow(host)).appliedSequence;
    const before = this.primaryApplied.get(replicationId) ?? 0;
    if (applied < before) return `the primary's applied sequence went back from ${before} to ${applied} in ${replicationId}`;
    this.primaryApplied.set(replicationId, applied);
    return this.checkAt(sim, { node: host.name, replicationId, history, sequence: applied, live: host.store.live });
  }

  private checkSecondary(sim: Simulation, name: string, store: KeyspaceStore): string | null {
    const cursor = store.cursor;
    if (cursor === null) return store.live.size > 0 ? `${name} holds data without a position` : null;
    const history = sim.histories.get(cursor.replicationId);
    if (history === undefined) return `${name} is in history ${cursor.replicationId}, which the primary never wrote`;
    if (cursor.sequence > history.operations.length) {
      return `${name} at ${cursor.sequence}, beyond the ${history.operations.length} operations of its history`;
    }
    return this.checkAt(sim, { node: name, replicationId: cursor.replicationId, history, sequence: cursor.sequence, live: store.live });
  }

  private checkAt(sim: Simulation, at: { node: string; replicationId: string; history: History; sequence: number; live: Keyspace }): string | null {
    const base = this.bases.of(sim, at.replicationId, at.history);
    if (typeof base === 'string') return base;
    const expected = this.stateAt(`${at.node}:${at.replicationId}`, base, at.history, at.sequence);
    const now: Verified = { live: at.live, state: expected, sequence: at.sequence };
    const paths = changedPaths(this.verified.get(at.node), now, at.history, at.live.journalChanges().take());
    if (paths === null ? keyspaceDifference(expected, at.live) !== null : differAt(expected, at.live, paths)) {
      this.verified.delete(at.node);
      // The whole comparison names the first difference, as it always has.
      const difference = keyspaceDifference(expected, at.live);
      if (difference !== null) return `${at.node} at ${at.replicationId}:${at.sequence}: ${difference}`;
    }
    this.verified.set(at.node, now);
    return null;
  }

  /**
   * The history's state after `sequence` operations. Each node only moves forward within a
   * history (but for a crash that loses unsynced writes), so a cache per node and history replays
   * each operation about once.
   */
  private stateAt(cacheKey: string, base: OracleState, history: History, sequence: number): OracleState {
    let cached = this.states.get(cacheKey);
    if (cached === undefined || cached.sequence > sequence) cached = { sequence: 0, state: new Map(base) };
    replay(cached.state, history, cached.sequence, sequence);
    cached.sequence = sequence;
    this.states.set(cacheKey, cached);
    return cached.state;
  }
}

/** A node's live keyspace found equal to the oracle's state at a sequence (the state moves on in place). */
interface Verified {
  readonly live: Keyspace;
  readonly state: OracleState;
  readonly sequence: number;
}

/**
 * The paths where a node's live keyspace and its oracle state may differ now, when they were equal
 * at `before`: those the keyspace journalled since, and those the history's operations touched
 * since. Null when that cannot be said: a first check, another keyspace or oracle state, a clear,
 * a FLUSH. Every change to the keyspace's map is journalled, so a slip in Keyspace itself (an
 * apply that touches another path) is still seen.
 */
function changedPaths(before: Verified | undefined, now: Verified, history: History, paths: Set<string> | null): Set<string> | null {
  if (before === undefined || paths === null) return null;
  if (before.live !== now.live || before.state !== now.state || before.sequence > now.sequence) return null;
  for (let index = before.sequence; index < now.sequence; index += 1) {
    const op = history.operations[index];
    if (op === undefined || op.type === 'FLUSH') return null;
    paths.add(op.path);
  }
  return paths;
}

/**
 * Where each history starts, in the oracle's terms. The first starts from the run's initial data;
 * a later one from what the restarted primary's storage kept, which must be a state on the line
 * of states its storage went through: the history before's state after some prefix of its
 * operations (all of them, or fewer when a crash lost unsynced writes), or, when the crash also
 * lost what that history began from (writes replayed from a persisted log, or its own unsynced
 * start), the history before that one's state after a prefix no longer than the one that history
 * began from, and so on back. The match is found, so the base is the oracle's own state, not the
 * node's.
 */
class OracleBases {
  private readonly bases = new Map<string, OracleState | string>();
  /** For each derived history, where on its line it began: a history and how many of its operations. */
  private readonly origins = new Map<string, { readonly replicationId: string; readonly sequence: number }>();

  of(sim: Simulation, replicationId: string, history: History): OracleState | string {
    let base = this.bases.get(replicationId);
    if (base === undefined) {
      base = this.derive(sim, replicationId, history);
      this.bases.set(replicationId, base);
    }
    return base;
  }

  private derive(sim: Simulation, replicationId: string, history: History): OracleState | string {
    const previousId = history.predecessor;
    if (previousId === null) return new Map([...history.base.values()].map((entry) => [entry.path, entry]));
    let line: { replicationId: string; sequence: number } | undefined = { replicationId: previousId, sequence: Number.POSITIVE_INFINITY };
    while (line !== undefined) {
      const earlier = sim.histories.get(line.replicationId);
      if (earlier === undefined) return `history ${history.index} has no predecessor`;
      const earlierBase = this.of(sim, line.replicationId, earlier);
      if (typeof earlierBase === 'string') return earlierBase;
      const state = new Map(earlierBase);
      const end = Math.min(line.sequence, earlier.operations.length);
      for (let sequence = 0; ; sequence += 1) {
        if (keyspaceDifference(state, history.base) === null) {
          this.origins.set(replicationId, { replicationId: line.replicationId, sequence });
          return state;
        }
        if (sequence === end) break;
        replay(state, earlier, sequence, sequence + 1);
      }
      line = this.origins.get(line.replicationId);
    }
    return `the primary restarted on data that no prefix of history ${previousId} held`;
  }
}

/** Applies operations `from + 1` to `to` of the history (sequences are 1-based). */
function replay(state: OracleState, history: History, from: number, to: number): void {
  for (let next = from + 1; next <= to; next += 1) {
    const op = history.operations[next - 1];
    if (op !== undefined) applyDocumented(state, op);
  }
}

/**
 * Within one run of a secondary process, its position never goes back: not to an earlier sequence
 * of the same history, nor to an older history: one of a lower epoch, or of the same epoch and
 * made earlier (a promoted primary's history is newer than one its deposed predecessor makes later).
 */
export class MonotonicChecker {
  private readonly last = new Map<string, { generation: number; epoch: number; historyIndex: number; sequence: number }>();

  check(sim: Simulation): string | null {
    for (const host of sim.secondaries) {
      const position = host.machine.position;
      if (!host.up || position === null) continue;
      const history = sim.histories.get(position.replicationId);
      const now = { generation: host.generation, epoch: history?.epoch ?? -1, historyIndex: history?.index ?? -1, sequence: position.sequence };
      const before = this.last.get(host.name);
      this.last.set(host.name, now);
      if (before === undefined || before.generation !== now.generation) continue;
      const older = now.epoch < before.epoch || (now.epoch === before.epoch && now.historyIndex < before.historyIndex);
      if (older) return `${host.name} went back to an older history`;
      if (now.historyIndex === before.historyIndex && now.sequence < before.sequence) {
        return `${host.name} went back from ${before.sequence} to ${now.sequence}`;
      }
    }
    return null;
  }
}

/**
 * What the primary believes a secondary holds durably is durable there: a write acknowledged by
 * `minReplicas` secondaries counts their ACKs' durable sequences, and a secondary that claimed
 * more than its disk kept would lose an acknowledged write in a crash. Checked against what a
 * crash of each secondary would leave now, in the primary's history. A disk that lost its data
 * (Simulation.loseData) broke its own promise, no contract covers that: its secondary is excused
 * until its disk holds what the primary counts again (after its full resync).
 */
export class DurableAckChecker {
  private readonly lossesSeen = new Map<string, number>();
  private readonly excused = new Set<string>();

  check(sim: Simulation): string | null {
    const primary = sim.primary;
    if (!primary.up) return null;
    for (const host of sim.secondaries) {
      if (host.storage.losses !== (this.lossesSeen.get(host.name) ?? 0)) {
        this.lossesSeen.set(host.name, host.storage.losses);
        this.excused.add(host.name);
      }
      const replicaId = `replica-${host.name}`;
      const claimed = primary.machine.durableSequenceOf(replicaId);
      if (claimed === 0) continue;
      const durable = host.storage.durableCursor();
      if (durable?.replicationId === primary.machine.replicationId && durable.sequence >= claimed) this.excused.delete(host.name);
      else if (!this.excused.has(host.name)) {
        return `the primary counts ${replicaId} durable through ${claimed}, its disk keeps ${durable?.replicationId ?? '-'}:${durable?.sequence ?? 0}`;
      }
    }
    return null;
  }
}

/**
 * Fencing: once a secondary's disk has made a history of epoch E durable, its storage never holds
 * a history of an older epoch again, across restarts too (a deposed primary's writes never reach
 * it); and the epoch a secondary persists is the one its history's primary ran at.
 */
export class FencingChecker {
  private readonly durableEpochs = new Map<string, number>();

  check(sim: Simulation): string | null {
    for (const host of sim.secondaries) {
      const durable = host.storage.durableCursor();
      const fenced = Math.max(this.durableEpochs.get(host.name) ?? 0, epochOf(durable));
      this.durableEpochs.set(host.name, fenced);
      const cursor = host.store.cursor;
      if (cursor === null) continue;
      const history = sim.histories.get(cursor.replicationId);
      if (history !== undefined && history.epoch !== epochOf(cursor)) return `${host.name} persisted epoch ${epochOf(cursor)} with history ${cursor.replicationId} of epoch ${history.epoch}`;
      if (history !== undefined && history.epoch < fenced) return `${host.name} holds history ${cursor.replicationId} of epoch ${history.epoch}, after epoch ${fenced} was durable on its disk`;
    }
    return null;
  }
}

/**
 * No acknowledged write is lost in a failover: the promoted primary's history continues the old
 * one at least through the last sequence a secondary had acknowledged as durable. (That its data
 * is exactly that history's state, the prefix checker sees.)
 */
export function lostAcknowledgedWrites(sim: Simulation): string | null {
  for (const failover of sim.failovers) {
    const reached = failover.continues?.replicationId === failover.fromReplicationId ? failover.continues.endSequence : 0;
    if (reached < failover.acknowledgedThrough) {
      return `failover to ${failover.promoted} lost acknowledged writes: ${failover.fromReplicationId} was acknowledged through ${failover.acknowledgedThrough}, the new history continues it through ${reached}`;
    }
  }
  return null;
}

/**
 * A secondary the handshake refuses (a wrong token, or none where the primary wants one) never
 * gets past it: it never learns a history, receives an operation or holds data.
 */
export function refusedPeerViolation(sim: Simulation): string | null {
  for (const host of sim.secondaries) {
    if (!host.up || !sim.isRefused(host.name)) continue;
    const link = host.machine.getStats(sim.localNow(host)).primary;
    if (link.phase === 'sync' || link.phase === 'snapshot' || link.phase === 'stream') return `${host.name}, refused by the handshake, reached phase ${link.phase}`;
    if (link.operationsReceived > 0) return `${host.name}, refused by the handshake, received ${link.operationsReceived} operations`;
    if (host.store.cursor !== null || host.store.live.size > 0) return `${host.name}, refused by the handshake, holds data`;
  }
  return null;
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
  private readonly durableAcks = new DurableAckChecker();
  private readonly fencing = new FencingChecker();

  attach(sim: Simulation): void {
    sim.afterEachStep = () => this.check(sim);
  }

  check(sim: Simulation): void {
    const violation = sim.logViolation ?? sim.writeOrderViolation ?? sim.replicaAckViolation ?? sim.appliedWriteLossViolation ?? sim.appliedToldEarlyViolation ?? sim.windowViolation ?? this.prefix.check(sim) ?? this.monotonic.check(sim) ?? this.durableAcks.check(sim) ?? this.fencing.check(sim) ?? lostAcknowledgedWrites(sim) ?? refusedPeerViolation(sim);
    if (violation !== null) throw new SafetyViolation(violation);
  }
}
