/**
 * This library's replication beside Redis' own, on the same machine and the same workload (issue
 * 9's table): a burst of writes with a window in flight, a steady rate, big values, and secondaries
 * joining datasets of growing size. Rounds alternate which system goes first; the table shows the
 * median of the rounds. A benchmark to read, not a test: nothing here passes or fails.
 *
 *   npm run bench -- [--rounds N] [--writes N] [--warmup N] [--secondaries N] [--storage memory|fs|aof|redis]
 *                    [--resync-keys 200000,1000000] [--systems ours,redis] [--steady-rate N] [--value-bytes N] [--pause-secondary-ms N]
 *                    [--wire-format binary|binary-1|json] [--json FILE] [--smoke]
 *
 * NADB_BENCH_CPU_PROF=DIR in the environment profiles each of this library's nodes into DIR.
 * NADB_BENCH_MEMORY_TRACE=1 prints where each node's memory is as its RSS grows (memory-trace.ts);
 * NADB_BENCH_SECONDARY_FLAGS='--flag …' starts our secondaries with those node flags, NADB_BENCH_PRIMARY_FLAGS our primary.
 * NADB_BENCH_LOG_LEVEL=info makes our nodes log (connections, resyncs, closes and why).
 * --warmup N writes N values to other keys before the measured burst, on both systems, not counted
 * (default 100,000): the figures of a primary that has been running, its JavaScript compiled by the
 * JIT. --warmup 0 measures fresh processes.
 * --value-bytes N sets the size of the burst's and the steady phase's values (default 100).
 * --pause-secondary-ms N stops the last secondary (SIGSTOP) for N ms, 500 ms into the burst, on both systems.
 * --wire-format sets every one of our nodes' wireFormat (default binary: binary-2 links; binary-1 as
 * the release before binary-2; json the original's frames).
 * --smoke runs tiny sizes once, to see that every part works. The JSON (default: a new file under
 * bench-results/) holds the plan, the machine, every round's figures and the medians.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { WIRE_FORMAT_SETTINGS } from '../../src/core/codec/index.js';
import { median } from './figures.js';
import { oursResync, oursRound } from './ours.js';
import { DEFAULT_PLAN, type BenchPlan, type ResyncFigures, type RoundFigures, type SystemRound } from './plan.js';
import { redisResync, redisRound } from './redis-native.js';

const SYSTEMS = ['ours', 'redis'] as const;
type System = (typeof SYSTEMS)[number];

const SMOKE_PLAN: Partial<BenchPlan> = {
  rounds: 1,
  writes: 2_000,
  warmupWrites: 500,
  window: 100,
  steadyRatePerS: 1_000,
  steadyDurationMs: 300,
  bigValueBytes: 64 * 1024,
  bigRounds: 2,
  resyncKeys: [1_000],
};

const USAGE = `usage: npm run bench -- [--rounds N] [--writes N] [--secondaries N] [--storage memory|fs|aof|redis]
                     [--resync-keys 200000,1000000] [--systems ours,redis] [--steady-rate N] [--value-bytes N] [--pause-secondary-ms N]
                     [--wire-format binary|binary-1|json] [--json FILE] [--smoke]`;
/** A command line it cannot run, as sysexits' EX_USAGE. */
const EXIT_USAGE = 64;

class BenchUsageError extends Error {}

interface Settings {
  readonly plan: BenchPlan;
  readonly systems: readonly System[];
  readonly jsonPath: string;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} wants a positive integer, got '${text}'`);
  return value;
}

function nonNegative(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} wants a non-negative integer, got '${text}'`);
  return value;
}

