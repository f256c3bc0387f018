import { assert } from '../src/core/assert.js';
import type { ErrorCode } from '../src/core/frame.js';
import { isExpired, type Entry, type Keyspace } from '../src/core/keyspace.js';
import { KeyspaceStore } from '../src/core/keyspace-store.js';
import type { Limits, Timing } from '../src/core/limits.js';
import type { Operation } from '../src/core/operation.js';
import type { ReplicationEvent, StateMachine } from '../src/core/output.js';
import { Primary } from '../src/core/primary/primary.js';
import { pump, type Effects } from '../src/core/pump.js';
import { Secondary } from '../src/core/secondary/secondary.js';
import type { StorageRequest } from '../src/core/storage-request.js';
import { keyspaceDifference } from './keyspace-compare.js';
import { Prng } from './prng.js';
import { Scheduler } from './scheduler.js';

/** Far above what a burst of real work takes at one instant (a 10,000-write burst takes ~1,000). */
const STEPS_AT_SAME_TIME_MAX = 1_000_000;

export type Direction = 'toPrimary' | 'toSecondary';
/** Decides the fate of one transmitted frame on a link. */
export type FrameFilter = (bytes: Uint8Array, direction: Direction) => 'deliver' | 'drop' | 'duplicate';

export interface ClusterOptions {
  readonly seed: number;
  readonly secondaries: number;
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  readonly networkLatencyMs?: number;
  readonly storageLatencyMs?: number;
  /** Check every machine's invariants after every handler (default true). */
  readonly checkInvariants?: boolean;
  readonly startMs?: number;
  readonly eventsMax?: number;
}

/** One history as the primary wrote it: the state it started from and its operations in order. */
export interface History {
  readonly base: Keyspace;
  /** operations[i] has sequence i + 1. */
  readonly operations: Operation[];
}

export interface RecordedEvent {
  readonly atMs: number;
  readonly node: string;
  readonly event: ReplicationEvent;
}

interface Host<M extends StateMachine> {
  readonly name: string;
  machine: M;
  readonly store: KeyspaceStore;
  /** Bumped by a crash: work scheduled for an earlier incarnation is dropped. */
  generation: number;
  wakeMs: number | undefined;
  up: boolean;
}

interface Wire {
  readonly secondary: string;
  readonly secondaryConnectionId: number;
  readonly primaryConnectionId: number;
}

/**
 * A small deterministic cluster in one process: one primary, N secondaries, a virtual clock, an
 * in-order network that carries encoded frames, and storage that completes in FIFO order after a
 * delay. Every machine is driven through the same pump() as the TCP runtime.
 */
export class Cluster {
  nowMs: number;
  readonly primary: Host<Primary>;
  readonly secondaries: Host<Secondary>[] = [];
  readonly events: RecordedEvent[] = [];
  /** Called after every event: where checkers hook in. */
  afterEachStep: (() => void) | null = null;
  /** Every history the primary has written, by replication id: the checkers' oracle. */
  readonly histories = new Map<string, History>();
  private readonly scheduler = new Scheduler();
  private readonly prng: Prng;
  private readonly wires = new Map<number, Wire>();
  private readonly filters = new Map<string, FrameFilter>();
  private readonly partitioned = new Set<string>();
  private nextPrimaryConnectionId = 1;
  private stepsAtSameTime = 0;
  private readonly networkLatencyMs: number;
  private readonly storageLatencyMs: number;
  private readonly checkInvariants: boolean;
  private readonly eventsMax: number;

