import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LogCorruptError } from '../../../../src/core/errors.js';
import { MemoryStorage } from '../../../../src/storage/memory.js';
import { LoggedStorage } from '../../../../src/storage/op-log-file/logged-storage.js';
import { redisLogStore } from '../../../../src/storage/op-log-redis/redis-log.js';
import { describeIfRedis, describeWithRedis, startRedisServer } from '../../../support/redis-server.js';
import { batchOf, writeBatches } from '../op-log-file/support.js';

describeWithRedis('the operation log in Redis', (server) => {
  let prefixes = 0;
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(server().url);
  });
  afterAll(async () => {
    await raw.quit();
  });

  function open(base: MemoryStorage, keyPrefix: string, limits = {}): Promise<LoggedStorage> {
    return LoggedStorage.open(base, { store: redisLogStore({ url: server().url, keyPrefix }), fsync: 'always', limits, nowMs: () => 1_000 });
  }

  it('keeps the history in a list per prefix, and continues it after a clean shutdown', async () => {
    const prefix = `p${++prefixes}`;
    const base = new MemoryStorage();
    const first = await open(base, prefix);
    await writeBatches(first, 'h1', 3);
    await first.closeLog();
    expect(await raw.llen(`${prefix}:oplog:records`)).toBe(4); // three batches and CLOSED
    const again = await open(base, prefix);
    expect(again.history).toMatchObject({ replicationId: 'h1', lastSequence: 6 });
    expect(again.history?.entries[5]?.op).toEqual(batchOf(3)[1]);
    await again.closeLog();
  });

  it('takes its policy from the server: without appendfsync always, a restart without a clean shutdown is a new history', async () => {
    const prefix = `p${++prefixes}`;
    const base = new MemoryStorage();
    const crashed = await open(base, prefix);
    await writeBatches(crashed, 'h1', 2);
    const recovered = await open(base, prefix);
    expect(recovered.recovery.plan.kind).toBe('newHistory');
    await writeBatches(recovered, 'h2', 1);
    expect(await raw.hget(`${prefix}:oplog:meta`, 'historyId')).toBe('h2');
    expect(await raw.hget(`${prefix}:oplog:meta`, 'base')).toBe(JSON.stringify({ replicationId: 'h1', sequence: 4 }));
    await crashed.closeLog();
    await recovered.closeLog();
  });

  it('replays what the storage lacks, and trims the oldest records past the bounds', async () => {
    const prefix = `p${++prefixes}`;
    const logged = await open(new MemoryStorage(), prefix, { persistedLogEntriesMax: 6 });
    await writeBatches(logged, 'h1', 10);
    expect(logged.logSegments).toBeLessThanOrEqual(4);
    await logged.closeLog();
    expect(Number(await raw.hget(`${prefix}:oplog:meta`, 'firstSequence'))).toBeGreaterThan(1);
    const storage = new MemoryStorage();
    await writeBatches(storage, 'h1', 8);
    const recovered = await open(storage, prefix, { persistedLogEntriesMax: 6 });
    expect(recovered.recovery).toMatchObject({ plan: { kind: 'continue' }, replayed: 4 });
    expect(await storage.loadCursor()).toEqual({ replicationId: 'h1', sequence: 20 });
    await recovered.closeLog();
  });

  it('refuses a damaged record with a typed error, wherever it is', async () => {
    const prefix = `p${++prefixes}`;
    const logged = await open(new MemoryStorage(), prefix);
    await writeBatches(logged, 'h1', 3);
    await logged.closeLog();
    const record = await raw.lindexBuffer(`${prefix}:oplog:records`, 2);
    if (record === null) throw new Error('no record');
    record[record.length - 1] = (record[record.length - 1] as number) ^ 0xff;
    await raw.lset(`${prefix}:oplog:records`, 2, record);
    await expect(open(new MemoryStorage(), prefix)).rejects.toThrow(LogCorruptError);
  });
});

describeIfRedis('the operation log in a Redis with appendfsync always', () => {
  it('continues the history after a crash of the primary, as files with always do', async () => {
    const server = await startRedisServer({ appendFsyncAlways: true });
    try {
      const base = new MemoryStorage();
      const open = (): Promise<LoggedStorage> => LoggedStorage.open(base, { store: redisLogStore({ url: server.url }), fsync: 'no' });
      const crashed = await open();
      await writeBatches(crashed, 'h1', 2);
      await server.restart();
      const recovered = await open();
      expect(recovered.recovery.plan).toEqual({ kind: 'continue', replayFrom: 5 });
      await recovered.closeLog();
      await crashed.closeLog().catch(() => undefined);
    } finally {
      await server.stop();
    }
  });
});
