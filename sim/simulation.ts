import '../src/runtime/native-codecs.js';
import { assert } from '../src/core/assert.js';
import { isExpired, type Entry, type Keyspace } from '../src/core/keyspace.js';
import type { KeyspaceStore } from '../src/core/keyspace-store.js';
import type { WireFormatSetting } from '../src/core/codec/index.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_TIMING, helloTermsOf, receiveLimitsShort, type Limits, type Timing } from '../src/core/limits.js';
import type { RecoveredHistory } from '../src/core/log-persistence/history.js';
import { planRecovery, type LogFsyncPolicy } from '../src/core/log-persistence/recovery.js';
import type { Operation } from '../src/core/operation.js';
import type { ReplicationEvent } from '../src/core/output.js';
import { epochOf } from '../src/core/failover/lineage.js';
import { promotionOf, type Succession } from '../src/core/failover/promotion.js';
import { NotReadyError, ReplicationError } from '../src/core/errors.js';
import { HELD, PacedWrites } from '../src/core/primary/paced-writes.js';
import { ReplicaWaits, type ReplicaWait } from '../src/core/primary/replica-waits.js';
import { Primary, type PrimaryOptions } from '../src/core/primary/primary.js';
import { WriteGroups, type WriteGroup } from '../src/core/primary/write-groups.js';
import { pump, type Effects } from '../src/core/pump.js';
import { Secondary, type SecondaryOptions } from '../src/core/secondary/secondary.js';
import type { StorageRequest } from '../src/core/storage-request.js';
import { DEFAULT_RUNTIME_LIMITS } from '../src/runtime/limits.js';
import { NodeClock } from './clock.js';
import { describeFrames } from './frame-label.js';
import { keyspaceDifference } from './keyspace-compare.js';
import { PRIMARY, SimNetwork, type SegmentFilter } from './network.js';
import { NO_FAULTS, type FaultOptions, type NodeFaults } from './options.js';
import { Prng } from './prng.js';
import { Scheduler } from './scheduler.js';
import { SimStorage } from './storage.js';
import { SimOperationLog } from './operation-log.js';
import { Trace, type TraceEvent } from './trace.js';
import { LinkChurn } from './link-churn.js';

/** Far above what a burst of real work takes at one instant (a 10,000-write burst takes ~1,000). */
const STEPS_AT_SAME_TIME_MAX = 1_000_000;
export const SIM_EPOCH_MS = 1_700_000_000_000;

/** How nodes are built: the real core by default; the bug zoo swaps in broken variants. */
export interface NodeFactories {
  primary(options: PrimaryOptions): Primary;
  secondary(options: SecondaryOptions): Secondary;
}

export const REAL_NODES: NodeFactories = {
  primary: (options) => new Primary(options),
  secondary: (options) => new Secondary(options),
};

export interface SimulationOptions {
  readonly seed: number;
  readonly secondaries: number;
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  readonly faults?: FaultOptions;
  /** Each node's data frame format, by name ('primary', 's1', ...); 'json' for a node absent from it. */
  readonly wireFormats?: Readonly<Record<string, WireFormatSetting>>;
  /**
   * Each node's shared token, by name ('primary', 's1', ...); a node absent from it holds none. A
   * secondary whose token is not the primary's is refused, and must never receive data.
   */
  readonly authTokens?: Readonly<Record<string, string>>;
  /**
   * Nodes whose limits differ from `limits`, by name: a secondary's budgets are the windows it
   * grants, and one that takes less than the primary may send is refused at the handshake.
   */
  readonly nodeLimits?: Readonly<Record<string, Partial<Limits>>>;
  /** Nodes whose timing differs from `timing`, by name: each heartbeats the other often enough for its timeout. */
  readonly nodeTiming?: Readonly<Record<string, Partial<Timing>>>;
  /** Check every machine's invariants after every input (default true). */
  readonly checkInvariants?: boolean;
  /** Trace events kept in memory (the hash always covers all of them); 0 keeps none. */
  readonly traceEventsMax?: number;
  readonly eventsMax?: number;
  readonly nodes?: NodeFactories;
  /**
   * The primary persists its operation log with this fsync policy (sim/operation-log.ts), and a
   * restart continues its history when the recovery rules allow; none: every restart is a new history.
   */
  readonly persistedLog?: LogFsyncPolicy | null;
}

/** `everysec`'s period in the simulation, as in the runtime (logSyncIntervalMs). */
const LOG_SYNC_INTERVAL_MS = DEFAULT_PERSISTED_LOG_LIMITS.logSyncIntervalMs;

/** One history as the primary wrote it: the state it started from and its operations in order. */
export interface History {
  /** 0 for the first history of the run, then 1, 2, ...: their order. */
  readonly index: number;
  /**
   * The history whose state `base` is a prefix of: the one the same node wrote before its restart
   * (null for the first). A promoted primary's history copies its predecessor's base and takes
   * its operations up to where it ended.
   */
  readonly predecessor: string | null;
  /** The fencing epoch its primary ran at. */
  readonly epoch: number;
  readonly base: Keyspace;
  /** operations[i] has sequence i + 1. */
  readonly operations: Operation[];
}

/** A failover as `failover()` made it: what was acknowledged in the old history, and where the new one continues it. */
export interface Failover {
  readonly fromReplicationId: string;
  /** The highest sequence at least one secondary had acknowledged as durable (a write with minReplicas 1 returned). */
  readonly acknowledgedThrough: number;
  readonly promoted: string;
  /** The history the promoted primary continues (null: none), and through which sequence. */
  readonly continues: { readonly replicationId: string; readonly endSequence: number } | null;
}

export interface RecordedEvent {
  readonly atMs: number;
  readonly node: string;
  readonly event: ReplicationEvent;
}

export interface Host<M extends Primary | Secondary> {
  readonly name: string;
  machine: M;
  readonly storage: SimStorage;
  readonly clock: NodeClock;
  /** Bumped by a crash: work scheduled for an earlier incarnation is dropped. */
  generation: number;
  /** Virtual time of the machine's next wake-up. */
  wakeMs: number | undefined;
  up: boolean;
  /** What readers of this node see. */
  readonly store: KeyspaceStore;
  /** The workload's writes a primary held back, as the runtime keeps its writers' (offerWrite). */
  readonly paced: PacedWrites<MadeWrite>;
  /** The latest `made` of a write this node took as a primary: writes must be taken in the order they were made. */
  lastMadeTaken: number;
  /** Since when it has held writes back without taking or refusing any; null while it holds none. */
  heldSinceMs: number | null;
}