  constructor(private readonly options: ClusterOptions) {
    this.prng = new Prng(options.seed);
    this.nowMs = options.startMs ?? 1_700_000_000_000;
    this.networkLatencyMs = options.networkLatencyMs ?? 1;
    this.storageLatencyMs = options.storageLatencyMs ?? 1;
    this.checkInvariants = options.checkInvariants ?? true;
    this.eventsMax = options.eventsMax ?? 100_000;
    const primaryStore = new KeyspaceStore();
    this.primary = { name: 'primary', machine: this.newPrimary(primaryStore), store: primaryStore, generation: 0, wakeMs: undefined, up: true };
    this.drive(this.primary, () => undefined);
    for (let i = 1; i <= options.secondaries; i += 1) {
      const store = new KeyspaceStore();
      const name = `s${i}`;
      const host: Host<Secondary> = { name, machine: this.newSecondary(name, store), store, generation: 0, wakeMs: undefined, up: true };
      this.secondaries.push(host);
      this.drive(host, () => undefined);
    }
    this.awaitPrimaryReady();
  }

  // ---- the workload ----

  /** Submits a write to the primary; returns its sequence. */
  write(op: Operation): number {
    let sequence = 0;
    this.drive(this.primary, () => {
      sequence = this.primary.machine.submitWrite(op, this.nowMs);
    });
    return sequence;
  }

  /** A read on any node, as a reader sees it: expired entries are hidden. */
  read(node: string, path: string): Entry | undefined {
    const entry = this.host(node).store.live.get(path);
    return entry === undefined || isExpired(entry, this.nowMs) ? undefined : entry;
  }

  secondary(name: string): Host<Secondary> {
    const host = this.secondaries.find((candidate) => candidate.name === name);
    assert(host !== undefined, `no secondary ${name}`);
    return host;
  }

  // ---- faults ----

  setFilter(secondary: string, filter: FrameFilter | null): void {
    if (filter === null) this.filters.delete(secondary);
    else this.filters.set(secondary, filter);
  }

  /** Cuts a secondary off: frames both ways are lost and new connections fail. */
  partition(secondary: string): void {
    this.partitioned.add(secondary);
  }

  repair(secondary: string): void {
    this.partitioned.delete(secondary);
  }

  /** Resets every connection of a secondary, as a network error would. */
  reset(secondary: string): void {
    for (const [primaryConnectionId, wire] of this.wires) {
      if (wire.secondary === secondary) this.cut(primaryConnectionId, { notifyPrimary: true, notifySecondary: true });
    }
  }

  /** Kills a secondary process; its storage keeps what was applied. */
  crash(secondary: string): void {
    const host = this.secondary(secondary);
    host.up = false;
    host.generation += 1;
    host.wakeMs = undefined;
    for (const [primaryConnectionId, wire] of this.wires) {
      if (wire.secondary === secondary) this.cut(primaryConnectionId, { notifyPrimary: true, notifySecondary: false });
    }
  }

  restart(secondary: string): void {
    const host = this.secondary(secondary);
    assert(!host.up, `${secondary} is running`);
    host.up = true;
    host.machine = this.newSecondary(secondary, host.store);
    this.drive(host, () => undefined);
  }

  /** Restarts the primary process: same storage, no log, so a new history. */
  restartPrimary(): void {
    const host = this.primary;
    host.generation += 1;
    for (const primaryConnectionId of [...this.wires.keys()]) this.cut(primaryConnectionId, { notifyPrimary: false, notifySecondary: true });
    host.machine = this.newPrimary(host.store);
    this.drive(host, () => undefined);
    this.awaitPrimaryReady();
  }

