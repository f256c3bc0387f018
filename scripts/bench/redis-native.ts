/**
 * One round of the benchmark on Redis' own replication: a primary and replicas, each a
 * redis-server with persistence off, driven by the same workload as ours (scripts/bench/ours.ts).
 *
 * A write counts as replicated once every replica's processed offset (`slave_repl_offset`) has
 * reached the end of that write in the primary's replication stream. The stream's offsets are the
 * bytes of the commands the primary propagates, so each write's end offset is the primary's offset
 * before the round plus the encoded commands up to it. Redis also puts a PING every 10 s and a
 * SELECT at the start into the stream; a warm-up write takes the SELECT out of the round, and a
 * PING makes a write count as replicated at most 14 bytes early, well under one write.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedisServer, type RedisServer } from '../../harness/redis-process.js';
import { epochMs, lagFigures, median, type LagFigures } from './figures.js';
import { pauseMidway, StallMeter } from './pause.js';
import type { BenchPlan, ResyncFigures, RoundFigures } from './plan.js';
import { cpuDuring, cpuPerWrite, peakRssMiB } from './proc-stats.js';
import { encodeCommand, RespClient } from './resp-client.js';

/** How often the replicas' offsets are read: the same millisecond as ours' acknowledgements. */
const POLL_MS = 1;
const STEADY_TICK_MS = 1;
/**
 * Redis 7 waits 5 s before a diskless full sync, for more replicas to join the same transfer; ours
 * starts a joining secondary's snapshot at once, so the benchmark does not count that wait.
 */
const PRIMARY_ARGS = ['--repl-diskless-sync-delay', '0'];

interface Node {
  readonly server: RedisServer;
  readonly client: RespClient;
}

async function startNode(extraArgs: readonly string[]): Promise<Node> {
  const server = await startRedisServer({ extraArgs });
  try {
    return { server, client: await RespClient.connect(server.port) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function stopNode(node: Node): Promise<void> {
  node.client.close();
  await node.server.stop();
}

async function replicationInfo(node: Node): Promise<Map<string, string>> {
  return node.client.info('replication');
}

function infoNumber(info: Map<string, string>, field: string): number {
  const value = Number(info.get(field));
  if (!Number.isFinite(value)) throw new Error(`INFO has no number ${field}`);
  return value;
}

/** Full resynchronisations the primary has served (INFO stats' sync_full). */
async function fullSyncs(primary: Node): Promise<number> {
  return infoNumber(await primary.client.info('stats'), 'sync_full');
}

async function primaryOffset(primary: Node): Promise<number> {
  return infoNumber(await replicationInfo(primary), 'master_repl_offset');
}

/** The least offset that every replica has processed, or −1 while one is not synchronised. */
async function replicatedOffset(replicas: readonly Node[]): Promise<number> {
  const infos = await Promise.all(replicas.map(replicationInfo));
  const offsets = infos.map((info) => (info.get('master_link_status') === 'up' && info.get('master_sync_in_progress') === '0' ? infoNumber(info, 'slave_repl_offset') : -1));
  return Math.min(...offsets);
}

/** Waits until every replica has processed the primary's whole stream, and returns when that was. */
async function caughtUp(primary: Node, replicas: readonly Node[]): Promise<number> {
  const target = await primaryOffset(primary);
  while ((await replicatedOffset(replicas).catch(() => -1)) < target) await sleep(POLL_MS);
  return epochMs();
}

/** Each write's end offset in the replication stream and its submission time; the lag of each once replicated. */
class OffsetTracker {
  readonly lagsMs: number[] = [];
  private readonly endOffsets: number[] = [];
  private readonly submittedMs: number[] = [];
  private replicated = 0;
  private streamOffset: number;
  private polling = true;
  private waiter: { readonly writes: number; readonly resolve: (atMs: number) => void; readonly reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly replicas: readonly Node[],
    startOffset: number,
  ) {
    this.streamOffset = startOffset;
    void this.pollLoop();
  }

  static async start(primary: Node, replicas: readonly Node[]): Promise<OffsetTracker> {
    return new OffsetTracker(replicas, await primaryOffset(primary));
  }

  get submittedCount(): number {
    return this.endOffsets.length;
  }

  submitted(commandBytes: number, atMs: number): void {
    this.streamOffset += commandBytes;
    this.endOffsets.push(this.streamOffset);
    this.submittedMs.push(atMs);
  }

  /** Resolves with the epoch ms at which the first `writes` writes were on every replica. */
  until(writes: number): Promise<number> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.replicated >= writes) return Promise.resolve(epochMs());
    return new Promise((resolve, reject) => (this.waiter = { writes, resolve, reject }));
  }

  stop(): void {
    this.polling = false;
  }

  private async pollLoop(): Promise<void> {
    try {
      while (this.polling) {
        this.advance(await replicatedOffset(this.replicas));
        await sleep(POLL_MS);
      }
    } catch (error) {
      this.failure = error as Error;
      this.waiter?.reject(this.failure);
      this.waiter = null;
    }
  }

  private advance(offset: number): void {
    const nowMs = epochMs();
    for (; this.replicated < this.endOffsets.length && (this.endOffsets[this.replicated] ?? Infinity) <= offset; this.replicated += 1) {
      this.lagsMs.push(nowMs - (this.submittedMs[this.replicated] ?? nowMs));
    }
    if (this.waiter !== null && this.replicated >= this.waiter.writes) {
      this.waiter.resolve(nowMs);
      this.waiter = null;
    }
  }
}

/**
 * Sends `count` SETs through one connection with at most `window` unanswered, batching the
 * writes that replies free within one turn of the event loop; resolves when the last is answered.
 */
function windowedSets(
  client: RespClient,
  options: { count: number; window: number; key: (i: number) => string; value: Uint8Array; onSent?: (bytes: number, atMs: number) => void; stall?: StallMeter },
): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    let flushScheduled = false;
    const onReply = (reply: unknown): void => {
      if (reply instanceof Error) return reject(reply);
      options.stall?.completed();
      answered += 1;
      if (answered === options.count) return resolve(epochMs());
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    };
    const flush = (): void => {
      flushScheduled = false;
      const due = Math.min(options.count, answered + options.window) - sent;
      if (due <= 0) return;
      const atMs = epochMs();
      const commands: Buffer[] = [];
      for (let i = 0; i < due; i += 1) {
        const command = encodeCommand(['SET', options.key(sent + i), options.value]);
        options.onSent?.(command.length, atMs);
        commands.push(command);
      }
      sent += due;
      client.sendEncoded(Buffer.concat(commands), due, onReply);
    };
    flush();
  });
}

