import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { ConnectionError, LogCorruptError, StorageFailedError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, type PersistedLogLimits } from '../../../../src/core/limits.js';
import { MemoryStorage } from '../../../../src/storage/memory.js';
import type { OpenedLog } from '../../../../src/storage/op-log-file/log-store.js';
import { LoggedStorage } from '../../../../src/storage/op-log-file/logged-storage.js';
import { redisLogPolicy, redisLogStore } from '../../../../src/storage/op-log-redis/redis-log.js';
import { clientIdsOf, describeIfRedis, describeWithRedis, freePort, startRedisServer } from '../../../support/redis-server.js';
import { batchOf, writeBatches } from '../op-log-file/support.js';

/** The clock of every record these tests append. */
const WRITTEN_AT_MS = 1_000;

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
    return LoggedStorage.open(base, { store: redisLogStore({ url: server().url, keyPrefix }), fsync: 'always', limits, nowMs: () => WRITTEN_AT_MS });
  }

  /** The store itself, without a LoggedStorage: what it read at open, and its appender. */
  function openStore(keyPrefix: string | undefined, limits: Partial<PersistedLogLimits> = {}): Promise<OpenedLog> {
    const store = redisLogStore({ url: server().url, keyPrefix });
    return store.open({ limits: { ...DEFAULT_PERSISTED_LOG_LIMITS, ...limits }, coreLimits: DEFAULT_LIMITS, policy: 'always' });
  }

  /** A history `h` from no base, with `count` records of two operations each (sequences 1-2, 3-4, …). */
  async function openWithRecords(keyPrefix: string, count: number, limits: Partial<PersistedLogLimits> = {}): Promise<OpenedLog> {
    const opened = await openStore(keyPrefix, limits);
    await opened.appender.beginHistory('h', null);
    for (let index = 1; index <= count; index += 1) await opened.appender.append(index * 2 - 1, batchOf(index), WRITTEN_AT_MS);
    return opened;
  }

  async function recordsOf(keyPrefix: string): Promise<Buffer[]> {
    return raw.lrangeBuffer(`${keyPrefix}:oplog:records`, 0, -1);
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
    await expect(open(new MemoryStorage(), prefix)).rejects.toThrow(`corrupt record at ${prefix}:oplog:records[2]: a CRC-32 mismatch`);
  });

  it('takes appendonly and appendfsync as its policy: always, everysec, or no', async () => {
    const cases = [['no', 'always', 'no'], ['yes', 'everysec', 'everysec'], ['yes', 'always', 'always'], ['yes', 'no', 'no']] as const;
    try {
      for (const [appendonly, appendfsync, policy] of cases) {
        await raw.config('SET', 'appendonly', appendonly, 'appendfsync', appendfsync);
        expect(await redisLogPolicy(raw), `appendonly ${appendonly}, appendfsync ${appendfsync}`).toBe(policy);
      }
      const opened = await openStore(`p${++prefixes}`);
      expect(opened.policy).toBe('no');
      await opened.appender.close(WRITTEN_AT_MS);
    } finally {
      await raw.config('SET', 'appendonly', 'no', 'appendfsync', 'everysec');
    }
  });

  it('fails to open with a ConnectionError that names the operation log when nothing listens', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(redisLogStore({ url }).open({ limits: DEFAULT_PERSISTED_LOG_LIMITS, coreLimits: DEFAULT_LIMITS, policy: 'always' }))
      .rejects.toThrow(ConnectionError);
    await expect(redisLogStore({ url }).open({ limits: DEFAULT_PERSISTED_LOG_LIMITS, coreLimits: DEFAULT_LIMITS, policy: 'always' }))
      .rejects.toThrow(/^cannot reach Redis for the operation log: /);
  });

  it('keeps its keys under the storage\'s default prefix, nadb, when given none', async () => {
    const opened = await openStore(undefined);
    try {
      await opened.appender.beginHistory('default', null);
      expect(await raw.hget('nadb:oplog:meta', 'historyId')).toBe('default');
    } finally {
      await opened.appender.close(WRITTEN_AT_MS);
      await raw.del('nadb:oplog:meta', 'nadb:oplog:records');
    }
  });

  it('reads back what it wrote: no history on a new prefix, then the history, its base, its extent and whether it was closed', async () => {
    const prefix = `p${++prefixes}`;
    const fresh = await openStore(prefix);
    expect(fresh).toMatchObject({ extent: null, entries: [], cutBytes: 0 });
    expect([fresh.appender.historyId, fresh.appender.segmentCount, fresh.appender.bytes]).toEqual([null, 0, 0]);
    const base = { replicationId: 'h1', sequence: 4, epoch: 2 };
    await fresh.appender.beginHistory('h2', base);
    // Begun, nothing appended, not closed: a crash right after a new history began.
    const crashed = await openStore(prefix);
    expect(crashed.extent).toEqual({ historyId: 'h2', base, firstSequence: 1, lastSequence: 0, closed: false });
    await fresh.appender.append(1, batchOf(1), WRITTEN_AT_MS);
    await fresh.appender.close(WRITTEN_AT_MS);
    const closed = await openStore(prefix);
    expect(closed.extent).toEqual({ historyId: 'h2', base, firstSequence: 1, lastSequence: 2, closed: true });
    expect(closed.entries.map((entry) => [entry.sequence, entry.op])).toEqual(batchOf(1).map((op, index) => [index + 1, op]));
    expect(closed.appender.historyId).toBe('h2');
    await raw.hdel(`${prefix}:oplog:meta`, 'base');
    const baseless = await openStore(prefix);
    expect(baseless.extent?.base, 'a meta without a base').toBeNull();
    for (const opened of [crashed, closed, baseless]) await opened.appender.close(WRITTEN_AT_MS);
  });

  it('counts its records and their bytes, and counts them again the same after a reopen', async () => {
    const prefix = `p${++prefixes}`;
    const opened = await openWithRecords(prefix, 3);
    const bytesOf = (records: Buffer[]): number => records.reduce((total, record) => total + record.length, 0);
    expect([opened.appender.segmentCount, opened.appender.bytes]).toEqual([3, bytesOf(await recordsOf(prefix))]);
    await opened.appender.close(WRITTEN_AT_MS);
    const again = await openStore(prefix);
    expect([again.appender.segmentCount, again.appender.bytes]).toEqual([4, bytesOf(await recordsOf(prefix))]);
    await again.appender.close(WRITTEN_AT_MS);
  });

  it('refuses a meta without a history id or a first sequence of 1 or more', async () => {
    for (const [field, value] of [['historyId', ''], ['firstSequence', '0'], ['firstSequence', 'x'], ['firstSequence', '1.5']] as const) {
      const prefix = `p${++prefixes}`;
      const opened = await openStore(prefix);
      await opened.appender.beginHistory('h', null);
      await raw.hset(`${prefix}:oplog:meta`, field, value);
      await expect(openStore(prefix), `${field} ${JSON.stringify(value)}`).rejects.toThrow(`${prefix}:oplog:meta holds no history id and first sequence`);
      await opened.appender.close(WRITTEN_AT_MS);
    }
  });

  it('refuses records that are not one whole record each, a gap in the sequences, and a clean shutdown that is not at the end', async () => {
    // Records of the history: 1-2, 3-4, 5-6 and CLOSED at 6.
    const damages: Array<[string, (records: string, second: Buffer, third: Buffer) => Promise<unknown>, string]> = [
      ['bytes after a record', (records, second) => raw.lset(records, 1, Buffer.concat([second, Buffer.from([0])])), '{records}[1]: not one whole record'],
      ['a record cut short', (records, second) => raw.lset(records, 1, second.subarray(0, second.length - 1)), '{records}[1]: not one whole record'],
      ['a record gone', (records, second) => raw.lrem(records, 1, second), '{records}[1]: sequence 5 follows 2'],
      ['the last operations gone', (records, _second, third) => raw.lrem(records, 1, third), '{records}[2]: a clean shutdown at sequence 6, after 4'],
    ];
    for (const [what, damage, message] of damages) {
      const prefix = `p${++prefixes}`;
      const records = `${prefix}:oplog:records`;
      const opened = await openWithRecords(prefix, 3);
      await opened.appender.close(WRITTEN_AT_MS);
      const [, second, third] = await recordsOf(prefix);
      if (second === undefined || third === undefined) throw new Error('three records were appended');
      await damage(records, second, third);
      await expect(openStore(prefix), what).rejects.toThrow(LogCorruptError);
      await expect(openStore(prefix), what).rejects.toThrow(message.replace('{records}', records));
    }
  });

  /** Records left and the meta's first sequence after one retain(applied) of a log of three records (1-2, 3-4, 5-6). */
  async function retained(limits: Partial<PersistedLogLimits>, appliedSequence: number, nowMs = WRITTEN_AT_MS): Promise<[number, string | null]> {
    const prefix = `p${++prefixes}`;
    const opened = await openWithRecords(prefix, 3, limits);
    await opened.appender.retain(appliedSequence, nowMs);
    const left = opened.appender.segmentCount;
    expect(await raw.llen(`${prefix}:oplog:records`), 'the list and the count agree').toBe(left);
    await opened.appender.close(WRITTEN_AT_MS);
    return [left, await raw.hget(`${prefix}:oplog:meta`, 'firstSequence')];
  }

  it('trims the oldest records while it holds more entries than the bound, from the first sequence', async () => {
    expect(await retained({ persistedLogEntriesMax: 6 }, 6), 'at the bound').toEqual([3, '1']);
    expect(await retained({ persistedLogEntriesMax: 5 }, 6), 'one past it').toEqual([2, '3']);
    expect(await retained({ persistedLogEntriesMax: 1 }, 6), 'the newest stays').toEqual([1, '5']);
    expect(await retained({ persistedLogEntriesMax: 1 }, 2), 'none the storage has not applied goes').toEqual([2, '3']);
    expect(await retained({ persistedLogEntriesMax: 1 }, 1), 'a record half applied stays').toEqual([3, '1']);
  });

  it('trims the oldest records while it holds more bytes than the bound, or older ones than the age bound', async () => {
    const one = await openWithRecords(`p${++prefixes}`, 1);
    const recordBytes = one.appender.bytes;
    await one.appender.close(WRITTEN_AT_MS);
    expect(await retained({ persistedLogBytesMax: 3 * recordBytes }, 6), 'at the bound').toEqual([3, '1']);
    expect(await retained({ persistedLogBytesMax: 3 * recordBytes - 1 }, 6), 'a byte past it').toEqual([2, '3']);
    const ageMaxMs = 500;
    expect(await retained({ persistedLogAgeMsMax: ageMaxMs }, 6, WRITTEN_AT_MS + ageMaxMs), 'at the age bound').toEqual([3, '1']);
    expect(await retained({ persistedLogAgeMsMax: ageMaxMs }, 6, WRITTEN_AT_MS + ageMaxMs + 1), 'past it').toEqual([1, '5']);
  });

  it('counts entries from the first sequence it reopened with', async () => {
    const prefix = `p${++prefixes}`;
    const opened = await openWithRecords(prefix, 3, { persistedLogEntriesMax: 5 });
    await opened.appender.retain(6, WRITTEN_AT_MS);
    await opened.appender.close(WRITTEN_AT_MS);
    // 3-4, 5-6 and CLOSED: four entries, at the bound.
    const again = await openStore(prefix, { persistedLogEntriesMax: 4 });
    await again.appender.retain(6, WRITTEN_AT_MS);
    expect(await raw.llen(`${prefix}:oplog:records`)).toBe(3);
    await again.appender.close(WRITTEN_AT_MS);
  });

  it('refuses with a StorageFailedError when a command of its trim fails', async () => {
    const prefix = `p${++prefixes}`;
    const opened = await openWithRecords(prefix, 3, { persistedLogEntriesMax: 1 });
    await raw.set(`${prefix}:oplog:meta`, 'not a hash');
    await expect(opened.appender.retain(6, WRITTEN_AT_MS)).rejects.toThrow(StorageFailedError);
    await expect(opened.appender.retain(6, WRITTEN_AT_MS)).rejects.toThrow(/^operation log: WRONGTYPE/);
    await opened.appender.close(WRITTEN_AT_MS);
  });

  it('refuses with a StorageFailedError when a command fails outside a transaction, and counts no record it did not write', async () => {
    const prefix = `p${++prefixes}`;
    const opened = await openWithRecords(prefix, 1);
    const counted = [opened.appender.segmentCount, opened.appender.bytes];
    await raw.del(`${prefix}:oplog:records`);
    await raw.set(`${prefix}:oplog:records`, 'not a list');
    const appended = opened.appender.append(3, batchOf(2), WRITTEN_AT_MS);
    await expect(appended).rejects.toThrow(StorageFailedError);
    await expect(appended).rejects.toThrow(/^operation log: WRONGTYPE/);
    expect([opened.appender.segmentCount, opened.appender.bytes], 'still the one record written').toEqual(counted);
    await expect(opened.appender.close(WRITTEN_AT_MS)).rejects.toThrow(/^operation log: WRONGTYPE/);
    await expect(openStore(prefix)).rejects.toThrow(StorageFailedError);
    await raw.set(`${prefix}:oplog:meta`, 'not a hash');
    await expect(openStore(prefix)).rejects.toThrow(/^operation log: WRONGTYPE/);
  });

  it('refuses, as a bug, an append or a continuation that does not follow its last sequence', async () => {
    const opened = await openWithRecords(`p${++prefixes}`, 1);
    await expect(opened.appender.append(4, batchOf(2), WRITTEN_AT_MS)).rejects.toThrow(new AssertionError('log append out of order: 4 after 2'));
    await expect(opened.appender.continueFrom(2)).rejects.toThrow(new AssertionError('the log continues from 3, not 2'));
    await opened.appender.continueFrom(3);
    await opened.appender.close(WRITTEN_AT_MS);
  });

  it('closes its connection, and writes no CLOSED record without a history', async () => {
    const prefix = `p${++prefixes}`;
    const before = await clientIdsOf(raw);
    const opened = await openStore(prefix);
    const own = [...await clientIdsOf(raw)].filter((id) => !before.has(id));
    expect(own).toHaveLength(1);
    await opened.appender.close(WRITTEN_AT_MS);
    expect(await raw.exists(`${prefix}:oplog:records`, `${prefix}:oplog:meta`)).toBe(0);
    // The server drops the connection once it reads the close; a leaked one waits here until the test times out.
    while ((await clientIdsOf(raw)).has(own[0] as string)) await sleep(5);
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

it('names where it is, for the log line of its recovery: the server, db and keys, without the URL\'s user or password', () => {
  expect(redisLogStore({ url: 'redis://user:secret@cache.example:7000/3', keyPrefix: 'app' }).where).toBe('redis://cache.example:7000/3 app:oplog:*');
  expect(redisLogStore({ url: 'rediss://:secret@cache.example' }).where).toBe('rediss://cache.example:6379 nadb:oplog:*');
  expect(redisLogStore({ url: 'redis://cache.example:7000/' }).where).toBe('redis://cache.example:7000 nadb:oplog:*');
});

describeIfRedis('the operation log in a Redis whose CONFIG is renamed, as on many managed servers', () => {
  it('opens, claiming no durability: its policy is no', async () => {
    const server = await startRedisServer({ extraArgs: ['--rename-command', 'CONFIG', 'NADB_HIDDEN_CONFIG'] });
    try {
      const opened = await redisLogStore({ url: server.url }).open({ limits: DEFAULT_PERSISTED_LOG_LIMITS, coreLimits: DEFAULT_LIMITS, policy: 'always' });
      expect(opened.policy).toBe('no');
      await opened.appender.close(WRITTEN_AT_MS);
    } finally {
      await server.stop();
    }
  });
});
