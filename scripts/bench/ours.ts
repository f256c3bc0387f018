/** One round of the benchmark on this library: a primary and secondaries, each its own process. */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startRedisServer, type RedisServer } from '../../harness/redis-process.js';
import { median } from './figures.js';
import type { GcPause } from './gc-pauses.js';
import { lagCauses, STEADY_SLOW_MS, type LagCauses } from './lag-causes.js';
import type { BurstFigures, NodeConfig, NodeMessage, SteadyFigures, Task } from './node-process.js';
import { pauseMidway } from './pause.js';
import { cpuDuring, cpuPerWrite, peakRssMiB } from './proc-stats.js';
import type { BenchPlan, RoundFigures, ResyncFigures } from './plan.js';

const NODE_PROCESS = fileURLToPath(new URL('./node-process.ts', import.meta.url));
/**
 * The nodes run as compiled JavaScript, as a user's would: under tsx each process also carried its
 * loader (a worker thread and the TypeScript transform), about 50 MiB of RSS and startup CPU that no
 * deployment has. Inside node_modules, so that the bundle's imports of packages resolve.
 */
const NODE_BUNDLE = fileURLToPath(new URL('../../node_modules/.cache/nadb-bench/node-process.mjs', import.meta.url));
let bundled: Promise<unknown> | null = null;