async function startCluster(replicaCount: number): Promise<{ primary: Node; replicas: Node[] }> {
  const primary = await startNode(PRIMARY_ARGS);
  const replicas: Node[] = [];
  try {
    for (let i = 0; i < replicaCount; i += 1) replicas.push(await startNode(['--replicaof', '127.0.0.1', String(primary.server.port)]));
    await primary.client.call('SET', 'warm-up', 'x');
    await caughtUp(primary, replicas);
    return { primary, replicas };
  } catch (error) {
    await Promise.all([primary, ...replicas].map(stopNode));
    throw error;
  }
}

async function burst(primary: Node, replicas: readonly Node[], plan: BenchPlan): Promise<{ startMs: number; primaryDoneMs: number; replicatedMs: number; lag: LagFigures; wireBytesPerOp: number; fullResyncs: number; writeStallMaxMs: number }> {
  const tracker = await OffsetTracker.start(primary, replicas);
  const offsetBefore = await primaryOffset(primary);
  const syncsBefore = await fullSyncs(primary);
  const startMs = epochMs();
  const stall = plan.pauseSecondaryMs > 0 ? new StallMeter() : undefined;
  const [primaryDoneMs] = await Promise.all([
    windowedSets(primary.client, {
      count: plan.writes,
      window: plan.window,
      key: (i) => `burst/${i}`,
      value: randomBytes(plan.valueBytes),
      onSent: (bytes, atMs) => tracker.submitted(bytes, atMs),
      stall,
    }),
    pauseMidway(replicas.at(-1)?.server.pid() ?? 0, plan.pauseSecondaryMs),
  ]);
  const replicatedMs = await tracker.until(plan.writes);
  tracker.stop();
  const wireBytesPerOp = ((await primaryOffset(primary)) - offsetBefore) / plan.writes;
  return { startMs, primaryDoneMs, replicatedMs, lag: lagFigures(tracker.lagsMs), wireBytesPerOp, fullResyncs: (await fullSyncs(primary)) - syncsBefore, writeStallMaxMs: stall?.longestGapMs ?? Number.NaN };
}