  /** A primary indexes its storage before it takes writes. */
  private awaitPrimaryReady(): void {
    const ready = this.runUntil(() => this.primary.machine.isReady, 60_000);
    assert(ready, 'primary did not finish loading its storage');
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

  /** Why the cluster has not converged, or null. */
  divergence(): string | null {
    const primary = this.primary.machine;
    const stats = primary.getStats(this.nowMs);
    if (stats.pendingWrites > 0 || stats.appliedSequence !== stats.sequenceNumber) return 'primary has writes in flight';
    for (const host of this.secondaries.filter((candidate) => candidate.up)) {
      const position = host.machine.position;
      if (position?.replicationId !== primary.replicationId || position.sequence !== stats.appliedSequence) {
        return `${host.name} at ${position?.replicationId ?? '-'}:${position?.sequence ?? 0}, primary at ${primary.replicationId}:${stats.appliedSequence}`;
      }
      const difference = keyspaceDifference(this.primary.store.live, host.store.live);
      if (difference !== null) return `${host.name}: ${difference}`;
    }
    return null;
  }

  eventsOf(node: string, kind: ReplicationEvent['kind']): RecordedEvent[] {
    return this.events.filter((recorded) => recorded.node === node && recorded.event.kind === kind);
  }

  // ---- the loop ----

  private nextEventMs(): number | undefined {
    let nextMs = this.scheduler.peekMs();
    for (const host of this.hosts()) {
      if (host.up && host.wakeMs !== undefined && (nextMs === undefined || host.wakeMs < nextMs)) nextMs = Math.max(host.wakeMs, this.nowMs);
    }
    return nextMs;
  }

  private step(atMs: number): void {
    this.stepsAtSameTime = atMs > this.nowMs ? 0 : this.stepsAtSameTime + 1;
    // A machine that asks to be woken now, again and again, without changing anything would hang
    // the run: make it a failure with a seed instead.
    assert(this.stepsAtSameTime < STEPS_AT_SAME_TIME_MAX, `livelock: ${STEPS_AT_SAME_TIME_MAX} events at ${this.nowMs} without time passing`);
    this.nowMs = Math.max(this.nowMs, atMs);
    const taskMs = this.scheduler.peekMs();
    if (taskMs !== undefined && taskMs <= this.nowMs) {
      this.scheduler.pop()?.run();
    } else {
      const host = this.hosts().find((candidate) => candidate.up && candidate.wakeMs !== undefined && candidate.wakeMs <= this.nowMs);
      if (host !== undefined) this.drive(host, () => host.machine.handleTimeout(this.nowMs));
    }
    this.afterEachStep?.();
  }

  private hosts(): Host<Primary | Secondary>[] {
    return [this.primary, ...this.secondaries];
  }

  private host(name: string): Host<Primary | Secondary> {
    return name === 'primary' ? this.primary : this.secondary(name);
  }

  /** Runs one input on a machine, checks its invariants, and pumps its outputs. */
  private drive<M extends Primary | Secondary>(host: Host<M>, input: () => void): void {
    if (!host.up) return;
    input();
    if (this.checkInvariants) host.machine.invariants();
    host.wakeMs = pump(host.machine, this.effectsOf(host));
  }

  /** Schedules an input for a host, dropped if the host crashed meanwhile. */
  private later<M extends Primary | Secondary>(host: Host<M>, delayMs: number, input: (machine: M) => void): void {
    const generation = host.generation;
    this.scheduler.at(this.nowMs + delayMs, () => {
      if (host.generation === generation) this.drive(host, () => input(host.machine));
    });
  }

  private effectsOf(host: Host<Primary | Secondary>): Effects {
    const isPrimary = host === this.primary;
    return {
      transmit: (connectionId, bytes) => (isPrimary ? this.transmitToSecondary(connectionId, bytes) : this.transmitToPrimary(host.name, connectionId, bytes)),
      close: (connectionId, code) => (isPrimary ? this.primaryCloses(connectionId, code) : this.secondaryCloses(host.name, connectionId)),
      connect: (connectionId) => this.connect(host.name, connectionId),
      storage: (requestId, request) => this.runStorage(host, requestId, request),
      event: (event) => this.record(host.name, event),
    };
  }

  private runStorage(host: Host<Primary | Secondary>, requestId: number, request: StorageRequest): void {
    if (host === this.primary && request.kind === 'apply') {
      this.histories.get(this.primary.machine.replicationId)?.operations.push(...request.operations);
    }
    this.later(host, this.storageLatencyMs, (machine) => machine.handleStorageDone(requestId, host.store.execute(request), this.nowMs));
  }

  private record(node: string, event: ReplicationEvent): void {
    if (this.events.length < this.eventsMax) this.events.push({ atMs: this.nowMs, node, event });
  }

  // ---- the network ----

  private connect(secondary: string, secondaryConnectionId: number): void {
    const host = this.secondary(secondary);
    if (this.partitioned.has(secondary) || !this.primary.up) {
      this.later(host, this.networkLatencyMs, (machine) => machine.handleConnectFailed(secondaryConnectionId, 'unreachable', this.nowMs));
      return;
    }
    const primaryConnectionId = this.nextPrimaryConnectionId;
    this.nextPrimaryConnectionId += 1;
    this.wires.set(primaryConnectionId, { secondary, secondaryConnectionId, primaryConnectionId });
    this.later(this.primary, this.networkLatencyMs, (machine) => machine.handleConnected(primaryConnectionId, `sim:${secondary}`, this.nowMs));
    this.later(host, this.networkLatencyMs, (machine) => machine.handleConnected(secondaryConnectionId, this.nowMs));
  }

  private transmitToSecondary(primaryConnectionId: number, bytes: Uint8Array): void {
    const wire = this.wires.get(primaryConnectionId);
    if (wire === undefined) return;
    const host = this.secondary(wire.secondary);
    this.carry(wire, bytes, 'toSecondary', () =>
      this.later(host, this.networkLatencyMs, (machine) => machine.handleBytes(wire.secondaryConnectionId, bytes, this.nowMs)),
    );
  }

  private transmitToPrimary(secondary: string, secondaryConnectionId: number, bytes: Uint8Array): void {
    const wire = this.wireOf(secondary, secondaryConnectionId);
    if (wire === undefined) return;
    this.carry(wire, bytes, 'toPrimary', () =>
      this.later(this.primary, this.networkLatencyMs, (machine) => machine.handleBytes(wire.primaryConnectionId, bytes, this.nowMs)),
    );
  }

  private carry(wire: Wire, bytes: Uint8Array, direction: Direction, deliver: () => void): void {
    if (this.partitioned.has(wire.secondary)) return;
    const fate = this.filters.get(wire.secondary)?.(bytes, direction) ?? 'deliver';
    if (fate === 'drop') return;
    deliver();
    if (fate === 'duplicate') deliver();
  }

  private primaryCloses(primaryConnectionId: number, _code: ErrorCode): void {
    this.cut(primaryConnectionId, { notifyPrimary: false, notifySecondary: true });
  }

  private secondaryCloses(secondary: string, secondaryConnectionId: number): void {
    const wire = this.wireOf(secondary, secondaryConnectionId);
    if (wire !== undefined) this.cut(wire.primaryConnectionId, { notifyPrimary: true, notifySecondary: false });
  }

  /** Ends a connection after the frames already on it are delivered (TCP's FIN). */
  private cut(primaryConnectionId: number, notify: { notifyPrimary: boolean; notifySecondary: boolean }): void {
    const wire = this.wires.get(primaryConnectionId);
    if (wire === undefined) return;
    this.wires.delete(primaryConnectionId);
    if (notify.notifyPrimary) this.later(this.primary, this.networkLatencyMs, (machine) => machine.handleDisconnected(primaryConnectionId, this.nowMs));
    if (notify.notifySecondary) {
      this.later(this.secondary(wire.secondary), this.networkLatencyMs, (machine) => machine.handleDisconnected(wire.secondaryConnectionId, this.nowMs));
    }
  }

  private wireOf(secondary: string, secondaryConnectionId: number): Wire | undefined {
    for (const wire of this.wires.values()) {
      if (wire.secondary === secondary && wire.secondaryConnectionId === secondaryConnectionId) return wire;
    }
    return undefined;
  }

  private newPrimary(store: KeyspaceStore): Primary {
    const primary = new Primary({ nowMs: this.nowMs, random: this.prng.fork(), limits: this.options.limits, timing: this.options.timing });
    this.histories.set(primary.replicationId, { base: store.live.clone(), operations: [] });
    return primary;
  }

  private newSecondary(name: string, store: KeyspaceStore): Secondary {
    return new Secondary({
      nowMs: this.nowMs,
      random: this.prng.fork(),
      replicaId: `replica-${name}`,
      cursor: store.cursor,
      limits: this.options.limits,
      timing: this.options.timing,
    });
  }
}