function bundleNodeProcess(): Promise<unknown> {
  bundled ??= build({ entryPoints: [NODE_PROCESS], bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', outfile: NODE_BUNDLE, logLevel: 'warning' });
  return bundled;
}
/**
 * NADB_BENCH_CPU_PROF=DIR: every node runs under `node --cpu-prof` and writes its profile into DIR
 * when the round ends (stopped with SIGTERM, on which it exits, instead of SIGKILL).
 */
const CPU_PROFILE_DIR = process.env.NADB_BENCH_CPU_PROF;
let profiled = 0;
/** NADB_BENCH_SECONDARY_FLAGS='--flag …' and NADB_BENCH_PRIMARY_FLAGS: node flags for our nodes (V8's heap sizing, --trace-gc). */
const SECONDARY_FLAGS = nodeFlags(process.env.NADB_BENCH_SECONDARY_FLAGS);
const PRIMARY_FLAGS = nodeFlags(process.env.NADB_BENCH_PRIMARY_FLAGS);

function nodeFlags(setting: string | undefined): string[] {
  return setting?.split(' ').filter((flag) => flag !== '') ?? [];
}

/** A forked node: tasks in, results out, one at a time. */
class NodeProcess {
  private waiting: { resolve: (result: unknown) => void; reject: (error: Error) => void } | null = null;
  private readonly messages: NodeMessage[] = [];
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: NodeMessage) => this.receive(message));
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.waiting?.reject(new Error(`a bench node exited (code ${code}, signal ${signal})`));
      this.waiting = null;
    });
  }

  static async start(config: NodeConfig): Promise<{ node: NodeProcess; port: number | null; startingMs: number | null }> {
    // A folder per node: node writes a profile per thread.
    const profiling = CPU_PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROFILE_DIR, `${config.role}-${(profiled += 1)}`)}`];
    await bundleNodeProcess();
    const flags = config.role === 'secondary' ? SECONDARY_FLAGS : PRIMARY_FLAGS;
    const child = fork(NODE_BUNDLE, [JSON.stringify(config)], { execArgv: [...profiling, ...flags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const node = new NodeProcess(child);
    const startingMs = config.role === 'secondary' ? ((await node.next('starting')) as { atMs: number }).atMs : null;
    const ready = (await node.next('ready')) as { port: number | null };
    return { node, port: ready.port, startingMs };
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async run<T>(task: Task): Promise<T> {
    this.child.send(task);
    return (await this.next('done')) as T;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(CPU_PROFILE_DIR === undefined ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  private next(kind: NodeMessage['kind']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const queued = this.messages.shift();
      if (queued !== undefined) return this.settle(queued, kind, resolve, reject);
      if (this.exited) return reject(new Error('a bench node has exited'));
      this.waiting = { resolve: (message) => this.settle(message as NodeMessage, kind, resolve, reject), reject };
    });
  }

  private receive(message: NodeMessage): void {
    const waiting = this.waiting;
    if (waiting === null) {
      this.messages.push(message);
      return;
    }
    this.waiting = null;
    waiting.resolve(message);
  }

  private settle(message: NodeMessage, kind: NodeMessage['kind'], resolve: (value: unknown) => void, reject: (error: Error) => void): void {
    if (message.kind === 'failed') reject(new Error(`a bench node failed: ${message.message}`));
    else if (message.kind !== kind) reject(new Error(`a bench node sent ${message.kind} where ${kind} was due`));
    else resolve(message.kind === 'done' ? message.result : message);
  }
}

/** Where each node of a round keeps its data: memory, its own directory, or its own database of a Redis server started for the round. */
class StoragePlan {
  private nextIndex = 0;
  private constructor(
    private readonly kind: BenchPlan['storage'],
    private readonly dir: string,
    private readonly redis: RedisServer | null,
  ) {}

  static async create(plan: BenchPlan): Promise<StoragePlan> {
    const redis = plan.storage === 'redis' ? await startRedisServer() : null;
    return new StoragePlan(plan.storage, await mkdtemp(join(tmpdir(), 'nadb-bench-')), redis);
  }

  next(): string {
    const index = this.nextIndex++;
    if (this.kind === 'memory') return 'memory';
    if (this.kind === 'fs' || this.kind === 'aof') return `${this.kind}:${join(this.dir, `node-${index}`)}`;
    if (this.redis === null) throw new Error('no Redis server for --storage redis');
    return `${this.redis.url}/${index}`;
  }

  async remove(): Promise<void> {
    await this.redis?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function startCluster(storage: StoragePlan, plan: BenchPlan): Promise<NodeProcess[]> {
  const { secondaries, wireFormat } = plan;
  const primary = await NodeProcess.start({ role: 'primary', storage: storage.next(), wireFormat });
  const nodes = [primary.node];
  try {
    for (let i = 0; i < secondaries; i += 1) nodes.push((await NodeProcess.start({ role: 'secondary', storage: storage.next(), wireFormat, primaryPort: primary.port ?? 0 })).node);
    await primary.node.run({ kind: 'caughtUp', replicas: secondaries });
    return nodes;
  } catch (error) {
    await Promise.all(nodes.map(async (node) => node.stop()));
    throw error;
  }
}

export async function oursRound(plan: BenchPlan): Promise<RoundFigures> {
  const storage = await StoragePlan.create(plan);
  const nodes = await startCluster(storage, plan);
  const [primary] = nodes;
  try {
    if (primary === undefined) throw new Error('no primary');
    if (plan.warmupWrites > 0) {
      await primary.run<BurstFigures>({ kind: 'burst', keyPrefix: 'warmup/', writes: plan.warmupWrites, valueBytes: plan.valueBytes, window: plan.window, replicas: plan.secondaries, measureStall: false });
    }
    const burstTask: Task = { kind: 'burst', keyPrefix: 'burst/', writes: plan.writes, valueBytes: plan.valueBytes, window: plan.window, replicas: plan.secondaries, measureStall: plan.pauseSecondaryMs > 0 };
    let burst: BurstFigures | undefined;
    const cpuMicros = await cpuDuring(nodes.map((node) => node.pid), async () => {
      [burst] = await Promise.all([primary.run<BurstFigures>(burstTask), pauseMidway(nodes.at(-1)?.pid ?? 0, plan.pauseSecondaryMs)]);
    });
    if (burst === undefined) throw new Error('no burst figures');
    const rssMiB = nodes.map((node) => peakRssMiB(node.pid));
    const steady = await primary.run<SteadyFigures>({ kind: 'steady', ratePerS: plan.steadyRatePerS, durationMs: plan.steadyDurationMs, valueBytes: plan.valueBytes, replicas: plan.secondaries });
    const steadyLagCauses = await causesOf(steady, nodes);
    const bigMs = await primary.run<number[]>({ kind: 'big', valueBytes: plan.bigValueBytes, rounds: plan.bigRounds, replicas: plan.secondaries });
    return {
      primaryWritesPerS: (plan.writes * 1_000) / (burst.primaryDoneMs - burst.startMs),
      replicatedWritesPerS: (plan.writes * 1_000) / (burst.replicatedMs - burst.startMs),
      ...cpuPerWrite(cpuMicros, plan.writes),
      burstLag: burst.lag,
      steadyLag: steady.lag,
      steadyLagCauses,
      bigValueMs: median(bigMs),
      wireBytesPerOp: burst.wireBytesPerOp,
      burstFullResyncs: burst.fullResyncs,
      writeStallMaxMs: burst.writeStallMaxMs,
      primaryRssMiB: rssMiB[0] ?? Number.NaN,
      secondaryRssMiB: Math.max(...rssMiB.slice(1)),
    };
  } finally {
    await Promise.all(nodes.map(async (node) => node.stop()));
    await storage.remove();
  }
}

/** Which process's garbage collector the steady phase's slow writes waited for (lag-causes.ts). */
async function causesOf(steady: SteadyFigures, nodes: readonly NodeProcess[]): Promise<LagCauses> {
  const window: Task = { kind: 'pauses', fromMs: steady.startMs, toMs: steady.endMs };
  const [primaryPauses = [], ...secondariesPauses] = await Promise.all(nodes.map(async (node) => node.run<GcPause[]>(window)));
  return lagCauses(STEADY_SLOW_MS, steady.slow, primaryPauses, secondariesPauses);
}

/** A secondary joining a primary that holds `keys` keys: from its start until it has them all. */
export async function oursResync(plan: BenchPlan, keys: number): Promise<ResyncFigures> {
  const storage = await StoragePlan.create(plan);
  const primary = await NodeProcess.start({ role: 'primary', storage: storage.next(), wireFormat: plan.wireFormat });
  const nodes = [primary.node];
  try {
    await primary.node.run({ kind: 'load', keys, valueBytes: plan.valueBytes, window: plan.window });
    const joining = await NodeProcess.start({ role: 'secondary', storage: storage.next(), wireFormat: plan.wireFormat, primaryPort: primary.port ?? 0 });
    nodes.push(joining.node);
    const caughtUpMs = await primary.node.run<number>({ kind: 'caughtUp', replicas: 1 });
    return { keys, resyncMs: caughtUpMs - (joining.startingMs ?? caughtUpMs), secondaryRssMiB: peakRssMiB(joining.node.pid) };
  } finally {
    await Promise.all(nodes.map(async (node) => node.stop()));
    await storage.remove();
  }
}