function parseSettings(argv: readonly string[]): Settings {
  try {
    return settingsOf(argv);
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
}

function settingsOf(argv: readonly string[]): Settings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      writes: { type: 'string' },
      warmup: { type: 'string' },
      secondaries: { type: 'string' },
      storage: { type: 'string' },
      'resync-keys': { type: 'string' },
      systems: { type: 'string' },
      'steady-rate': { type: 'string' },
      'value-bytes': { type: 'string' },
      'pause-secondary-ms': { type: 'string' },
      'wire-format': { type: 'string' },
      json: { type: 'string' },
      smoke: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const base: BenchPlan = { ...DEFAULT_PLAN, ...(values.smoke === true ? SMOKE_PLAN : {}) };
  const storage = values.storage ?? base.storage;
  if (storage !== 'memory' && storage !== 'fs' && storage !== 'aof' && storage !== 'redis') throw new Error(`--storage wants memory, fs, aof or redis, got '${storage}'`);
  const wireFormat = WIRE_FORMAT_SETTINGS.find((setting) => setting === (values['wire-format'] ?? base.wireFormat));
  if (wireFormat === undefined) throw new Error(`--wire-format wants ${WIRE_FORMAT_SETTINGS.join(', ')}, got '${values['wire-format']}'`);
  const systems = (values.systems ?? SYSTEMS.join(',')).split(',');
  for (const system of systems) if (!(SYSTEMS as readonly string[]).includes(system)) throw new Error(`--systems wants ours and/or redis, got '${system}'`);
  const plan: BenchPlan = {
    ...base,
    rounds: positive('rounds', values.rounds, base.rounds),
    writes: positive('writes', values.writes, base.writes),
    warmupWrites: nonNegative('warmup', values.warmup, base.warmupWrites),
    secondaries: positive('secondaries', values.secondaries, base.secondaries),
    steadyRatePerS: positive('steady-rate', values['steady-rate'], base.steadyRatePerS),
    valueBytes: positive('value-bytes', values['value-bytes'], base.valueBytes),
    pauseSecondaryMs: positive('pause-secondary-ms', values['pause-secondary-ms'], base.pauseSecondaryMs),
    storage,
    wireFormat,
    resyncKeys: values['resync-keys'] === undefined ? base.resyncKeys : values['resync-keys'].split(',').map((text) => positive('resync-keys', text, 0)),
  };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return { plan, systems: systems as System[], jsonPath: values.json ?? `bench-results/bench-${stamp}.json` };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function runSystem(system: System, plan: BenchPlan, label: string): Promise<SystemRound> {
  progress(`${label} ${system}: ${plan.warmupWrites} writes to warm up, ${plan.writes} writes, steady, big values`);
  const round = system === 'ours' ? await oursRound(plan) : await redisRound(plan);
  const resyncs: ResyncFigures[] = [];
  for (const keys of plan.resyncKeys) {
    progress(`${label} ${system}: a secondary joins ${keys} keys`);
    resyncs.push(system === 'ours' ? await oursResync(plan, keys) : await redisResync(plan, keys));
  }
  return { round, resyncs };
}

/** One figure of the table: its name, how to read it from a round, and how to print it. */
interface Row {
  readonly name: string;
  readonly of: (round: SystemRound) => number;
  readonly digits: number;
}

function resyncRow(keys: number): Row {
  return { name: `full resync of a secondary joining ${keys.toLocaleString('en-US')} keys, s`, of: (round) => (round.resyncs.find((resync) => resync.keys === keys)?.resyncMs ?? Number.NaN) / 1_000, digits: 2 };
}

function rows(plan: BenchPlan): Row[] {
  const round = (of: (figures: RoundFigures) => number): ((systemRound: SystemRound) => number) => (systemRound) => of(systemRound.round);
  return [
    { name: 'writes/s accepted by the primary', of: round((f) => f.primaryWritesPerS), digits: 0 },
    { name: 'replicated writes/s (every secondary applied)', of: round((f) => f.replicatedWritesPerS), digits: 0 },
    { name: 'CPU µs per replicated write, all server processes', of: round((f) => f.cpuMicrosPerOp), digits: 1 },
    { name: 'CPU µs per replicated write, the primary', of: round((f) => f.primaryCpuMicrosPerOp), digits: 1 },
    { name: 'CPU µs per replicated write, the busiest secondary', of: round((f) => f.secondaryCpuMicrosPerOp), digits: 1 },
    { name: 'burst lag per write, p50 ms', of: round((f) => f.burstLag.p50Ms), digits: 0 },
    { name: 'burst lag per write, p99 ms', of: round((f) => f.burstLag.p99Ms), digits: 0 },
    { name: `lag at a steady ${plan.steadyRatePerS.toLocaleString('en-US')} writes/s, p50 ms`, of: round((f) => f.steadyLag.p50Ms), digits: 1 },
    { name: `lag at a steady ${plan.steadyRatePerS.toLocaleString('en-US')} writes/s, p99 ms`, of: round((f) => f.steadyLag.p99Ms), digits: 1 },
    { name: `${formatBytes(plan.bigValueBytes)} value, write → applied on every secondary, ms`, of: round((f) => f.bigValueMs), digits: 0 },
    { name: `replication stream bytes per ${plan.valueBytes} B write, per secondary`, of: round((f) => f.wireBytesPerOp), digits: 0 },
    { name: 'full resyncs during the burst', of: round((f) => f.burstFullResyncs), digits: 0 },
    ...(plan.pauseSecondaryMs > 0 ? [{ name: `longest wait between two writes completing, ms (a secondary stopped for ${plan.pauseSecondaryMs} ms)`, of: round((f) => f.writeStallMaxMs), digits: 0 }] : []),
    { name: 'peak RSS of the primary, MiB', of: round((f) => f.primaryRssMiB), digits: 0 },
    { name: 'peak RSS of a secondary, MiB', of: round((f) => f.secondaryRssMiB), digits: 0 },
    ...plan.resyncKeys.map(resyncRow),
    ...plan.resyncKeys.map((keys): Row => ({ name: `peak RSS of the secondary joining ${keys.toLocaleString('en-US')} keys, MiB`, of: (r) => r.resyncs.find((resync) => resync.keys === keys)?.secondaryRssMiB ?? Number.NaN, digits: 0 })),
  ];
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

function format(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
}

function table(plan: BenchPlan, results: Record<System, SystemRound[]>): { markdown: string; medians: Record<string, Partial<Record<System, number>>> } {
  const medians: Record<string, Partial<Record<System, number>>> = {};
  const lines = ['| figure | ours | Redis | ours/Redis |', '|---|---|---|---|'];
  for (const row of rows(plan)) {
    const ours = median(results.ours.map(row.of));
    const redis = median(results.redis.map(row.of));
    medians[row.name] = { ours, redis };
    lines.push(`| ${row.name} | ${format(ours, row.digits)} | ${format(redis, row.digits)} | ${format(ours / redis, 2)} |`);
  }
  return { markdown: lines.join('\n'), medians };
}

/** Per round of ours: the steady phase's slow writes, and whose garbage collector covered them. */
function lagCauseLines(rounds: readonly SystemRound[]): string {
  return rounds
    .map(({ round }, index) => {
      const causes = round.steadyLagCauses;
      if (causes === undefined) return '';
      return (
        `Round ${index + 1}, ours, steady rate: ${causes.slowWrites} of ${round.steadyLag.samples} writes took ${causes.slowMs} ms or more; ` +
        `covered by GC pauses of the primary ${causes.primaryGc}, of a secondary ${causes.secondaryGc}, by neither ${causes.other}; ` +
        `longest pause ${causes.primaryPauseMaxMs.toFixed(1)} ms on the primary, ${causes.secondaryPauseMaxMs.toFixed(1)} ms on a secondary.\n`
      );
    })
    .join('');
}

function machine(): Record<string, string | number> {
  const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: redis.status === 0 ? `Redis ${/v=(\S+)/.exec(redis.stdout)?.[1] ?? redis.stdout.trim()}` : 'no redis-server',
  };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const { plan } = settings;
  const results: Record<System, SystemRound[]> = { ours: [], redis: [] };
  for (let round = 0; round < plan.rounds; round += 1) {
    const order = round % 2 === 0 ? settings.systems : [...settings.systems].reverse();
    for (const system of order) results[system].push(await runSystem(system, plan, `round ${round + 1}/${plan.rounds}`));
  }
  const { markdown, medians } = table(plan, results);
  const about = machine();
  process.stdout.write(`${markdown}\n\n${lagCauseLines(results.ours)}Medians of ${plan.rounds} round(s), each after ${plan.warmupWrites} writes to warm up; ours on ${plan.storage} storage, wire format ${plan.wireFormat}; ${about.cores} × ${about.cpu}, Node ${about.node}, ${about.redis}.\n`);
  await mkdir(dirname(settings.jsonPath), { recursive: true });
  await writeFile(settings.jsonPath, `${JSON.stringify({ plan, machine: about, results, medians }, null, 2)}\n`);
  process.stdout.write(`Every round's figures: ${settings.jsonPath}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