/** A write of the workload, numbered in the order it was made. */
export interface MadeWrite {
  readonly op: Operation;
  readonly made: number;
  /** What its writer waits for beyond the primary's storage (minReplicas), once it is taken; null for nothing. */
  readonly wait: ReplicaWait | null;
}

/** The workload's writes that waited for secondaries (minReplicas), and what their writers were told. */
export interface ReplicaWaitCounts {
  waited: number;
  acknowledged: number;
  /** Timed out, or their primary crashed. */
  refused: number;
}

/** The workload's writes that a primary held back, and what became of them. */
export interface HeldWriteCounts {
  held: number;
  /** Submitted later, as a secondary caught up. */
  taken: number;
  /** Refused once released (a deposed or failed primary), or by a crash of the primary holding them. */
  refused: number;
  /** The longest virtual time a primary held writes back without taking or refusing one. */
  longestStallMs: number;
}

/**
 * A deterministic simulation of one primary and N secondaries: the real core and codec on a
 * simulated network, disk and clocks, all driven by one seed and a virtual clock, through the same
 * pump() as the TCP runtime. Faults are verbs on this handle (partition, hold, crash, ...), in the
 * manner of turmoil; the probabilistic ones come from the fault options.
 */
export class Simulation {
  nowMs = SIM_EPOCH_MS;
  /** The primary the secondaries should follow: the first one, until a secondary is promoted. */
  primary: Host<Primary>;
  readonly secondaries: Host<Secondary>[] = [];
  /** Primaries a promotion replaced: still running (or restartable) under their own name, and fenced. */
  readonly formerPrimaries: Host<Primary>[] = [];
  readonly failovers: Failover[] = [];
  readonly events: RecordedEvent[] = [];
  /** Every history the primary has written, by replication id: the checkers' oracle. */
  readonly histories = new Map<string, History>();
  readonly trace: Trace;
  readonly network: SimNetwork;
  /** The primary's persisted log, when it has one. */
  readonly primaryLog: SimOperationLog | null;
  /** What a primary's restart broke of the persisted log's rules; checked as a safety property. */
  logViolation: string | null = null;
  /** A write taken before one made earlier (offerWrite); checked as a safety property. */
  writeOrderViolation: string | null = null;
  /** A writer told its write was durable on more secondaries than hold it; checked as a safety property. */
  replicaAckViolation: string | null = null;
  /** A primary restarted on a disk that keeps every completed request without a write its writers were told was applied; checked as a safety property. */
  appliedWriteLossViolation: string | null = null;
  /** A group of writers told their writes were applied before the last of them was. */
  appliedToldEarlyViolation: string | null = null;
  /** A secondary that refused its primary for outrunning the window it granted: every primary here is honest. */
  windowViolation: string | null = null;
  /** Primaries whose storage failed: they refuse writes until restarted (heal restarts them). */
  private readonly failedPrimaries = new WeakSet<Primary>();
  /** Links, which must stay up once the cluster converged on the healed network (liveness, checked by judge). */
  readonly linkChurn = new LinkChurn();
  /** Until when a clock's jump may still close a link: the jump, then the longest timeout, from when it jumped. */
  private clockJumpsExcuseUntilMs = Number.NEGATIVE_INFINITY;
  /** By primary and secondary, whether the secondary takes less than the primary may send (isRefused). */
  private readonly limitsRefused = new Map<string, boolean>();
  /** Each secondary's count of window refusals when last checked. */
  private readonly windowRefusals = new WeakMap<Secondary, number>();
  /** By history, the last sequence its primary told writers was applied on its storage: through PrimaryNode's groups (write-groups.ts) on writeApplied. */
  private readonly appliedTold = new Map<string, number>();
  /** Each primary's writers waiting for their writes to be applied, grouped as PrimaryNode groups them. */
  private readonly groupsByMachine = new WeakMap<Primary, WriteGroups<ToldGroup>>();
  readonly replicaWaits: ReplicaWaitCounts = { waited: 0, acknowledged: 0, refused: 0 };
  /** Each primary machine's writers waiting for secondaries, as PrimaryNode keeps them (a restart begins anew). */
  private readonly waitsByMachine = new WeakMap<Primary, ReplicaWaits<null>>();
  readonly heldWrites: HeldWriteCounts = { held: 0, taken: 0, refused: 0, longestStallMs: 0 };
  private writesMade = 0;
  /** Called after every event: where checkers hook in. */
  afterEachStep: (() => void) | null = null;
  private readonly scheduler = new Scheduler();
  private readonly prng: Prng;
  private readonly faults: FaultOptions;
  private readonly nodes: NodeFactories;
  private readonly checkInvariants: boolean;
  private readonly eventsMax: number;
  /** The nodes' limits: the trace's frame descriptions decode with them. */
  private readonly limits: Limits;
  private readonly effects = new Map<string, Effects>();
  /** Every node by name: a promotion or a re-pointing moves a host between roles, never replaces it. */
  private readonly hostsByName = new Map<string, Host<Primary | Secondary>>();
  /**
   * The host whose operation log primaryLog models: the first primary, until a failover ends its
   * history (a promoted secondary starts without a log of its own, as in the runtime).
   */
  private logHost: Host<Primary> | null = null;
  /** The last history each node wrote as a primary: the predecessor of its next one. */
  private readonly lastHistoryOf = new Map<string, string>();
  private stepsAtSameTime = 0;
  private stepCount = 0;

