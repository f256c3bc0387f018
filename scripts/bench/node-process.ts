/**
 * One node of the benchmark's cluster, in its own process (forked by scripts/bench/ours.ts): a
 * primary that is also the application writing to it, or a secondary. The parent sends tasks over
 * IPC and gets their figures back; times are epoch milliseconds, comparable between the processes.
 * The parent ends it with SIGKILL: nothing of a round outlives it (with SIGTERM when it is
 * profiled: it exits then, and node writes the profile).
 */
import { randomBytes } from 'node:crypto';
import { parseStorageSpec, openStorage } from '../../src/cli/storage-spec.js';
import type { WireFormatSetting } from '../../src/core/codec/index.js';
import { NetworkSyncBackend, type PrimaryReplicationStats } from '../../src/runtime/network-sync-backend.js';
import type { LogLevel } from '../../src/runtime/logger.js';
import { epochMs, lagFigures, type LagFigures } from './figures.js';
import { GcPauses } from './gc-pauses.js';
import { STEADY_SLOW_MS, type SlowWrite } from './lag-causes.js';
import { StallMeter } from './pause.js';
import { traceMemory } from './memory-trace.js';

export type NodeConfig =
  | { readonly role: 'primary'; readonly storage: string; readonly wireFormat: WireFormatSetting }
  | { readonly role: 'secondary'; readonly storage: string; readonly wireFormat: WireFormatSetting; readonly primaryPort: number };

export type Task =
  | { readonly kind: 'burst'; readonly keyPrefix: string; readonly writes: number; readonly valueBytes: number; readonly window: number; readonly replicas: number; readonly measureStall: boolean }
  | { readonly kind: 'steady'; readonly ratePerS: number; readonly durationMs: number; readonly valueBytes: number; readonly replicas: number }
  | { readonly kind: 'big'; readonly valueBytes: number; readonly rounds: number; readonly replicas: number }
  | { readonly kind: 'load'; readonly keys: number; readonly valueBytes: number; readonly window: number }
  | { readonly kind: 'caughtUp'; readonly replicas: number }
  | { readonly kind: 'pauses'; readonly fromMs: number; readonly toMs: number };

export interface SteadyFigures {
  readonly lag: LagFigures;
  readonly writes: number;
  readonly startMs: number;
  readonly endMs: number;
  /** The writes whose lag reached slowMs. */
  readonly slow: SlowWrite[];
}

export interface BurstFigures {
  readonly startMs: number;
  readonly primaryDoneMs: number;
  readonly replicatedMs: number;
  readonly lag: LagFigures;
  readonly wireBytesPerOp: number;
  readonly fullResyncs: number;
  readonly writeStallMaxMs: number;
}

export type NodeMessage =
  | { readonly kind: 'starting'; readonly atMs: number }
  | { readonly kind: 'ready'; readonly port: number | null }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'failed'; readonly message: string };

/** How often the primary looks at its secondaries' acknowledgements. */
const ACK_POLL_MS = 1;
const STEADY_TICK_MS = 1;
/** A joining secondary's whole full resync is what the bench measures: longer than the default startup limit. */
const RESYNC_TIMEOUT_MS = 600_000;

function send(message: NodeMessage): void {
  process.send?.(message);
}

/** Runs `write(i)` for i from 0 to count − 1 with at most `window` of them in flight, telling `stall` of each completion. */
async function windowed(count: number, window: number, write: (i: number) => Promise<void>, stall: StallMeter | null = null): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      await write(next++);
      stall?.completed();
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, lane));
}

/**
 * Follows the sequence that all of `replicas` connected secondaries have acknowledged as applied,
 * and the lag of each write: from its submission to the moment the last of them acknowledged it.
 */
class AckTracker {
  readonly lagsMs: number[] = [];
  readonly slow: SlowWrite[] = [];
  private acked: number;
  private readonly firstSequence: number;
  private readonly submittedMs: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private waiter: { readonly sequence: number; readonly resolve: (atMs: number) => void } | null = null;

  constructor(
    private readonly primary: NetworkSyncBackend,
    private readonly replicas: number,
    private readonly slowMs = Number.POSITIVE_INFINITY,
  ) {
    this.acked = this.stats().sequenceNumber;
    this.firstSequence = this.acked + 1;
    this.timer = setInterval(() => this.poll(), ACK_POLL_MS);
  }

