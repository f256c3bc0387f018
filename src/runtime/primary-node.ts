import type { Server, Socket } from 'node:net';
import { NotReadyError, StorageFailedError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { RecoveredHistory } from '../core/log-persistence/history.js';
import type { Operation } from '../core/operation.js';
import type { ReplicationEvent } from '../core/output.js';
import { epochOf } from '../core/failover/lineage.js';
import type { Succession } from '../core/failover/promotion.js';
import { HELD, PacedWrites } from '../core/primary/paced-writes.js';
import { Primary } from '../core/primary/primary.js';
import { ReplicaWaits } from '../core/primary/replica-waits.js';
import type { PrimaryStats } from '../core/primary/stats.js';
import { systemNowMs } from './clock.js';
import { cryptoRandom } from './crypto-random.js';
import { lostHow, NodeDriver, type DriverObserver } from './node-driver.js';
import { checkReplicaOptions, type ReplicatedWriteOptions } from './replica-waits.js';
import { WakeTimer } from './wake-timer.js';
import type { NodeOptions } from './node-options.js';
import { exposureWarning } from './exposure-warning.js';
import { boundPort, listen, type ListenOptions } from './transport.js';
import { WriteWaiters } from './write-waiters.js';

/** The code of the process warning an exposed primary emits at start. */
export const INSECURE_LISTEN_WARNING_CODE = 'NADB_INSECURE_LISTEN';

/** A writer's promise, settled once. */
interface Settle {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A writer's write the primary held back: its promise settles once it is submitted and applied, or refused. */
interface HeldWrite extends Settle {
  readonly op: Operation;
  readonly replicas: ReplicatedWriteOptions;
}

export interface PrimaryNodeOptions extends NodeOptions {
  readonly host: string;
  /** 0 for an ephemeral port, then read `port`. */
  readonly port: number;
  readonly writeQuorum?: { readonly minReplicasToWrite?: number; readonly minReplicasMaxLagMs?: number };
  /** What a persisted log recovered: the history this primary continues (none: a new one). */
  readonly history?: RecoveredHistory | null;
  /** A promoted secondary's new epoch and the history it continues (failover/promotion.ts). */
  readonly promotion?: { readonly epoch: number; readonly succeeds: Succession | null };
}

/** A primary on TCP: the Primary state machine, a listening server, and writes that await storage. */
export class PrimaryNode {
  private readonly writes = new WriteWaiters();
  private readonly paced: PacedWrites<HeldWrite>;
  /** admit, bound once: PacedWrites.attempt calls it for every write. */
  private readonly admitWrite = (op: Operation, replicas: ReplicatedWriteOptions, nowMs: number): Promise<void> => this.admit(op, replicas, nowMs);
  private readonly replicaWaits: ReplicaWaits<Settle>;
  /** Armed at the replica waits' next deadline. */
  private readonly replicaTimer = new WakeTimer(systemNowMs, () => this.expireReplicaWaits());
  private server: Server | null = null;
  /** Read once at listen: server.address() asks the kernel (a getsockname, about 1.5 µs) at each call, and statistics read it each time. */
  private listeningPort: number | null = null;
  private nextConnectionId = 1;

  private readonly driver: NodeDriver<Primary>;

  private constructor(
    private readonly options: PrimaryNodeOptions,
    limits: Limits,
    epoch: number,
  ) {
    const { storage, runtimeLimits, logger, timing, authToken, wireFormat, writeQuorum, history, promotion } = options;
    const machine = new Primary({
      nowMs: systemNowMs(), random: cryptoRandom, limits, timing, authToken, wireFormat, history, ...writeQuorum, epoch, succeeds: promotion?.succeeds ?? null,
    });
    this.paced = new PacedWrites<HeldWrite>(runtimeLimits.pacedWritesMax, (write, error) => write.reject(error));
    this.driver = new NodeDriver({ machine, storage, limits, runtimeLimits, logger, settled: () => this.releasePaced() });
    this.replicaWaits = new ReplicaWaits<Settle>(machine, runtimeLimits.replicaWaitsMax, {
      acknowledged: (writer) => writer.resolve(),
      refused: (writer, error) => writer.reject(error),
    });
    this.driver.observe({
      event: (event) => {
        if (event.kind === 'replicaAcked') this.replicaWaits.acknowledged();
      },
    });
  }

  /** Loads the storage (the primary indexes expiring keys first), then listens. Its fencing epoch is its cursor's, or a promotion's. */
  static async start(options: PrimaryNodeOptions): Promise<PrimaryNode> {
    const epoch = options.promotion?.epoch ?? epochOf(await options.storage.loadCursor());
    const node = new PrimaryNode(options, { ...DEFAULT_LIMITS, ...options.limits }, epoch);
    try {
      await node.load();
      node.server = await listen(options.host, options.port, node.listenOptions(), (socket) => node.accept(socket));
      node.listeningPort = boundPort(node.server);
    } catch (error) {
      await node.driver.close();
      throw error;
    }
    options.logger.info({ host: options.host, port: node.port, replicationId: node.replicationId, sequence: node.driver.machine.lastSequence, epoch }, 'primary listening');
    node.warnIfExposed();
    return node;
  }

  private listenOptions(): ListenOptions {
    const { tls, runtimeLimits, logger } = this.options;
    return {
      tls,
      tlsHandshakeTimeoutMs: runtimeLimits.tlsHandshakeTimeoutMs,
      onTlsRefused: (address, reason) => logger.warn({ event: 'tlsRefused', address, reason }, `TLS handshake refused: ${reason}`),
    };
  }

  /** Logged and emitted as a process warning: a library's logger is silent by default, and this must not go unseen. */
  private warnIfExposed(): void {
    const warning = exposureWarning(this.options.host, this.options.tls, this.options.authToken);
    if (warning === null) return;
    this.options.logger.warn({ event: 'insecureListen', host: this.options.host, port: this.port }, warning);
    process.emitWarning(warning, { code: INSECURE_LISTEN_WARNING_CODE });
  }

  get replicationId(): string {
    return this.driver.machine.replicationId;
  }

  /** The port it listens on: the ephemeral one when started on port 0. */
  get port(): number {
    return this.listeningPort ?? this.options.port;
  }

  get running(): boolean {
    return this.driver.isRunning && this.server?.listening === true;
  }

  get activeConnections(): number {
    return this.driver.connectionCount;
  }

  /** Writes held back for a secondary catching up (paced-writes.ts). */
  get heldWrites(): number {
    return this.paced.waiting;
  }

  /**
   * Resolves once the primary's storage has applied the write, and with `replicas.minReplicas`
   * once that many secondaries acknowledged it too; a refused write throws (the API makes that a
   * rejection). One the primary holds back for a secondary catching up waits, behind any held
   * before it (paced-writes.ts). Not async, nor is writeData around it: with a thousand writes in
   * flight, each async layer's promise, state and await reaction lived as long as its write, long
   * enough for the young generation's collector to copy them.
   */
  write(op: Operation, replicas: ReplicatedWriteOptions, nowMs: number): Promise<void> {
    // Before the write is accepted: a bad option found once it is would fail a write that stays.
    if ((replicas.minReplicas ?? 0) !== 0) checkReplicaOptions(replicas);
    const applied = this.paced.attempt(this.admitWrite, op, replicas, nowMs);
    return applied === HELD ? this.hold(op, replicas) : applied;
  }

  /** Its promise settles when the held write is submitted and applied, or refused. */
  private hold(op: Operation, replicas: ReplicatedWriteOptions): Promise<void> {
    // Past pacedWritesMax, hold throws in the executor: the write's promise rejects with LimitExceededError.
    return new Promise((resolve, reject) => this.paced.hold({ op, replicas, resolve, reject }));
  }

  private releasePaced(): void {
    if (this.paced.waiting === 0) return;
    this.paced.release((write) => {
      this.admit(write.op, write.replicas, systemNowMs()).then(write.resolve, write.reject);
    });
  }

  private admit(op: Operation, replicas: ReplicatedWriteOptions, nowMs: number): Promise<void> {
    const replicasMin = replicas.minReplicas ?? 0;
    const sequence = this.submit(op, nowMs);
    const applied = this.writes.wait(sequence, this.driver.machine.lastIssuedSequence >= sequence);
    return replicasMin === 0 ? applied : applied.then(() => this.waitForReplicas(sequence, replicasMin, replicas));
  }

  private submit(op: Operation, nowMs: number): number {
    if (!this.driver.isRunning) throw new NotReadyError('primary is closed');
    this.options.storage.checkStorable?.(op);
    let sequence = 0;
    this.driver.drive((machine, atMs) => {
      sequence = machine.submitWrite(op, atMs);
    }, nowMs);
    return sequence;
  }

  /** Resolves once `replicasMin` secondaries acknowledged `sequence`. */
  private waitForReplicas(sequence: number, replicasMin: number, options: ReplicatedWriteOptions): Promise<void> {
    const wait = { replicas: replicasMin, timeoutMs: options.timeoutMs ?? this.options.runtimeLimits.replicaWaitTimeoutMs, durable: options.acknowledged !== 'applied' };
    // Past replicaWaitsMax, wait throws in the executor: the write's promise rejects with LimitExceededError.
    return new Promise((resolve, reject) => {
      this.replicaWaits.wait({ resolve, reject }, sequence, wait, systemNowMs());
      this.armReplicaTimer();
    });
  }

  private expireReplicaWaits(): void {
    this.replicaWaits.expire(systemNowMs());
    this.armReplicaTimer();
  }

  private armReplicaTimer(): void {
    const deadlineMs = this.replicaWaits.nextDeadlineMs;
    this.replicaTimer.arm(deadlineMs === Number.POSITIVE_INFINITY ? undefined : deadlineMs);
  }

  /** Adds an observer of traffic and events (metrics); it sees everything from then on. */
  observe(observer: DriverObserver): void {
    this.driver.observe(observer);
  }

  getStats(): PrimaryStats {
    return this.driver.machine.getStats(systemNowMs());
  }

  /** Stops accepting, tells every secondary (ERROR shutdown) and flushes; the storage is the caller's to close. */
  async close(): Promise<void> {
    const closed = this.server === null ? Promise.resolve() : new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.replicaWaits.close();
    this.replicaTimer.clear();
    this.paced.fail(new NotReadyError('primary is closed'));
    await this.driver.close();
    await closed;
  }

  private async load(): Promise<void> {
    const loaded = new Promise<void>((resolve, reject) => {
      this.driver.observe({ event: (event) => this.settle(event, resolve, reject) });
    });
    this.driver.drive(() => undefined);
    await loaded;
  }

  private settle(event: ReplicationEvent, loaded: () => void, failed: (error: Error) => void): void {
    if (event.kind === 'ready') loaded();
    else if (event.kind === 'writeApplied') this.writes.applied(event.sequence);
    else if (event.kind === 'storageFailed') {
      const error = new StorageFailedError(`primary storage failed: ${event.message}`);
      this.writes.fail(error);
      failed(error);
    }
  }

  private accept(socket: Socket): void {
    if (!this.driver.isRunning) {
      socket.destroy();
      return;
    }
    const connectionId = this.nextConnectionId;
    this.nextConnectionId += 1;
    const address = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.driver.adopt(connectionId, socket, true, (machine, nowMs, error) => machine.handleDisconnected(connectionId, nowMs, lostHow(error)));
    this.driver.drive((machine, nowMs) => machine.handleConnected(connectionId, address, nowMs));
  }
}