  constructor(private readonly options: SimulationOptions) {
    this.prng = new Prng(options.seed);
    this.faults = options.faults ?? NO_FAULTS;
    this.nodes = options.nodes ?? REAL_NODES;
    this.checkInvariants = options.checkInvariants ?? true;
    this.eventsMax = options.eventsMax ?? 100_000;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.trace = new Trace(options.traceEventsMax ?? 0);
    this.primaryLog = options.persistedLog === undefined || options.persistedLog === null ? null : new SimOperationLog(options.persistedLog, LOG_SYNC_INTERVAL_MS);
    this.network = new SimNetwork(this.scheduler, this.prng.fork(), this.faults.network, this.networkHooks(), () => this.nowMs);
    this.primary = this.newHost(PRIMARY, (host) => this.newPrimary(host, null));
    this.logHost = this.primaryLog === null ? null : this.primary;
    for (let i = 1; i <= options.secondaries; i += 1) this.secondaries.push(this.newHost(`s${i}`, (host) => this.newSecondary(host)));
    this.checkNodeFaults();
    this.setLinkFaults();
    this.awaitPrimaryReady();
  }

  get steps(): number {
    return this.stepCount;
  }

  // ---- the workload ----

  /** Submits a write to the primary at its local time; returns its sequence. */
  write(op: Operation): number {
    return this.writeTo(this.primary.name, op);
  }

  /**
   * A write made as the runtime's writers make theirs (PrimaryNode.write): submitted at once, or
   * held, in order, while the primary holds writes back for a secondary catching up
   * (BacklogFullError) or others are held, and submitted from the primary's next input on, as
   * that secondary catches up. 'held' for one kept; a refusal throws (a ReplicationError).
   */
  offerWrite(node: string, op: Operation, wait: ReplicaWait | null = null): 'taken' | 'held' {
    const host = this.host(node);
    assert(this.isPrimaryHost(host) && host.up, `${node} is not a running primary`);
    const write: MadeWrite = { op, made: this.writesMade, wait };
    this.writesMade += 1;
    if (host.paced.attempt(this.submitMadeTo, host, write, undefined) !== HELD) return 'taken';
    host.paced.hold(write);
    this.heldWrites.held += 1;
    host.heldSinceMs ??= this.nowMs;
    this.traceEvent({ t: this.nowMs, kind: 'writeHeld', node, detail: String(host.paced.waiting) });
    return 'held';
  }

  private readonly submitMadeTo = (host: Host<Primary>, write: MadeWrite): void => this.submitMade(host, write);

  /** Submits a made write to a primary; one taken after a write made later breaks the order writers rely on. */
  private submitMade(host: Host<Primary>, write: MadeWrite): void {
    let sequence = 0;
    this.drive(host, () => {
      sequence = host.machine.submitWrite(write.op, this.localNow(host));
    });
    this.awaitApplied(host.machine, sequence);
    if (write.made < host.lastMadeTaken) {
      this.writeOrderViolation ??= `${host.name} took write ${write.made} after write ${host.lastMadeTaken}, made later`;
    }
    host.lastMadeTaken = write.made;
    if (write.wait !== null) this.waitForReplicas(host, sequence, write.wait);
  }

  /** Its writer waits, as PrimaryNode's do, until the primary counts enough secondaries holding it. */
  private waitForReplicas(host: Host<Primary>, sequence: number, wait: ReplicaWait): void {
    this.replicaWaits.waited += 1;
    try {
      this.waitsOf(host.machine).wait(null, sequence, wait, this.localNow(host));
    } catch (error) {
      if (!(error instanceof ReplicationError)) throw error;
      this.replicaWaits.refused += 1;
    }
  }

  private waitsOf(primary: Primary): ReplicaWaits<null> {
    let waits = this.waitsByMachine.get(primary);
    if (waits === undefined) {
      waits = new ReplicaWaits<null>(primary, DEFAULT_RUNTIME_LIMITS.replicaWaitsMax, {
        acknowledged: (_, sequence, wait) => this.replicaAcknowledged(primary, sequence, wait),
        refused: () => {
          this.replicaWaits.refused += 1;
        },
      });
      this.waitsByMachine.set(primary, waits);
    }
    return waits;
  }

  /**
   * A writer is told its write is on `wait.replicas` secondaries: those that hold it durably must
   * be as many, now (an applied one may have lost it to a crash since it said so, a durable one
   * only to a disk that lost its data, which no contract covers).
   */
  private replicaAcknowledged(primary: Primary, sequence: number, wait: ReplicaWait): void {
    this.replicaWaits.acknowledged += 1;
    if (!wait.durable || this.secondaries.some((host) => host.storage.losses > 0)) return;
    const holding = this.secondaries.filter((host) => {
      const durable = host.storage.durableCursor();
      return durable?.replicationId === primary.replicationId && durable.sequence >= sequence;
    }).length;
    if (holding < wait.replicas) {
      this.replicaAckViolation ??= `a writer was told write ${sequence} is durable on minReplicas ${wait.replicas}; the disks of ${holding} secondaries hold it`;
    }
  }

  /** Its writer waits, as PrimaryNode's do, in the group of the apply that will carry it; the group's newest write is counted here too, not only by the group. */
  private awaitApplied(primary: Primary, sequence: number): void {
    const group = this.groupsOf(primary).wait(sequence, primary.lastIssuedSequence >= sequence);
    group.newestWrite = Math.max(group.newestWrite, sequence);
  }

  /** As PrimaryNode does on writeApplied: each group the apply completes is told, every write of it. */
  private tellApplied(primary: Primary, sequence: number): void {
    for (const group of this.groupsOf(primary).applied(sequence)) {
      assert(group.lastSequence === group.newestWrite, `a group of writers counts write ${group.lastSequence} as its newest; its newest is ${group.newestWrite}`);
      if (group.newestWrite > sequence) {
        this.appliedToldEarlyViolation ??= `writers were told write ${group.newestWrite} was applied when ${sequence} was`;
      }
      this.appliedTold.set(primary.replicationId, Math.max(this.appliedTold.get(primary.replicationId) ?? 0, group.newestWrite));
    }
  }

  private groupsOf(primary: Primary): WriteGroups<ToldGroup> {
    let groups = this.groupsByMachine.get(primary);
    if (groups === undefined) {
      groups = new WriteGroups<ToldGroup>(() => ({ lastSequence: 0, newestWrite: 0 }));
      this.groupsByMachine.set(primary, groups);
    }
    return groups;
  }

