import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrimaryStats } from '../../src/core/primary/stats.js';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { describeIfRedis, freePort, startRedisServer } from '../support/redis-server.js';
import { finished, spawnCli } from './support/child.js';
import { captureLogs } from './support/logs.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { RedisStorage } from '../../src/storage/redis.js';
import { startPrimary, startSecondary, storageDifference, waitUntil, waitWhileProgressing } from './support/nodes.js';

/** The waits below fail on a lack of progress; this only guards against a hang. */
const HANG_TIMEOUT_MS = 600_000;
/** Writers at once: some are in flight when the primary is killed. */
const WRITERS = 4;
/** The PRIMARY_START_MS wait covers a child starting through tsx on a loaded machine. */
const PRIMARY_START_MS = 120_000;

/** Where a primary child keeps its data and log: its --storage, and the same storage opened by the test. */
interface PrimaryPlace {
  readonly spec: string;
  open(): Promise<StorageBackend>;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a primary child process on aof storage with its persisted log, killed with SIGKILL under writes', () => {
  it('restarts in the same history: the secondary resumes from the log, no full resync, no acknowledged write lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-primary-log-'));
    cleanups.push(async () => rm(dir, { recursive: true, force: true }));
    await restartUnderWrites({ spec: `aof:${dir}`, open: () => AppendOnlyStorage.open({ basePath: dir }) });
  }, HANG_TIMEOUT_MS);
});

describeIfRedis('a primary child process on Redis (appendfsync always) with its log in Redis, killed with SIGKILL under writes', () => {
  it('restarts in the same history: the secondary resumes from the log, no full resync, no acknowledged write lost', async () => {
    const server = await startRedisServer({ appendFsyncAlways: true });
    cleanups.push(async () => server.stop());
    await restartUnderWrites({ spec: server.url, open: () => RedisStorage.open({ url: server.url }) });
  }, HANG_TIMEOUT_MS);
});

async function restartUnderWrites(place: PrimaryPlace): Promise<void> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const admin = `http://127.0.0.1:${adminPort}`;
  const args = ['primary', '--listen', `127.0.0.1:${port}`, '--storage', place.spec, '--admin', `127.0.0.1:${adminPort}`, '--admin-writes', '--log-level', 'warn'];
  const startChild = async (): Promise<{ child: ChildProcess; exit: ReturnType<typeof finished> }> => {
    const child = spawnCli(args);
    const exit = finished(child);
    cleanups.push(async () => child.kill('SIGKILL'));
    await waitUntil(async () => (await statsOf(admin)) !== null, 'the primary to listen', PRIMARY_START_MS);
    return { child, exit };
  };

  const first = await startChild();
  const before = (await statsOf(admin)) as PrimaryStats;
  const secondaryStorage = new MemoryStorage();
  const secondary = await startSecondary(port, secondaryStorage, { replicaId: 's1' });
  cleanups.push(async () => secondary.close());

  const acknowledged = new Map<string, string>();
  let attempted = 0;
  let writing = true;
  const writers = Array.from({ length: WRITERS }, async () => {
    while (writing) {
      const path = `k${attempted}`;
      const value = `v${attempted}`;
      attempted += 1;
      if (await put(admin, path, value)) acknowledged.set(path, value);
    }
  });
  cleanups.push(async () => {
    writing = false;
    await Promise.all(writers);
  });

  await waitWhileProgressing(() => acknowledged.size >= 300, () => acknowledged.size, 'writes to the first primary');
  first.child.kill('SIGKILL');
  expect((await first.exit).code).toBeNull();
  const killedWith = acknowledged.size;
  const resyncsBefore = secondary.getReplicationStats();

  const second = await startChild();
  const after = (await statsOf(admin)) as PrimaryStats;
  expect(after.replicationId).toBe(before.replicationId);
  expect(after.sequenceNumber).toBeGreaterThanOrEqual(killedWith);
  await waitWhileProgressing(() => acknowledged.size >= killedWith + 200, () => acknowledged.size, 'writes to the restarted primary');
  writing = false;
  await Promise.all(writers);

  const last = ((await statsOf(admin)) as PrimaryStats).sequenceNumber;
  const held = (): number => secondary.getReplicationStats().sequenceNumber;
  await waitWhileProgressing(() => held() === last, held, 'the secondary to catch up with the restarted primary');
  const stats = secondary.getReplicationStats();
  expect(stats.replicationId).toBe(before.replicationId);
  expect(stats.fullResyncs).toBe(resyncsBefore.fullResyncs);
  expect(stats.partialResyncs).toBeGreaterThan(resyncsBefore.partialResyncs);
  for (const [path, value] of acknowledged) expect(new TextDecoder().decode((await secondaryStorage.read(path))?.value), path).toBe(value);

  second.child.kill('SIGTERM');
  expect((await second.exit).code).toBe(0);
  // The log's replay and the storage agree with what the secondary holds: one state, one history.
  const primaryStorage = await place.open();
  cleanups.push(async () => primaryStorage.close());
  expect(await storageDifference(primaryStorage, secondaryStorage)).toBeNull();
  expect(await primaryStorage.loadCursor()).toEqual({ replicationId: before.replicationId, sequence: last });
}