/** SETs at `steadyRatePerS`, in ticks, catching up on a late tick rather than drifting. */
async function steady(primary: Node, replicas: readonly Node[], plan: BenchPlan): Promise<LagFigures> {
  const tracker = await OffsetTracker.start(primary, replicas);
  const value = randomBytes(plan.valueBytes);
  const startMs = epochMs();
  const answers: Promise<unknown>[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsedMs = Math.min(epochMs() - startMs, plan.steadyDurationMs);
      const due = Math.floor((elapsedMs * plan.steadyRatePerS) / 1_000);
      for (let i = tracker.submittedCount; i < due; i += 1) {
        const command = encodeCommand(['SET', `steady/${i}`, value]);
        tracker.submitted(command.length, epochMs());
        answers.push(new Promise((settle) => primary.client.sendEncoded(command, 1, settle)));
      }
      if (elapsedMs >= plan.steadyDurationMs) {
        clearInterval(timer);
        resolve();
      }
    }, STEADY_TICK_MS);
  });
  await Promise.all(answers);
  await tracker.until(tracker.submittedCount);
  tracker.stop();
  return lagFigures(tracker.lagsMs);
}

/** Milliseconds from each big SET's submission until every replica has processed it. */
async function big(primary: Node, replicas: readonly Node[], plan: BenchPlan): Promise<number[]> {
  const tracker = await OffsetTracker.start(primary, replicas);
  const latenciesMs: number[] = [];
  for (let round = 0; round < plan.bigRounds; round += 1) {
    const command = encodeCommand(['SET', `big/${round}`, randomBytes(plan.bigValueBytes)]);
    const startMs = epochMs();
    tracker.submitted(command.length, startMs);
    await new Promise((settle) => primary.client.sendEncoded(command, 1, settle));
    latenciesMs.push((await tracker.until(tracker.submittedCount)) - startMs);
  }
  tracker.stop();
  return latenciesMs;
}

export async function redisRound(plan: BenchPlan): Promise<RoundFigures> {
  const { primary, replicas } = await startCluster(plan.secondaries);
  const nodes = [primary, ...replicas];
  try {
    if (plan.warmupWrites > 0) {
      await windowedSets(primary.client, { count: plan.warmupWrites, window: plan.window, key: (i) => `warmup/${i}`, value: randomBytes(plan.valueBytes) });
      await caughtUp(primary, replicas);
    }
    let burstFigures: Awaited<ReturnType<typeof burst>> | undefined;
    const cpuMicros = await cpuDuring(nodes.map((node) => node.server.pid()), async () => {
      burstFigures = await burst(primary, replicas, plan);
    });
    if (burstFigures === undefined) throw new Error('no burst figures');
    const rssMiB = nodes.map((node) => peakRssMiB(node.server.pid()));
    const steadyLag = await steady(primary, replicas, plan);
    const bigMs = await big(primary, replicas, plan);
    return {
      primaryWritesPerS: (plan.writes * 1_000) / (burstFigures.primaryDoneMs - burstFigures.startMs),
      replicatedWritesPerS: (plan.writes * 1_000) / (burstFigures.replicatedMs - burstFigures.startMs),
      ...cpuPerWrite(cpuMicros, plan.writes),
      burstLag: burstFigures.lag,
      steadyLag,
      bigValueMs: median(bigMs),
      wireBytesPerOp: burstFigures.wireBytesPerOp,
      burstFullResyncs: burstFigures.fullResyncs,
      writeStallMaxMs: burstFigures.writeStallMaxMs,
      primaryRssMiB: rssMiB[0] ?? Number.NaN,
      secondaryRssMiB: Math.max(...rssMiB.slice(1)),
    };
  } finally {
    await Promise.all(nodes.map(stopNode));
  }
}

/** A replica joining a primary that holds `keys` keys: from its spawn until it has processed the whole stream. */
export async function redisResync(plan: BenchPlan, keys: number): Promise<ResyncFigures> {
  const primary = await startNode(PRIMARY_ARGS);
  const nodes = [primary];
  try {
    await windowedSets(primary.client, { count: keys, window: plan.window, key: (i) => `load/${i}`, value: randomBytes(plan.valueBytes) });
    const startingMs = epochMs();
    const joining = await startNode(['--replicaof', '127.0.0.1', String(primary.server.port)]);
    nodes.push(joining);
    const caughtUpMs = await caughtUp(primary, [joining]);
    return { keys, resyncMs: caughtUpMs - startingMs, secondaryRssMiB: peakRssMiB(joining.server.pid()) };
  } finally {
    await Promise.all(nodes.map(stopNode));
  }
}