  /**
   * A primary's writers were told their writes were applied on its storage; on a disk that keeps
   * every completed request, its restart must find them all, in the history it told them in.
   */
  private checkAppliedKept(host: Host<Primary>): void {
    const history = this.lastHistoryOf.get(host.name);
    const told = history === undefined ? 0 : (this.appliedTold.get(history) ?? 0);
    if (told === 0 || !host.storage.durableAtOnce) return;
    const cursor = host.storage.durableCursor();
    if (cursor === null || cursor.replicationId !== history || cursor.sequence < told) {
      this.appliedWriteLossViolation ??= `${host.name} restarted at ${cursor?.replicationId ?? '-'}:${cursor?.sequence ?? 0}; its writers were told ${history}:${told} was applied`;
    }
  }

  /** After each input of a primary that holds writes back: as PrimaryNode's settled hook, it submits them while it takes them. */
  private releaseHeld(host: Host<Primary>): void {
    const waiting = host.paced.waiting;
    host.paced.release((write) => {
      this.submitMade(host, write);
      this.heldWrites.taken += 1;
      this.traceEvent({ t: this.nowMs, kind: 'writeReleased', node: host.name });
    });
    if (host.paced.waiting < waiting) this.answeredHeld(host);
  }

  /** Writes held were taken or refused now: what the primary held since then counts afresh. */
  private answeredHeld(host: Host<Primary | Secondary>): void {
    if (host.heldSinceMs === null) return;
    this.heldWrites.longestStallMs = Math.max(this.heldWrites.longestStallMs, this.nowMs - host.heldSinceMs);
    host.heldSinceMs = host.paced.waiting > 0 ? this.nowMs : null;
  }

  /** A read on any node, as a reader there sees it: entries expired on its clock are hidden. */
  read(node: string, path: string): Entry | undefined {
    const host = this.host(node);
    const entry = host.store.live.get(path);
    return entry === undefined || isExpired(entry, this.localNow(host)) ? undefined : entry;
  }

  localNow(host: Host<Primary | Secondary>): number {
    return host.clock.localMs(this.nowMs);
  }

  secondary(name: string): Host<Secondary> {
    const host = this.secondaries.find((candidate) => candidate.name === name);
    assert(host !== undefined, `no secondary ${name}`);
    return host;
  }

  host(name: string): Host<Primary | Secondary> {
    const host = this.hostsByName.get(name);
    assert(host !== undefined, `no node ${name}`);
    return host;
  }

  isPrimaryHost(host: Host<Primary | Secondary>): host is Host<Primary> {
    return host === this.primary || (this.formerPrimaries as Host<Primary | Secondary>[]).includes(host);
  }

  // ---- faults ----

  /** Without `b`, a secondary's link to the primary it follows. */
  partition(a: string, b: string = this.network.targetOf(a)): void {
    this.network.partition(a, b);
  }

  partitionOneway(from: string, to: string): void {
    this.network.partitionOneway(from, to);
  }

  repair(a?: string, b: string = a === undefined ? PRIMARY : this.network.targetOf(a)): void {
    if (a === undefined) this.network.repair();
    else this.network.repair(a, b);
  }

  hold(from: string, to: string): void {
    this.network.hold(from, to);
  }

  /** Decides the fate of each segment between a secondary and the primary (hand-written scenarios). */
  setFilter(secondary: string, filter: SegmentFilter | null): void {
    this.network.setFilter(secondary, filter);
  }

  release(from: string, to: string): void {
    this.network.release(from, to);
  }

  /** Holds every link to and from a node. */
  clog(node: string): void {
    for (const [from, to] of this.linksOf(node)) this.network.hold(from, to);
  }

  unclog(node: string): void {
    for (const [from, to] of this.linksOf(node)) this.network.release(from, to);
  }

  /** Resets every connection of a secondary, as a network error would. */
  reset(secondary: string): void {
    this.network.resetConnectionsOf(secondary);
  }

  /** Kills a node's process: its links end, and its disk keeps only what was durable. */
  crash(node: string): void {
    const host = this.host(node);
    if (!host.up) return;
    host.up = false;
    host.generation += 1;
    // The process held them: its writers are told, as PrimaryNode.close tells them.
    host.paced.fail(new NotReadyError(`${node} crashed`));
    if (host.machine instanceof Primary) this.waitsByMachine.get(host.machine)?.close();
    this.answeredHeld(host);
    host.wakeMs = undefined;
    this.network.nodeDown(node);
    host.storage.crash();
    if (host === this.logHost) this.primaryLog?.crash(this.nowMs);
    this.traceEvent({ t: this.nowMs, kind: 'crash', node });
  }

  /** A secondary's storage comes back empty under it (a Redis restarted without its data): its next request is refused as a loss. */
  loseData(node: string): void {
    this.secondary(node).storage.lose();
    this.traceEvent({ t: this.nowMs, kind: 'loseData', node });
  }

  restart(node: string): void {
    const host = this.host(node);
    assert(!host.up, `${node} is running`);
    if (this.isPrimaryHost(host)) this.checkAppliedKept(host);
    host.up = true;
    host.machine = this.isPrimaryHost(host) ? this.newPrimary(host, null) : this.newSecondary(host as Host<Secondary>);
    this.traceEvent({ t: this.nowMs, kind: 'restart', node });
    this.drive(host, () => undefined);
  }

  /**
   * Restarts the process of the primary the secondaries follow (the promoted one after a
   * failover): same storage; its history continues only as far as its durable log allows.
   */
  restartPrimary(): void {
    const name = this.primary.name;
    this.crash(name);
    this.restart(name);
    this.awaitPrimaryReady();
  }