  /**
   * The sequence the next write submitted will get: a write takes its sequence when it is called
   * (before its first await), so the bench's writes, the only ones, are numbered in call order.
   */
  nextSequence(): number {
    return this.firstSequence + this.submittedMs.length;
  }

  submitted(atMs: number): void {
    this.submittedMs.push(atMs);
  }

  /** Resolves with the epoch ms at which every secondary had acknowledged `sequence`. */
  until(sequence: number): Promise<number> {
    return new Promise((resolve) => {
      this.waiter = { sequence, resolve };
      this.poll();
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private stats(): PrimaryReplicationStats {
    const stats = this.primary.getReplicationStats();
    if (stats.mode !== 'primary') throw new Error('the bench primary is not a primary');
    return stats;
  }

  private poll(): void {
    const connected = this.stats().replicas.filter((replica) => replica.connected);
    if (connected.length < this.replicas) return;
    const acked = Math.min(...connected.map((replica) => replica.appliedSequence));
    const nowMs = epochMs();
    const lastSubmitted = this.nextSequence() - 1;
    for (let sequence = this.acked + 1; sequence <= Math.min(acked, lastSubmitted); sequence += 1) {
      const submittedMs = this.submittedMs[sequence - this.firstSequence] ?? nowMs;
      this.lagsMs.push(nowMs - submittedMs);
      if (nowMs - submittedMs >= this.slowMs) this.slow.push({ submittedMs, ackedMs: nowMs });
    }
    this.acked = Math.max(this.acked, Math.min(acked, lastSubmitted));
    if (this.waiter !== null && this.acked >= this.waiter.sequence) {
      this.waiter.resolve(nowMs);
      this.waiter = null;
    }
  }
}

/** Not async: the bench's client runs in the primary's process, and a promise more per write would count as the primary's CPU. */
function trackedWrite(primary: NetworkSyncBackend, tracker: AckTracker, path: string, value: Uint8Array): Promise<void> {
  tracker.submitted(epochMs());
  return primary.writeData(path, value);
}

function wireBytes(primary: NetworkSyncBackend): number {
  const stats = primary.getReplicationStats();
  return stats.mode === 'primary' ? stats.replicas.reduce((sum, replica) => sum + replica.bytesSent, 0) : 0;
}

function fullResyncs(primary: NetworkSyncBackend): number {
  const stats = primary.getReplicationStats();
  return stats.mode === 'primary' ? stats.fullResyncs : 0;
}

async function burst(primary: NetworkSyncBackend, task: Extract<Task, { kind: 'burst' }>): Promise<BurstFigures> {
  const value = randomBytes(task.valueBytes);
  const tracker = new AckTracker(primary, task.replicas);
  const first = tracker.nextSequence();
  const bytesBefore = wireBytes(primary);
  const resyncsBefore = fullResyncs(primary);
  const startMs = epochMs();
  const stall = task.measureStall ? new StallMeter() : null;
  await windowed(task.writes, task.window, (i) => trackedWrite(primary, tracker, `${task.keyPrefix}${i}`, value), stall);
  const primaryDoneMs = epochMs();
  const replicatedMs = await tracker.until(first + task.writes - 1);
  tracker.stop();
  const wireBytesPerOp = (wireBytes(primary) - bytesBefore) / task.writes / task.replicas;
  return { startMs, primaryDoneMs, replicatedMs, lag: lagFigures(tracker.lagsMs), wireBytesPerOp, fullResyncs: fullResyncs(primary) - resyncsBefore, writeStallMaxMs: stall?.longestGapMs ?? Number.NaN };
}

/**
 * Writes that a late tick owes are held back once this many are unanswered: on a machine too busy
 * to keep the rate, the writes come late (and the lag shows it) instead of overrunning the
 * primary's pendingWritesMax.
 */
const STEADY_OUTSTANDING_MAX = 1_000;

/** Writes at `ratePerS`, in ticks, catching up on a late tick rather than drifting. */
async function steady(primary: NetworkSyncBackend, task: Extract<Task, { kind: 'steady' }>): Promise<SteadyFigures> {
  const value = randomBytes(task.valueBytes);
  const tracker = new AckTracker(primary, task.replicas, STEADY_SLOW_MS);
  const startMs = epochMs();
  const pending: Promise<void>[] = [];
  let issued = 0;
  let outstanding = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsedMs = Math.min(epochMs() - startMs, task.durationMs);
      const due = Math.floor((elapsedMs * task.ratePerS) / 1_000);
      for (; issued < due && outstanding < STEADY_OUTSTANDING_MAX; issued += 1) {
        outstanding += 1;
        pending.push(trackedWrite(primary, tracker, `steady/${issued}`, value).finally(() => (outstanding -= 1)));
      }
      if (elapsedMs >= task.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, STEADY_TICK_MS);
  });
  await Promise.all(pending);
  const endMs = await tracker.until(tracker.nextSequence() - 1);
  tracker.stop();
  return { lag: lagFigures(tracker.lagsMs), writes: issued, startMs, endMs, slow: tracker.slow };
}

/** Milliseconds from each big write's submission until every secondary acknowledged it applied. */
async function big(primary: NetworkSyncBackend, task: Extract<Task, { kind: 'big' }>): Promise<number[]> {
  const tracker = new AckTracker(primary, task.replicas);
  const latenciesMs: number[] = [];
  for (let round = 0; round < task.rounds; round += 1) {
    const value = randomBytes(task.valueBytes);
    const sequence = tracker.nextSequence();
    const startMs = epochMs();
    tracker.submitted(startMs);
    await primary.writeData(`big/${round}`, value);
    latenciesMs.push((await tracker.until(sequence)) - startMs);
  }
  tracker.stop();
  return latenciesMs;
}

async function load(primary: NetworkSyncBackend, task: Extract<Task, { kind: 'load' }>): Promise<number> {
  const value = randomBytes(task.valueBytes);
  const startMs = epochMs();
  await windowed(task.keys, task.window, (i) => primary.writeData(`load/${i}`, value));
  return epochMs() - startMs;
}

async function caughtUp(primary: NetworkSyncBackend, replicas: number): Promise<number> {
  const tracker = new AckTracker(primary, replicas);
  const atMs = await tracker.until(tracker.nextSequence() - 1);
  tracker.stop();
  return atMs;
}

async function perform(node: NetworkSyncBackend, task: Task): Promise<unknown> {
  switch (task.kind) {
    case 'burst':
      return burst(node, task);
    case 'steady':
      return steady(node, task);
    case 'big':
      return big(node, task);
    case 'load':
      return load(node, task);
    case 'caughtUp':
      return caughtUp(node, task.replicas);
    case 'pauses':
      return gcPauses.within(task.fromMs, task.toMs);
  }
}

/** NADB_BENCH_LOG_LEVEL=info: every node logs (pino, to stdout) what it does: connections, resyncs, closes and their reasons. */
const LOG_LEVEL = (process.env.NADB_BENCH_LOG_LEVEL ?? 'silent') as LogLevel;

async function start(config: NodeConfig): Promise<NetworkSyncBackend> {
  const baseBackend = await openStorage(parseStorageSpec(config.storage));
  const { wireFormat } = config;
  if (config.role === 'primary') return NetworkSyncBackend.create({ baseBackend, mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0, logLevel: LOG_LEVEL, wireFormat } });
  send({ kind: 'starting', atMs: epochMs() });
  return NetworkSyncBackend.create({
    baseBackend, mode: 'secondary',
    config: { primaryHost: '127.0.0.1', primaryPort: config.primaryPort, logLevel: LOG_LEVEL, wireFormat, runtimeLimits: { startupTimeoutMs: RESYNC_TIMEOUT_MS } },
  });
}

const gcPauses = new GcPauses();
const config = JSON.parse(process.argv[2] ?? '{}') as NodeConfig;
traceMemory(config.role);
const node = await start(config);
send({ kind: 'ready', port: node.listenPort });
process.on('SIGTERM', () => process.exit(0));
process.on('message', (task: Task) => {
  perform(node, task).then(
    (result) => send({ kind: 'done', result }),
    (error: unknown) => send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
