/**
 * Replication throughput by secondary storage: one primary on MemoryStorage and one secondary on
 * the backend measured, over loopback TCP in this process, 100-byte values, 1,000 writes in
 * flight. Prints the replicated writes per second (from the first write until the secondary's
 * applied sequence reaches the primary's) and the secondary's longest time without its applied
 * sequence moving (a stall). A benchmark to read, not a test: nothing here passes or fails.
 *
 *   npm run bench:storage -- [--backend memory|fs|aof|redis] [--fsync batch|always|never] [--writes N] [--keys N]
 *
 * Without --backend, each in turn. fs and aof run in a fresh directory under the system's temp dir;
 * redis starts its own redis-server (persistence off) and needs it on PATH.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { NetworkSyncBackend } from '../src/runtime/network-sync-backend.js';
import { AppendOnlyStorage } from '../src/storage/append-only.js';
import type { StorageBackend } from '../src/storage/backend.js';
import { FileSystemStorage, type FsyncMode } from '../src/storage/filesystem.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { RedisStorage } from '../src/storage/redis.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { caughtUp, portOf, startPrimary, startSecondary } from '../test/runtime/support/nodes.js';

const VALUE_BYTES = 100;
const WRITES_IN_FLIGHT = 1_000;
const DEFAULT_WRITES = 100_000;
/**
 * How often the secondary's applied sequence is sampled, for the stall measure and to see it
 * caught up: often enough for a millisecond's precision, seldom enough to cost the nodes nothing.
 */
const SAMPLE_INTERVAL_MS = 1;
const BACKENDS = ['memory', 'fs', 'aof', 'redis'] as const;
const FSYNC_MODES: readonly FsyncMode[] = ['batch', 'always', 'never'];

type BackendName = (typeof BACKENDS)[number];

interface Settings {
  readonly writes: number;
  readonly keys: number;
  readonly fsync: FsyncMode;
}

/** A secondary's storage, and what to do once the run is over. */
interface Opened {
  readonly storage: StorageBackend;
  readonly dispose: () => Promise<void>;
}

async function openBackend(name: BackendName, settings: Settings): Promise<Opened> {
  switch (name) {
    case 'memory':
      return { storage: new MemoryStorage(), dispose: async () => undefined };
    case 'fs':
    case 'aof': {
      const dir = await mkdtemp(join(tmpdir(), 'nadb-bench-'));
      const options = { basePath: dir, fsync: settings.fsync };
      const storage = name === 'fs' ? await FileSystemStorage.open(options) : await AppendOnlyStorage.open(options);
      return { storage, dispose: () => rm(dir, { recursive: true, force: true }) };
    }
    case 'redis': {
      const server = await startRedisServer();
      return { storage: await RedisStorage.open({ url: server.url }), dispose: () => server.stop() };
    }
  }
}

/** The longest time the secondary's applied sequence stood still, sampled until stopped. */
function watchStalls(secondary: NetworkSyncBackend): { stop: () => number } {
  let last = secondary.getReplicationStats().sequenceNumber;
  let movedAtMs = performance.now();
  let longestMs = 0;
  const timer = setInterval(() => {
    const nowMs = performance.now();
    const sequence = secondary.getReplicationStats().sequenceNumber;
    if (sequence === last) return;
    longestMs = Math.max(longestMs, nowMs - movedAtMs);
    last = sequence;
    movedAtMs = nowMs;
  }, SAMPLE_INTERVAL_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(longestMs, performance.now() - movedAtMs);
    },
  };
}

async function writeAll(primary: NetworkSyncBackend, settings: Settings): Promise<void> {
  const value = randomBytes(VALUE_BYTES);
  let next = 0;
  const writer = async (): Promise<void> => {
    for (let index = next++; index < settings.writes; index = next++) await primary.writeData(`bench/${index % settings.keys}`, value);
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, writer));
}

async function run(name: BackendName, settings: Settings): Promise<void> {
  const { storage, dispose } = await openBackend(name, settings);
  // The default timing, not the tests' fast one: a batch may take seconds without a timeout. A log
  // holding every write: a secondary behind by more than the log would be resynced, another path.
  const primary = await startPrimary(new MemoryStorage(), { timing: {}, maxOperationLog: settings.writes });
  const secondary = await startSecondary(portOf(primary), storage, { timing: {} });
  try {
    const startedMs = performance.now();
    const stalls = watchStalls(secondary);
    await writeAll(primary, settings);
    while (!caughtUp(primary, [secondary])) await sleep(SAMPLE_INTERVAL_MS);
    const elapsedMs = performance.now() - startedMs;
    const longestStallMs = stalls.stop();
    const how = name === 'fs' || name === 'aof' ? `${name}, fsync ${settings.fsync}` : name;
    console.log(
      `${how.padEnd(18)} ${String(Math.round(settings.writes / (elapsedMs / 1_000))).padStart(7)} writes/s replicated ` +
        `(${settings.writes} in ${elapsedMs.toFixed(0)} ms), longest stall of the applied sequence ${longestStallMs.toFixed(0)} ms`,
    );
  } finally {
    await secondary.close();
    await primary.close();
    await dispose();
  }
}

function positiveInteger(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} wants a positive integer, got '${text}'`);
  return value;
}

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (text === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === text);
  if (found === undefined) throw new Error(`--${name} wants one of ${allowed.join(', ')}, got '${text}'`);
  return found;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { backend: { type: 'string' }, fsync: { type: 'string' }, writes: { type: 'string' }, keys: { type: 'string' } },
    strict: true,
  });
  const backend = oneOf(values.backend, BACKENDS, 'backend');
  const writes = positiveInteger(values.writes, 'writes') ?? DEFAULT_WRITES;
  const settings: Settings = { writes, keys: positiveInteger(values.keys, 'keys') ?? writes, fsync: oneOf(values.fsync, FSYNC_MODES, 'fsync') ?? 'batch' };
  const cpu = cpus();
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, node ${process.version}`);
  console.log(
    `settings: ${settings.writes} writes of ${VALUE_BYTES} B to ${settings.keys} paths, ${WRITES_IN_FLIGHT} in flight, ` +
      `primary on memory with a log of ${settings.writes}, default timing`,
  );
  for (const name of backend === undefined ? BACKENDS : [backend]) await run(name, settings);
}

await main();