  /**
   * Manual failover: a running secondary stops, lets its storage finish, and becomes a primary on
   * the same storage (failover/promotion.ts), the one the secondaries should follow from now on.
   * The primary it replaces keeps its name, running or not: re-point the secondaries (repoint).
   */
  promote(node: string): void {
    const host = this.secondary(node);
    assert(host.up, `${node} is down: only a running secondary is promoted`);
    const secondary = host.machine;
    this.drive(host, () => secondary.close(this.localNow(host)));
    assert(this.runUntil(() => !host.up || secondary.isIdle, 60_000), `${node} kept its storage busy for 60 s`);
    assert(host.up, `${node} crashed while it was being promoted`);
    const handover = secondary.handover();
    this.network.nodeDown(node);
    host.generation += 1;
    this.secondaries.splice(this.secondaries.indexOf(host), 1);
    if (!this.formerPrimaries.includes(this.primary)) this.formerPrimaries.push(this.primary);
    const promoted = host as unknown as Host<Primary>;
    // The simulated disks of primaries never fail: a failed primary stays failed (a restart is the cure).
    promoted.storage.stopFailing();
    promoted.machine = this.newPrimary(promoted, promotionOf(handover));
    this.logHost = null;
    this.primary = promoted;
    this.traceEvent({ t: this.nowMs, kind: 'promote', node });
    this.drive(promoted, () => undefined);
    this.awaitPrimaryReady();
  }

  /**
   * The failover an operator runs when the primary dies: the primary crashes, every secondary is
   * brought up, the most advanced one (furthest into the primary's history) is promoted, and the
   * others are re-pointed at it. Recorded in `failovers` for the checkers.
   */
  failover(): void {
    const old = this.primary;
    const fromReplicationId = old.machine.replicationId;
    const acknowledgedThrough = old.machine.sequenceHeldBy(1, true);
    this.crash(old.name);
    for (const host of this.secondaries) if (!host.up) this.restart(host.name);
    const promoted = mostAdvanced(this.secondaries, fromReplicationId);
    if (promoted === undefined) return;
    this.promote(promoted.name);
    const previous = this.primary.machine.previous;
    this.failovers.push({ fromReplicationId, acknowledgedThrough, promoted: promoted.name, continues: previous });
    for (const host of [...this.secondaries]) this.repoint(host.name, promoted.name);
  }

  /**
   * Points a secondary at another primary: its process restarts on the same storage, as
   * `nadb-repl secondary --primary` does. A former primary re-pointed rejoins as a secondary.
   */
  repoint(node: string, primary: string): void {
    const host = this.host(node);
    assert(host !== this.primary, `${node} is the primary the others follow`);
    assert(this.isPrimaryHost(this.host(primary)), `${primary} is not a primary`);
    this.network.setTarget(node, primary);
    this.traceEvent({ t: this.nowMs, kind: 'repoint', node, detail: primary });
    const wasUp = host.up;
    this.crash(node);
    if (this.isPrimaryHost(host)) this.demote(host);
    if (wasUp) this.restart(node);
  }

  private demote(host: Host<Primary>): void {
    this.formerPrimaries.splice(this.formerPrimaries.indexOf(host), 1);
    this.secondaries.push(host as unknown as Host<Secondary>);
  }

  /** Submits a write to a named primary (a former one, say) at its local time; returns its sequence. */
  writeTo(node: string, op: Operation): number {
    const host = this.host(node);
    assert(this.isPrimaryHost(host), `${node} is not a primary`);
    let sequence = 0;
    this.drive(host, () => {
      sequence = host.machine.submitWrite(op, this.localNow(host));
    });
    this.awaitApplied(host.machine, sequence);
    return sequence;
  }

  skewClock(node: string, deltaMs: number): void {
    const host = this.host(node);
    host.clock.jump(deltaMs);
    const timeoutsMs = this.hosts().map((each) => ({ ...DEFAULT_TIMING, ...this.timingOf(each.name) }).replicationTimeoutMs);
    this.clockJumpsExcuseUntilMs = Math.max(this.clockJumpsExcuseUntilMs, this.nowMs + Math.abs(deltaMs) + Math.max(...timeoutsMs));
    this.traceEvent({ t: this.nowMs, kind: 'clock', node, detail: String(deltaMs) });
    host.wakeMs = this.toVirtual(host, host.machine.nextWakeMs());
  }

  /**
   * Ends every fault: links repaired and released, crashed nodes restarted, a clean network, and
   * every secondary pointed at the primary (a stale configuration is a fault too).
   */
  heal(): void {
    this.network.heal();
    for (const host of this.hosts()) {
      host.storage.heal();
      // A primary whose storage failed takes no write until its process restarts: the operator's part.
      if (host.up && host.machine instanceof Primary && this.failedPrimaries.has(host.machine)) this.crash(host.name);
      if (!host.up) this.restart(host.name);
    }
    for (const host of [...this.secondaries]) if (this.network.targetOf(host.name) !== this.primary.name) this.repoint(host.name, this.primary.name);
    this.linkChurn.heal();
    this.traceEvent({ t: this.nowMs, kind: 'heal' });
  }

  // ---- time ----

