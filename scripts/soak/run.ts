import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { invokeApiCall } from '../../harness/api-call.js';
import { startRedisServer, type RedisServer } from '../../harness/redis-process.js';
import { storageDifference } from '../../harness/storage-difference.js';
import { waitWhileProgressing } from '../../harness/waits.js';
import { Prng } from '../../sim/prng.js';
import { openStorage, type StorageSpec } from '../../src/cli/storage-spec.js';
import type { WireFormatSetting } from '../../src/core/codec/wire-format.js';
import { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { caughtUp, portOf } from '../../test/runtime/support/nodes.js';
import { SoakWorkload, TTL_S_MAX } from './workload.js';

export type SoakStorage = 'memory' | 'aof' | 'fs' | 'redis';

export interface SoakOptions {
  readonly durationMs: number;
  /**
   * Every node's; on disk, each in a directory of its own under a temporary one, removed at the end;
   * on Redis, each in a database of its own on a redis-server started for the run.
   */
  readonly storage: SoakStorage;
  readonly keys: number;
  readonly seed: number;
  /** Calls made at once, in rounds: each round settles before the next. */
  readonly window: number;
  /** How often the writes pause, the secondaries catch up, and memory is measured. */
  readonly sampleEveryMs: number;
  /** How often the second secondary is closed and started again on its storage (0: never). */
  readonly restartEveryMs: number;
  /** What the secondaries offer: binary frames (the default) or the seed's JSON frames. */
  readonly wireFormat: WireFormatSetting;
}

/** One measurement, taken with the cluster caught up and, when node runs with --expose-gc, after a full collection. */
export interface SoakSample {
  readonly elapsedMs: number;
  readonly calls: number;
  readonly heapUsedMiB: number;
  /** Outside the heap: values in arenas, frames, sockets' buffers. */
  readonly arrayBuffersMiB: number;
  readonly rssMiB: number;
  /**
   * What the storages hold outside this process (0 on memory storage): on disk the nodes'
   * directories (an append-only file rewritten, the persisted log's segments), on Redis the
   * server's used_memory (the entries, their indexes, the primary's log).
   */
  readonly storedMiB: number;
  readonly logBytes: number;
  readonly entries: number;
  readonly fullResyncs: number;
  readonly partialResyncs: number;
}

export interface SoakResult {
  readonly samples: readonly SoakSample[];
  readonly calls: number;
  readonly refused: number;
  /** What the first refused call was told; null when none was. */
  readonly firstRefusal: string | null;
  readonly restarts: number;
  /** Each secondary's first difference from the primary's storage at the end; null when equal. */
  readonly differences: readonly (string | null)[];
  readonly collected: boolean;
}

const MIB = 1024 * 1024;
const SECONDARY_IDS = ['soak-s1', 'soak-s2'] as const;
/** Past the last expiry, for the primary's expiry timer to fire and its deletions to be applied. */
const EXPIRY_SLACK_MS = 1_000;

interface Cluster {
  readonly primary: NetworkSyncBackend;
  readonly primaryStorage: StorageBackend;
  readonly secondaries: NetworkSyncBackend[];
  readonly storages: StorageBackend[];
  /** Where the storages are, beyond this process. */
  readonly place: Place;
  readonly wireFormat: WireFormatSetting;
}

type Place = { readonly kind: 'memory' } | { readonly kind: 'disk'; readonly dir: string } | { readonly kind: 'redis'; readonly server: RedisServer; readonly client: Redis };

/**
 * A primary and two secondaries in this process, over loopback TCP, taking
 * `durationMs` of calls that churn a bounded keyspace, with the second secondary restarted now and
 * then. Memory is measured at every sample with the cluster caught up, and the storages compared
 * at the end. In one process so that a full collection (--expose-gc) measures what every node keeps.
 */
export async function runSoak(options: SoakOptions, onSample: (sample: SoakSample) => void): Promise<SoakResult> {
  const cluster = await startCluster(options.storage, options.wireFormat);
  const workload = new SoakWorkload(new Prng(options.seed), options.keys);
  const samples: SoakSample[] = [];
  const startedMs = Date.now();
  let calls = 0;
  let refused = 0;
  let firstRefusal: string | null = null;
  let restarts = 0;
  let nextRestartMs = options.restartEveryMs > 0 ? options.restartEveryMs : Number.POSITIVE_INFINITY;
  try {
    while (Date.now() - startedMs < options.durationMs) {
      const phaseEndMs = Math.min(startedMs + options.durationMs, Date.now() + options.sampleEveryMs);
      await callsUntil(phaseEndMs, options.window, () => {
        calls += 1;
        return invokeApiCall(cluster.primary, workload.next()).catch((error: unknown) => {
          refused += 1;
          firstRefusal ??= String(error);
        });
      }, async () => {
        if (Date.now() - startedMs < nextRestartMs) return;
        nextRestartMs += options.restartEveryMs;
        restarts += 1;
        await restartSecondary(cluster, 1);
      });
      const sample = await measure(cluster, Date.now() - startedMs, calls);
      samples.push(sample);
      onSample(sample);
    }
    await quiesce(cluster);
    const differences = await Promise.all(cluster.storages.map((storage) => storageDifference(cluster.primaryStorage, storage)));
    return { samples, calls, refused, firstRefusal, restarts, differences, collected: typeof globalThis.gc === 'function' };
  } finally {
    await Promise.all([...cluster.secondaries, cluster.primary].map((node) => node.close()));
    await Promise.all(cluster.storages.map((storage) => storage.close()));
    await releasePlace(cluster.place);
  }
}

/** Rounds of `window` calls made at once, each settled before `between` and the next, until `endMs`. */
async function callsUntil(endMs: number, window: number, call: () => Promise<void>, between: () => Promise<void>): Promise<void> {
  while (Date.now() < endMs) {
    await Promise.all(Array.from({ length: window }, call));
    await between();
  }
}

/**
 * The library's default timing. A sample holds every node's event loop for a second or more with a
 * million keys (two full collections, the primary's paths listed and sorted), which the lab's fast
 * timing (a 2 s replication timeout) took for dead links: 25 resumes more than restarts in 6 minutes.
 */
async function startCluster(storage: SoakStorage, wireFormat: WireFormatSetting): Promise<Cluster> {
  const place = await placeFor(storage);
  const open = (name: string, index: number): Promise<StorageBackend> => openStorage(specOf(place, storage, name, index));
  const primaryStorage = await open('primary', 0);
  const primary = await NetworkSyncBackend.create({ baseBackend: primaryStorage, mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0, logLevel: 'silent' } });
  const storages = await Promise.all(SECONDARY_IDS.map((id, index) => open(id, index + 1)));
  const cluster: Cluster = { primary, primaryStorage, secondaries: [], storages, place, wireFormat };
  for (let index = 0; index < SECONDARY_IDS.length; index += 1) cluster.secondaries.push(await startSecondary(cluster, index));
  return cluster;
}

