/**
 * `npm run bench --smoke`: every part of the benchmark runs, on both systems, and the figures it
 * reports are the ones measured (every write's lag sampled, every byte of the stream counted).
 * The sizes are tiny; what the figures are worth is for the real run to say, not this test.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemRound } from '../../scripts/bench/plan.js';
import { describeIfRedis } from '../support/redis-server.js';

const MAIN = new URL('../../scripts/bench/main.ts', import.meta.url).pathname;
const SMOKE_WRITES = 2_000;
const SMOKE_RESYNC_KEYS = 1_000;
/** A SET of a 100-byte value to a key `burst/N` is at least this long in RESP; our frames are longer still. */
const STREAM_BYTES_PER_WRITE_MIN = 130;
const BENCH_TIMEOUT_MS = 120_000;
/** A node flag that changes nothing the smoke measures, to see NADB_BENCH_SECONDARY_FLAGS reach the secondaries only. */
const SECONDARY_FLAG = '--max-semi-space-size=16';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function smoke(system: 'ours' | 'redis', env: NodeJS.ProcessEnv = {}): Promise<{ rounds: SystemRound[]; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'nadb-bench-test-'));
  dirs.push(dir);
  const jsonPath = join(dir, 'bench.json');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, '--smoke', '--systems', system, '--json', jsonPath], { env: { ...process.env, ...env } });
  const report = JSON.parse(await readFile(jsonPath, 'utf8')) as { results: Record<string, SystemRound[]> };
  return { rounds: report.results[system] ?? [], stdout, stderr };
}

/**
 * `cpuMicrosPerOp` comes from /proc's clock ticks (10 ms): Redis' three processes may spend less
 * than one tick on the smoke's writes, so zero is a measurement there, not a missing figure.
 */
function expectMeasured(rounds: readonly SystemRound[], cpuMicrosPerOpMin: number): void {
  expect(rounds).toHaveLength(1);
  const [{ round, resyncs }] = rounds as [SystemRound];
  expect(round.burstLag.samples).toBe(SMOKE_WRITES);
  expect(round.burstLag.p50Ms).toBeLessThanOrEqual(round.burstLag.p99Ms);
  expect(round.steadyLag.samples).toBeGreaterThan(0);
  expect(round.replicatedWritesPerS).toBeGreaterThan(0);
  expect(round.replicatedWritesPerS).toBeLessThanOrEqual(round.primaryWritesPerS);
  expect(Number.isFinite(round.cpuMicrosPerOp)).toBe(true);
  expect(round.cpuMicrosPerOp).toBeGreaterThanOrEqual(cpuMicrosPerOpMin);
  expect(round.wireBytesPerOp).toBeGreaterThanOrEqual(STREAM_BYTES_PER_WRITE_MIN);
  expect(round.bigValueMs).toBeGreaterThan(0);
  expect(round.secondaryRssMiB).toBeGreaterThan(0);
  expect(resyncs.map((resync) => resync.keys)).toEqual([SMOKE_RESYNC_KEYS]);
  expect(resyncs[0]?.resyncMs).toBeGreaterThan(0);
}

describe('npm run bench -- --smoke', () => {
  it('measures every figure of this library', { timeout: BENCH_TIMEOUT_MS }, async () => {
    const { rounds, stdout, stderr } = await smoke('ours', { NADB_BENCH_MEMORY_TRACE: '1', NADB_BENCH_SECONDARY_FLAGS: SECONDARY_FLAG });
    // This library spends well over one tick on 2,000 writes.
    expectMeasured(rounds, Number.MIN_VALUE);
    expect(stdout).toContain('| replicated writes/s (every secondary applied) |');
    // Every slow write of the steady phase is counted under exactly one cause, and there are some exactly when the slowest write was slow.
    const [{ round }] = rounds as [SystemRound];
    const causes = round.steadyLagCauses;
    if (causes === undefined) throw new Error('no steadyLagCauses');
    expect(causes.primaryGc + causes.secondaryGc + causes.other).toBe(causes.slowWrites);
    expect(causes.slowWrites).toBeLessThanOrEqual(round.steadyLag.samples);
    expect(causes.slowWrites > 0).toBe(round.steadyLag.maxMs >= causes.slowMs);
    expect(stdout).toMatch(/^Round 1, ours, steady rate: \d+ of \d+ writes took 10 ms or more; covered by GC pauses of the primary \d+/m);
    // Every node passes its first 32 MiB step at once; only the secondaries have the flag.
    expect(stderr).toMatch(/^\[memory primary \d+\] rss \d+ MiB: heap \d+\/\d+ \(.*old \d+\/\d+.*\), arrayBuffers \d+, outside both \d+$/m);
    expect(stderr).toMatch(new RegExp(`^\\[memory secondary \\d+ ${SECONDARY_FLAG}\\] rss \\d+ MiB`, 'm'));
  });
});

describeIfRedis('npm run bench -- --smoke, Redis', () => {
  it("measures every figure of Redis' own replication", { timeout: BENCH_TIMEOUT_MS }, async () => {
    expectMeasured((await smoke('redis')).rounds, 0);
  });
});

describe('npm run bench, its command line', () => {
  it('answers --help with its usage, and a bad option with one line and exit 64, no stack', () => {
    const run = (args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run bench -- \[--rounds N\]/);
    const bad = run(['--rounds', 'x']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toMatch(/^bench: --rounds wants a positive integer, got 'x'\nusage: /);
    expect(bad.stderr).not.toContain('    at ');
    expect(help.stdout).toContain('[--steady-rate N]');
    const badRate = run(['--steady-rate', '0']);
    expect(badRate.status).toBe(64);
    expect(badRate.stderr).toMatch(/^bench: --steady-rate wants a positive integer, got '0'\n/);
  });
});
