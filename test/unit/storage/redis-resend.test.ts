/**
 * Every write of the Redis backends run twice, as ioredis makes it: a proxy lets the command reach
 * Redis, loses its reply and cuts the connection, and ioredis sends it again on the next one
 * (autoResendUnfulfilledCommands, on by default). Each must leave what running it once leaves.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StorageFailedError } from '../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, type PersistedLogLimits } from '../../../src/core/limits.js';
import type { Operation } from '../../../src/core/operation.js';
import type { OpenedLog } from '../../../src/storage/op-log-file/log-store.js';
import { redisLogStore } from '../../../src/storage/op-log-redis/redis-log.js';
import { RedisStorage } from '../../../src/storage/redis.js';
import { del, set } from '../../support/ops.js';
import { describeWithRedis } from '../../support/redis-server.js';
import { startReplyCuttingProxy, type ReplyCuttingProxy } from '../../support/reply-cutting-proxy.js';
import { batchOf } from './op-log-file/support.js';

/** The clock of every record these tests append. */
const WRITTEN_AT_MS = 1_000;

const FAR_FUTURE_MS = 4_102_444_800_000;

describeWithRedis('Redis writes that ioredis sends again after a lost reply', (server) => {
  let prefixes = 0;
  let raw: Redis;
  let proxy: ReplyCuttingProxy;
  beforeAll(async () => {
    raw = new Redis(server().url);
    proxy = await startReplyCuttingProxy(server().port);
  });
  afterAll(async () => {
    await raw.quit();
    await proxy.close();
  });

  function openStore(keyPrefix: string, url: string, limits: Partial<PersistedLogLimits> = {}): Promise<OpenedLog> {
    return redisLogStore({ url, keyPrefix }).open({ limits: { ...DEFAULT_PERSISTED_LOG_LIMITS, ...limits }, coreLimits: DEFAULT_LIMITS, policy: 'always' });
  }

  /** A log through the proxy of history `h`, with `count` records of two operations each (1-2, 3-4, …). */
  async function proxiedLog(keyPrefix: string, count: number, limits: Partial<PersistedLogLimits> = {}): Promise<OpenedLog> {
    const opened = await openStore(keyPrefix, proxy.url, limits);
    await opened.appender.beginHistory('h', null);
    for (let index = 1; index <= count; index += 1) await opened.appender.append(index * 2 - 1, batchOf(index), WRITTEN_AT_MS);
    return opened;
  }

  /** How many times Redis has run each command (INFO commandstats), by lower-case name. */
  async function commandRuns(): Promise<Map<string, number>> {
    const stats = await raw.info('commandstats');
    return new Map([...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((match) => [match[1] as string, Number(match[2])]));
  }

  /**
   * Runs `action` with the reply to `command` (its first command when omitted) lost; returns how
   * many times Redis ran the command cut, which is 2 when ioredis sent it again.
   */
  async function runsWithReplyLost(action: () => Promise<unknown>, command?: string): Promise<number> {
    const before = await commandRuns();
    const cut = proxy.cutReplyTo(command);
    await action();
    const name = await cut;
    return ((await commandRuns()).get(name) ?? 0) - (before.get(name) ?? 0);
  }

  /** What a reopen reads of the log: its extent and the sequences of its entries. */
  async function reopened(keyPrefix: string): Promise<{ extent: OpenedLog['extent']; sequences: number[] }> {
    const opened = await openStore(keyPrefix, server().url);
    await opened.appender.close(WRITTEN_AT_MS);
    return { extent: opened.extent, sequences: opened.entries.map((entry) => entry.sequence) };
  }

  it('appends a record to the operation log once', async () => {
    const prefix = `log${++prefixes}`;
    const opened = await proxiedLog(prefix, 1);
    expect(await runsWithReplyLost(() => opened.appender.append(3, batchOf(2), WRITTEN_AT_MS))).toBe(2);
    expect(await raw.llen(`${prefix}:oplog:records`), 'two records').toBe(2);
    expect(opened.appender.segmentCount).toBe(2);
    await opened.appender.close(WRITTEN_AT_MS);
    expect(await reopened(prefix)).toMatchObject({ extent: { firstSequence: 1, lastSequence: 4 }, sequences: [1, 2, 3, 4] });
  });

  it('writes the operation log\'s clean shutdown once', async () => {
    const prefix = `log${++prefixes}`;
    const opened = await proxiedLog(prefix, 2);
    expect(await runsWithReplyLost(() => opened.appender.close(WRITTEN_AT_MS))).toBe(2);
    expect(await raw.llen(`${prefix}:oplog:records`), 'two records and CLOSED').toBe(3);
  });

  it('trims the operation log once: the records the storage may not have applied stay', async () => {
    const prefix = `log${++prefixes}`;
    // 1-2, 3-4, 5-6: past the bound by one record.
    const opened = await proxiedLog(prefix, 3, { persistedLogEntriesMax: 5 });
    expect(await runsWithReplyLost(() => opened.appender.retain(6, WRITTEN_AT_MS))).toBe(2);
    expect(await raw.llen(`${prefix}:oplog:records`), 'the two newest records').toBe(2);
    expect(await raw.hget(`${prefix}:oplog:meta`, 'firstSequence')).toBe('3');
    await opened.appender.close(WRITTEN_AT_MS);
    expect(await reopened(prefix)).toMatchObject({ extent: { firstSequence: 3, lastSequence: 6, closed: true }, sequences: [3, 4, 5, 6] });
  });

  it('refuses to trim a log whose first sequence changed under it, and trims nothing', async () => {
    for (const [changed, found] of [[async (meta: string) => raw.hset(meta, 'firstSequence', '2'), '2'], [async (meta: string) => raw.del(meta), 'none']] as const) {
      const prefix = `log${++prefixes}`;
      const opened = await proxiedLog(prefix, 3, { persistedLogEntriesMax: 5 });
      await changed(`${prefix}:oplog:meta`);
      await expect(opened.appender.retain(6, WRITTEN_AT_MS), found).rejects.toThrow(
        new StorageFailedError(`operation log: ${prefix}:oplog:meta holds first sequence ${found}, not 1: the log changed under this process`),
      );
      expect(await raw.llen(`${prefix}:oplog:records`), 'nothing trimmed').toBe(3);
      await opened.appender.close(WRITTEN_AT_MS);
    }
  });

  /** Every key under `prefix` but its instance token, with what it holds. */
  async function contentsOf(prefix: string): Promise<Record<string, unknown>> {
    const contents: Record<string, unknown> = {};
    for (const key of (await raw.keys(`${prefix}:*`)).sort()) {
      const name = key.slice(prefix.length);
      if (name === ':instance') continue;
      const type = await raw.type(key);
      contents[name] = type === 'string' ? await raw.get(key)
        : type === 'hash' ? await raw.hgetall(key)
          : type === 'set' ? (await raw.smembers(key)).sort()
            : await raw.zrange(key, '0', '-1', 'WITHSCORES');
    }
    return contents;
  }

  /** Applies the batches to a storage through the proxy, each but the first with its transaction run twice, and to one without the proxy. */
  async function appliedBothWays(batches: readonly Operation[][]): Promise<[Record<string, unknown>, Record<string, unknown>]> {
    const cutPrefix = `data${++prefixes}`;
    const plainPrefix = `data${++prefixes}`;
    const proxied = await RedisStorage.open({ url: proxy.url, keyPrefix: cutPrefix });
    const plain = await RedisStorage.open({ url: server().url, keyPrefix: plainPrefix });
    for (const [index, batch] of batches.entries()) {
      const applied = (): Promise<unknown> => proxied.apply(batch, { replicationId: 'h', sequence: index + 1 });
      if (index === 0) await applied();
      else expect(await runsWithReplyLost(applied, 'exec'), `batch ${index + 1}`).toBe(2);
      await plain.apply(batch, { replicationId: 'h', sequence: index + 1 });
    }
    await proxied.close();
    await plain.close();
    return [await contentsOf(cutPrefix), await contentsOf(plainPrefix)];
  }

  it('applies a batch as once though its transaction runs twice: every write is absolute', async () => {
    const [twice, once] = await appliedBothWays([
      [set('a', '1', { tags: ['x', 'y'] }), set('b', '2', { tags: ['x'] }), set('c', '3', { expiresAtMs: FAR_FUTURE_MS })],
      [del('a'), set('b', '4', { tags: ['y'] }), { type: 'SET_TTL', path: 'c', expiresAtMs: null }, set('d', '5', { key: 'b' })],
      [{ type: 'FLUSH', db: null, namespace: null }, set('e', '6', { tags: ['x'] })],
    ]);
    expect(twice).toEqual(once);
    expect(Object.keys(once)).toContain(':data:e');
  });

  it('installs a full resync\'s staging area once though its commit runs twice', async () => {
    const prefix = `data${++prefixes}`;
    const storage = await RedisStorage.open({ url: proxy.url, keyPrefix: prefix });
    await storage.apply([set('old', '0')], { replicationId: 'h', sequence: 1 });
    await storage.stageBegin();
    await storage.stageApply([set('a', '1'), set('b', '2')]);
    expect(await runsWithReplyLost(() => storage.stageCommit({ replicationId: 'h', sequence: 5 }), 'eval')).toBe(2);
    expect(await storage.list()).toEqual(['a', 'b']);
    await storage.close();
  });
});