function startSecondary(cluster: Cluster, index: number): Promise<NetworkSyncBackend> {
  const config = { primaryHost: '127.0.0.1', primaryPort: portOf(cluster.primary), replicaId: SECONDARY_IDS[index], wireFormat: cluster.wireFormat, logLevel: 'silent' as const };
  return NetworkSyncBackend.create({ baseBackend: cluster.storages[index]!, mode: 'secondary', config, keepBackendOpen: true });
}

/** Closed and started again on the same storage and id: it resumes from its cursor, or resyncs when the log moved past it. */
async function restartSecondary(cluster: Cluster, index: number): Promise<void> {
  await cluster.secondaries[index]!.close();
  cluster.secondaries[index] = await startSecondary(cluster, index);
}

/**
 * Until every expiry the calls set has passed and the primary's deletions of them have reached the
 * secondaries: compared any sooner, a key that expired meanwhile is gone from the primary and not
 * yet from them (46 keys once, on aof storage, in the half second a sample takes).
 */
async function quiesce(cluster: Cluster): Promise<void> {
  await sleep(TTL_S_MAX * 1_000 + EXPIRY_SLACK_MS);
  await waitCaughtUp(cluster);
}

async function waitCaughtUp(cluster: Cluster): Promise<void> {
  const progress = (): number => cluster.secondaries.reduce((sum, node) => sum + node.getReplicationStats().sequenceNumber, 0);
  await waitWhileProgressing(() => caughtUp(cluster.primary, cluster.secondaries), progress, 'the secondaries to catch up');
}

async function measure(cluster: Cluster, elapsedMs: number, calls: number): Promise<SoakSample> {
  await waitCaughtUp(cluster);
  globalThis.gc?.();
  globalThis.gc?.();
  const memory = process.memoryUsage();
  const stats = cluster.primary.getReplicationStats();
  if (stats.mode !== 'primary') throw new Error('the soak primary reports itself a secondary');
  return {
    elapsedMs,
    calls,
    heapUsedMiB: memory.heapUsed / MIB,
    arrayBuffersMiB: memory.arrayBuffers / MIB,
    rssMiB: memory.rss / MIB,
    storedMiB: (await storedBytes(cluster.place)) / MIB,
    logBytes: stats.operationLogBytes,
    entries: (await cluster.primaryStorage.list()).length,
    fullResyncs: stats.fullResyncs,
    partialResyncs: stats.partialResyncs,
  };
}

async function placeFor(storage: SoakStorage): Promise<Place> {
  if (storage === 'memory') return { kind: 'memory' };
  if (storage !== 'redis') return { kind: 'disk', dir: await mkdtemp(join(tmpdir(), 'nadb-soak-')) };
  const server = await startRedisServer();
  return { kind: 'redis', server, client: new Redis(server.url, { lazyConnect: false }) };
}

/** The node's storage: on Redis, database `index` (the primary's 0, each secondary's its own). */
function specOf(place: Place, storage: SoakStorage, name: string, index: number): StorageSpec {
  if (place.kind === 'memory') return { kind: 'memory' };
  if (place.kind === 'redis') return { kind: 'redis', url: `${place.server.url}/${index}` };
  return { kind: storage === 'fs' ? 'fs' : 'aof', dir: join(place.dir, name), fsync: 'batch' };
}

async function storedBytes(place: Place): Promise<number> {
  if (place.kind === 'memory') return 0;
  if (place.kind === 'disk') return bytesUnder(place.dir);
  const info = await place.client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

async function releasePlace(place: Place): Promise<void> {
  if (place.kind === 'disk') await rm(place.dir, { recursive: true, force: true });
  if (place.kind !== 'redis') return;
  place.client.disconnect();
  await place.server.stop();
}

/** A file removed between the listing and its size (an append-only file's rewrite renames one over another) counts nothing. */
async function bytesUnder(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += await stat(join(entry.parentPath, entry.name)).then((found) => found.size, () => 0);
  }
  return bytes;
}