/**
 * Two primaries in turn on the same storage, through the library: the second continues the
 * first's history, and its log line names `where` it recovered the log from.
 */
async function expectHistoryContinued(open: () => Promise<StorageBackend>, where: string): Promise<void> {
  const first = await startPrimary(await open());
  await first.writeData('a', '1');
  const { replicationId } = first.getReplicationStats();
  await first.close();
  const logs = captureLogs();
  const again = await startPrimary(await open(), { logger: logs.logger });
  expect(again.getReplicationStats()).toMatchObject({ replicationId, sequenceNumber: 1, operationLogSize: 1 });
  expect(logs.records().filter((record) => record.event === 'operationLogRecovered')).toMatchObject([{ where, plan: 'continue' }]);
  await again.close();
}

describeIfRedis('a primary on the library API on RedisStorage', () => {
  // The chaos lab's kill-primary-redis found it off by default here (a new history, full resyncs), while nadb-repl had it on.
  it('keeps its log in Redis by default, and continues its history after close and start', async () => {
    const server = await startRedisServer({ appendFsyncAlways: true });
    cleanups.push(async () => server.stop());
    await expectHistoryContinued(() => RedisStorage.open({ url: server.url }), `${server.url} nadb:oplog:*`);
  });
});

describe('a primary on the library API', () => {
  it('keeps its log beside FileSystemStorage by default, and continues its history after close and start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-primary-log-'));
    try {
      await expectHistoryContinued(() => FileSystemStorage.open({ basePath: dir }), join(dir, '.nadb', 'oplog'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an operation log without a directory on storage that has no place for one', async () => {
    await expect(startPrimary(new MemoryStorage(), { operationLog: {} })).rejects.toThrow(/operationLog has no dir/);
    // Memory storage keeps its log in memory: a restart on the same storage is a new history.
    const storage = new MemoryStorage();
    const memory = await startPrimary(storage, {}, { keepBackendOpen: true });
    await memory.writeData('a', '1');
    await memory.close();
    const again = await startPrimary(storage, {}, { keepBackendOpen: true });
    expect(again.getReplicationStats().replicationId).not.toBe(memory.getReplicationStats().replicationId);
    await again.close();
  });
});

async function statsOf(admin: string): Promise<PrimaryStats | null> {
  try {
    const response = await fetch(`${admin}/stats`);
    return response.ok ? ((await response.json()) as PrimaryStats) : null;
  } catch {
    return null;
  }
}

/** True once the primary answered that the write is applied; false when it failed or the primary is down. */
async function put(admin: string, path: string, value: string): Promise<boolean> {
  try {
    const response = await fetch(`${admin}/data/${encodeURIComponent(path)}`, { method: 'PUT', body: value });
    await response.arrayBuffer();
    return response.status === 204;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return false;
  }
}