  /** Runs every event up to and including `untilMs`, then sets the clock there. */
  runUntilTime(untilMs: number): void {
    for (;;) {
      const nextMs = this.nextEventMs();
      if (nextMs === undefined || nextMs > untilMs) break;
      this.step(nextMs);
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  runFor(durationMs: number): void {
    this.runUntilTime(this.nowMs + durationMs);
  }

  /** Runs until `done()` holds, checking after each event; false if `timeoutMs` passes first. */
  runUntil(done: () => boolean, timeoutMs: number): boolean {
    const deadlineMs = this.nowMs + timeoutMs;
    while (!done()) {
      const nextMs = this.nextEventMs();
      if (nextMs === undefined || nextMs > deadlineMs) {
        this.nowMs = Math.max(this.nowMs, deadlineMs);
        return done();
      }
      this.step(nextMs);
    }
    return true;
  }

  /** Every running secondary holds exactly the primary's data, at the primary's position. */
  converged(): boolean {
    return this.divergence() === null;
  }

  /** Why the nodes have not converged, or null. */
  divergence(): string | null {
    if (!this.primary.up) return 'primary is down';
    const primary = this.primary.machine;
    const stats = primary.getStats(this.localNow(this.primary));
    if (!primary.isReady) return 'primary is loading';
    if (stats.pendingWrites > 0 || stats.appliedSequence !== stats.sequenceNumber) return 'primary has writes in flight';
    if (this.primary.paced.waiting > 0) return `primary holds ${this.primary.paced.waiting} writes back`;
    for (const host of this.secondaries) {
      if (this.isRefused(host.name)) continue;
      if (!host.up) return `${host.name} is down`;
      const position = host.machine.position;
      if (position?.replicationId !== primary.replicationId || position.sequence !== stats.appliedSequence) {
        return `${host.name} at ${position?.replicationId ?? '-'}:${position?.sequence ?? 0}, primary at ${primary.replicationId}:${stats.appliedSequence}`;
      }
      const difference = keyspaceDifference(this.primary.store.live, host.store.live);
      if (difference !== null) return `${host.name}: ${difference}`;
    }
    return null;
  }

  /**
   * Refused at the handshake, and left out of convergence: a token that differs from the primary's
   * (or one held alone), or limits short of what the primary may send.
   */
  isRefused(secondary: string): boolean {
    if (this.authTokenOf(secondary) !== this.authTokenOf(PRIMARY)) return true;
    // Asked after every event by the checkers: worked out once for each pair of nodes.
    const pair = `${this.primary.name}>${secondary}`;
    let short = this.limitsRefused.get(pair);
    if (short === undefined) {
      const limitsOf = (node: string): Limits => ({ ...DEFAULT_LIMITS, ...this.limitsOf(node) });
      const terms = helloTermsOf(limitsOf(secondary), { ...DEFAULT_TIMING, ...this.timingOf(secondary) });
      short = receiveLimitsShort(limitsOf(this.primary.name), terms.receiveLimits).length > 0;
      this.limitsRefused.set(pair, short);
    }
    return short;
  }

  eventsOf(node: string, kind: ReplicationEvent['kind']): RecordedEvent[] {
    return this.events.filter((recorded) => recorded.node === node && recorded.event.kind === kind);
  }

  // ---- the loop ----

  private nextEventMs(): number | undefined {
    let nextMs = this.scheduler.peekMs();
    // Every host, in no particular order (only the earliest time counts): the loop's hottest path allocates nothing.
    for (const host of this.hostsByName.values()) {
      if (!host.up || host.wakeMs === undefined) continue;
      const wakeMs = Math.max(host.wakeMs, this.nowMs);
      if (nextMs === undefined || wakeMs < nextMs) nextMs = wakeMs;
    }
    return nextMs;
  }

  private step(atMs: number): void {
    this.stepsAtSameTime = atMs > this.nowMs ? 0 : this.stepsAtSameTime + 1;
    // A machine that asks to be woken now, again and again, without changing anything would hang
    // the run: make it a failure with a seed instead.
    assert(this.stepsAtSameTime < STEPS_AT_SAME_TIME_MAX, `livelock: ${STEPS_AT_SAME_TIME_MAX} events at ${this.nowMs} without time passing`);
    this.nowMs = Math.max(this.nowMs, atMs);
    this.stepCount += 1;
    const taskMs = this.scheduler.peekMs();
    if (taskMs !== undefined && taskMs <= this.nowMs) {
      this.scheduler.pop()?.run();
    } else {
      const host = this.firstHost((candidate) => candidate.up && candidate.wakeMs !== undefined && candidate.wakeMs <= this.nowMs);
      if (host !== undefined) this.drive(host, () => host.machine.handleTimeout(this.localNow(host)));
    }
    this.afterEachStep?.();
  }

  private hosts(): Host<Primary | Secondary>[] {
    const formers = this.formerPrimaries.filter((host) => host !== this.primary);
    return [this.primary, ...formers, ...this.secondaries];
  }

  /** The first host in hosts()'s order that matches, without building the list (it runs at every timer). */
  private firstHost(matches: (host: Host<Primary | Secondary>) => boolean): Host<Primary | Secondary> | undefined {
    if (matches(this.primary)) return this.primary;
    for (const host of this.formerPrimaries) if (host !== this.primary && matches(host)) return host;
    return this.secondaries.find(matches);
  }

  /** Runs one input on a machine, checks its invariants, and pumps its outputs. */
  private drive<M extends Primary | Secondary>(host: Host<M>, input: () => void): void {
    if (!host.up) return;
    input();
    if (this.checkInvariants) host.machine.invariants();
    host.wakeMs = this.toVirtual(host, pump(host.machine, this.effectsOf(host)));
    if (host.paced.waiting > 0) this.releaseHeld(host as Host<Primary>);
    if (host.machine instanceof Primary) this.waitsByMachine.get(host.machine)?.expire(this.localNow(host));
  }

  private toVirtual(host: Host<Primary | Secondary>, localMs: number | undefined): number | undefined {
    return localMs === undefined ? undefined : host.clock.virtualMsAt(localMs);
  }

  /** An input to a host now, at its local time. */
  private input<M extends Primary | Secondary>(host: Host<M>, input: (machine: M, localMs: number) => void): void {
    this.drive(host, () => input(host.machine, this.localNow(host)));
  }

  private effectsOf(host: Host<Primary | Secondary>): Effects {
    let effects = this.effects.get(host.name);
    if (effects === undefined) {
      effects = this.newEffects(host);
      this.effects.set(host.name, effects);
    }
    return effects;
  }

  private newEffects(host: Host<Primary | Secondary>): Effects {
    return {
      transmit: (connectionId, bytes) => this.network.send(host.name, connectionId, bytes, this.trace.keepsEvents ? describeFrames(bytes, this.limits) : undefined),
      close: (connectionId) => this.network.close(host.name, connectionId),
      connect: (connectionId) => this.network.connect(host.name, connectionId),
      storage: (requestId, request) => this.runStorage(host, requestId, request),
      event: (event) => this.record(host.name, event),
    };
  }

  private runStorage(host: Host<Primary | Secondary>, requestId: number, request: StorageRequest): void {
    if (this.isPrimaryHost(host) && request.kind === 'apply') {
      this.histories.get(host.machine.replicationId)?.operations.push(...request.operations);
      // The log before the storage: a crash between them leaves the log ahead, to be replayed.
      if (host === this.logHost && request.cursor !== null) this.primaryLog?.append(request.cursor, request.operations, host.store.cursor, this.nowMs);
    }
    const generation = host.generation;
    host.storage.submit(request, (result) => {
      if (host.generation === generation) this.drive(host, () => host.machine.handleStorageDone(requestId, result, this.localNow(host)));
    });
  }

  private record(node: string, event: ReplicationEvent): void {
    if (event.kind === 'replicaAcked') this.replicaAckedOn(node);
    const machine = this.host(node).machine;
    if (event.kind === 'writeApplied') this.tellApplied(machine as Primary, event.sequence);
    // As PrimaryNode: its writers waiting then are told the storage failed, and no later apply tells them otherwise.
    if (event.kind === 'storageFailed' && machine instanceof Primary) {
      this.groupsOf(machine).abandon();
      this.failedPrimaries.add(machine);
    }
    if (event.kind === 'connectionClosed' && machine instanceof Secondary) {
      this.checkWindowRefusal(node, machine, event);
      const faultsQuietFromMs = Math.max(this.clockJumpsExcuseUntilMs, ...this.hosts().map((host) => host.storage.faultsEndMs));
      this.linkChurn.closed(node, event.connectionId, { code: event.code, reason: event.reason, atMs: this.nowMs, refused: this.isRefused(node), faultsQuietFromMs });
    }
    if (this.events.length < this.eventsMax) this.events.push({ atMs: this.nowMs, node, event });
    this.traceEvent({ t: this.nowMs, kind: `event:${event.kind}`, node, detail: eventDetail(event) });
  }

  /** A secondary that refused its primary for outrunning its window, unless the network duplicated bytes to it (network.ts). */
  private checkWindowRefusal(node: string, machine: Secondary, closed: Extract<ReplicationEvent, { kind: 'connectionClosed' }>): void {
    if (closed.code !== 'budget') return;
    const refusals = machine.getStats(this.nowMs).primary.windowsExceeded;
    const refused = refusals > (this.windowRefusals.get(machine) ?? 0);
    this.windowRefusals.set(machine, refusals);
    if (refused && !this.network.duplicatedTo(node, closed.connectionId)) this.windowViolation ??= `${node} refused its primary: ${closed.reason}`;
  }

  private replicaAckedOn(node: string): void {
    const machine = this.host(node).machine;
    if (machine instanceof Primary) this.waitsByMachine.get(machine)?.acknowledged();
  }

  private traceEvent(event: TraceEvent): void {
    this.trace.record(event);
  }

  private networkHooks(): ConstructorParameters<typeof SimNetwork>[3] {
    return {
      deliverBytes: (node, connectionId, bytes) => this.input(this.host(node), (machine, localMs) => machine.handleBytes(connectionId, bytes, localMs)),
      deliverClose: (node, connectionId, how) => this.input(this.host(node), (machine, localMs) => machine.handleDisconnected(connectionId, localMs, how)),
      connected: (secondary, secondaryConnectionId, primary, primaryConnectionId) => {
        const host = this.host(primary);
        assert(this.isPrimaryHost(host), `${secondary} connected to ${primary}, which is no primary`);
        this.input(host, (machine, localMs) => machine.handleConnected(primaryConnectionId, `sim-${secondary}:${primaryConnectionId}`, localMs));
        this.linkChurn.connected(secondary, secondaryConnectionId, this.nowMs);
        this.input(this.secondary(secondary), (machine, localMs) => machine.handleConnected(secondaryConnectionId, localMs));
      },
      connectFailed: (secondary, secondaryConnectionId) =>
        this.input(this.secondary(secondary), (machine, localMs) => machine.handleConnectFailed(secondaryConnectionId, 'connection refused', localMs)),
      listens: (node) => this.host(node).up && this.isPrimaryHost(this.host(node)),
      generationOf: (node) => this.host(node).generation,
      trace: (event) => this.traceEvent(event),
    };
  }

  private nodeFaults(node: string): NodeFaults | undefined {
    return this.faults.nodeFaults?.[node];
  }

  /** Faults, a token or a wire format for a node the cluster does not have are a mistake in the options, not a verdict. */
  private checkNodeFaults(): void {
    const names = this.hosts().map((host) => host.name);
    const named: [string, object | undefined][] = [
      ['nodeFaults', this.faults.nodeFaults],
      ['authTokens', this.options.authTokens],
      ['wireFormats', this.options.wireFormats],
    ];
    for (const [option, byNode] of named) {
      for (const node of Object.keys(byNode ?? {})) {
        if (!names.includes(node)) throw new RangeError(`${option} names ${node}, not one of ${names.join(', ')}`);
      }
    }
  }

  /** Every connection is between the primary and one secondary: it has the faults of both ends. */
  private setLinkFaults(): void {
    const primaryLink = this.nodeFaults(PRIMARY)?.link;
    for (const { name } of this.secondaries) {
      const link = this.nodeFaults(name)?.link;
      if (primaryLink !== undefined || link !== undefined) this.network.setLinkFaults(name, { ...this.faults.network, ...primaryLink, ...link });
    }
  }

  private linksOf(node: string): [string, string][] {
    const peers = this.isPrimaryHost(this.host(node))
      ? this.secondaries.filter((host) => this.network.targetOf(host.name) === node).map((host) => host.name)
      : [this.network.targetOf(node)];
    return peers.flatMap((peer): [string, string][] => [[node, peer], [peer, node]]);
  }

  /** A primary indexes its storage before it takes writes. */
  private awaitPrimaryReady(): void {
    const ready = this.runUntil(() => this.primary.machine.isReady, 60_000);
    assert(ready, 'primary did not finish loading its storage');
  }

  private newHost<M extends Primary | Secondary>(name: string, build: (host: Host<M>) => M): Host<M> {
    const clockFaults = this.faults.clocks;
    const offsetMs = clockFaults.offsetMaxMs === 0 ? 0 : this.prng.below(2 * clockFaults.offsetMaxMs + 1) - clockFaults.offsetMaxMs;
    const driftPpm = clockFaults.driftMaxPpm === 0 ? 0 : this.prng.below(2 * clockFaults.driftMaxPpm + 1) - clockFaults.driftMaxPpm;
    const storageFaults = { ...this.faults.storage, ...this.nodeFaults(name)?.storage };
    const storage = new SimStorage(this.scheduler, this.prng.fork(), storageFaults, name !== PRIMARY || this.faults.primaryDiskFails === true, () => this.nowMs);
    const partial = {
      name,
      storage,
      clock: new NodeClock(offsetMs, driftPpm, SIM_EPOCH_MS),
      generation: 0,
      wakeMs: undefined,
      up: true,
      get store(): KeyspaceStore {
        return storage.store;
      },
      paced: new PacedWrites<MadeWrite>(DEFAULT_RUNTIME_LIMITS.pacedWritesMax, () => {
        this.heldWrites.refused += 1;
      }),
      lastMadeTaken: -1,
      heldSinceMs: null,
    } as Omit<Host<M>, 'machine'> as Host<M>;
    this.hostsByName.set(name, partial);
    partial.machine = build(partial);
    this.drive(partial, () => undefined);
    return partial;
  }

  /** A primary process on the host's storage: a restart (its epoch from its cursor, its history from its log), or a promotion. */
  private newPrimary(host: Host<Primary>, promotion: { readonly epoch: number; readonly succeeds: Succession | null } | null): Primary {
    const log = promotion === null && host === this.logHost ? this.primaryLog : null;
    const history = log === null ? null : this.recoverPrimaryLog(host, log);
    const primary = this.nodes.primary({
      nowMs: this.localNow(host),
      random: this.prng.fork(),
      limits: this.limitsOf(host.name),
      timing: this.timingOf(host.name),
      wireFormat: this.wireFormatOf(host.name),
      authToken: this.authTokenOf(host.name),
      history,
      epoch: promotion?.epoch ?? epochOf(host.store.cursor),
      succeeds: promotion?.succeeds ?? null,
    });
    if (history === null) this.histories.set(primary.replicationId, this.historyOf(host, primary, promotion?.succeeds ?? null));
    this.lastHistoryOf.set(host.name, primary.replicationId);
    return primary;
  }

  private historyOf(host: Host<Primary>, primary: Primary, succeeds: Succession | null): History {
    const index = this.histories.size;
    if (succeeds === null) {
      return { index, predecessor: this.lastHistoryOf.get(host.name) ?? null, epoch: primary.epoch, base: host.store.live.clone(), operations: [] };
    }
    const previous = this.histories.get(succeeds.previous.replicationId);
    assert(previous !== undefined, `promoted from history ${succeeds.previous.replicationId}, which no primary wrote`);
    const operations = previous.operations.slice(0, succeeds.previous.endSequence);
    return { index, predecessor: previous.predecessor, epoch: primary.epoch, base: previous.base, operations };
  }

  /** The recovery rules of docs/OPERATION-LOG.md on the simulated disk: replay, then the history to continue (or none). */
  private recoverPrimaryLog(host: Host<Primary>, log: SimOperationLog): RecoveredHistory | null {
    const extent = log.extent;
    const plan = planRecovery(extent, host.store.cursor, log.policy);
    const replay = log.held.filter((entry) => entry.sequence >= plan.replayFrom);
    const last = replay[replay.length - 1];
    if (extent !== null && last !== undefined) {
      host.storage.runAtOnce({ kind: 'apply', operations: replay.map((entry) => entry.op), cursor: { replicationId: extent.historyId, sequence: last.sequence } });
    }
    if (plan.kind !== 'continue' || extent === null) return null;
    this.logViolation ??= this.continuedHistoryViolation(extent.historyId, extent.lastSequence);
    return { replicationId: extent.historyId, lastSequence: extent.lastSequence, entries: log.held };
  }

  /**
   * A restarted primary continues a history only from a log that holds everything it wrote in it:
   * else it would serve another operation under a sequence of that history (one a secondary may
   * hold), and a secondary could be ahead of it.
   */
  private continuedHistoryViolation(historyId: string, lastSequence: number): string | null {
    const written = this.histories.get(historyId)?.operations.length ?? 0;
    if (written > lastSequence) return `the restarted primary continues ${historyId} from sequence ${lastSequence}, and had written ${written} in it: sequences it did not make durable`;
    for (const secondary of this.secondaries) {
      const held = secondary.store.cursor;
      if (held?.replicationId === historyId && held.sequence > lastSequence) {
        return `${secondary.name} holds ${historyId}:${held.sequence}, ahead of the restarted primary's durable history (${lastSequence})`;
      }
    }
    return null;
  }

  private newSecondary(host: Host<Secondary>): Secondary {
    return this.nodes.secondary({
      nowMs: this.localNow(host),
      random: this.prng.fork(),
      replicaId: `replica-${host.name}`,
      cursor: host.store.cursor,
      limits: this.limitsOf(host.name),
      timing: this.timingOf(host.name),
      wireFormat: this.wireFormatOf(host.name),
      authToken: this.authTokenOf(host.name),
    });
  }

  private authTokenOf(node: string): string | null {
    return this.options.authTokens?.[node] ?? null;
  }

  private limitsOf(node: string): Partial<Limits> | undefined {
    const own = this.options.nodeLimits?.[node];
    return own === undefined ? this.options.limits : { ...this.options.limits, ...own };
  }

  private timingOf(node: string): Partial<Timing> | undefined {
    const own = this.options.nodeTiming?.[node];
    return own === undefined ? this.options.timing : { ...this.options.timing, ...own };
  }

  private wireFormatOf(node: string): WireFormatSetting {
    return this.options.wireFormats?.[node] ?? 'json';
  }
}

/** The running secondary furthest into `replicationId` (then by name); one in another history counts as at 0. */
function mostAdvanced(secondaries: readonly Host<Secondary>[], replicationId: string): Host<Secondary> | undefined {
  const reach = (host: Host<Secondary>): number => {
    const position = host.machine.position;
    return position?.replicationId === replicationId ? position.sequence : -1;
  };
  let best: Host<Secondary> | undefined;
  for (const host of secondaries) if (host.up && (best === undefined || reach(host) > reach(best))) best = host;
  return best;
}

/** A group of writers waiting for their writes to be applied, with its newest write as the simulator saw it joined. */
interface ToldGroup extends WriteGroup {
  newestWrite: number;
}

function eventDetail(event: ReplicationEvent): string {
  switch (event.kind) {
    case 'connectionClosed':
      return `${event.connectionId} ${event.code}`;
    case 'writeApplied':
    case 'applied':
      return String(event.sequence);
    case 'resync':
      return `${event.mode} ${event.fromSequence}`;
    case 'snapshotInstalled':
      return `${event.replicationId}:${event.sequence}`;
    default:
      return '';
  }
}
