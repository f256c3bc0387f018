import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectionError, InvalidOperationError, StorageLostError } from '../../../src/core/errors.js';
import { RedisStorage } from '../../../src/storage/redis.js';
import { commitStaged } from '../../../src/storage/redis/scripts.js';
import { describeWithRedis, freePort, startRedisServer } from '../../support/redis-server.js';
import { set, text } from '../../support/ops.js';
import { describeStorageContract, openedFrom, type OpenedStorage } from './contract.js';

/** Redis' lex order: the bytes of UTF-8. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const FAR_FUTURE_MS = 4_102_444_800_000;

function cursor(sequence: number): { replicationId: string; sequence: number } {
  return { replicationId: 'h', sequence };
}

/** The ids of the clients, other than `ownId`, blocked inside a MULTI (flags x and b in CLIENT LIST). */
function clientsBlockedInMulti(list: unknown, ownId: number): number[] {
  return String(list)
    .split('\n')
    .filter((line) => line.includes(' flags=xb '))
    .map((line) => Number(/\bid=(\d+)/.exec(line)?.[1]))
    .filter((id) => id !== ownId);
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(5);
}

async function waitUntilPast(timeMs: number): Promise<void> {
  while (Date.now() <= timeMs) await sleep(timeMs + 1 - Date.now());
}

describeWithRedis('RedisStorage', (server) => {
  let prefixes = 0;
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(server().url);
    // The contract restarts the server: the reconnection is ioredis' to make, not an error.
    raw.on('error', () => undefined);
  });
  afterAll(async () => {
    await raw.quit();
  });

  /** Each test has its own key prefix on the one server. */
  function openRedis(keyPrefix = `t${++prefixes}`): Promise<OpenedStorage> {
    return openedFrom(() => RedisStorage.open({ url: server().url, keyPrefix }));
  }

  async function keysOf(prefix: string): Promise<string[]> {
    return (await raw.keys(`${prefix}:*`)).sort();
  }

  describeStorageContract('RedisStorage', () => openRedis(), {
    comparePaths: compareUtf8,
    // The server runs with persistence off: a restart loses everything, as a container's would.
    vanishes: { 'restarted empty': () => server().restart(), flushed: async () => void (await raw.flushdb()) },
  });

  it('keeps the original key layout, and a DELETE removes every key of the entry', async () => {
    const { storage, cleanup } = await openRedis('layout');
    await storage.apply([set('dir/p', 'value', { key: 'k', db: 'd', namespace: 'n', tags: ['t1'], expiresAtMs: FAR_FUTURE_MS })], null);
    expect(await raw.get('layout:data:dir/p')).toBe('value');
    // -1: no Redis TTL. Only the primary expires entries.
    expect(await raw.pexpiretime('layout:data:dir/p')).toBe(-1);
    expect(await raw.hgetall('layout:meta:d:n:k')).toEqual({
      path: 'dir/p', key: 'k', db: 'd', namespace: 'n', tags: '["t1"]', expiresAtMs: String(FAR_FUTURE_MS),
    });
    expect(await raw.smembers('layout:tag:t1')).toEqual(['dir/p']);
    expect(await raw.zscore('layout:ttl', 'dir/p')).toBe(String(FAR_FUTURE_MS));
    expect(await raw.zscore('layout:paths', 'dir/p')).toBe('0');
    expect(JSON.parse((await raw.hget('layout:entries', 'dir/p')) ?? 'null')).toEqual({
      key: 'k', db: 'd', namespace: 'n', tags: ['t1'], expiresAtMs: FAR_FUTURE_MS,
    });
    await storage.apply([{ type: 'DELETE', path: 'dir/p' }], { replicationId: 'h', sequence: 2 });
    expect(await keysOf('layout')).toEqual(['layout:cursor', 'layout:instance']);
    await cleanup();
  });

  it('round-trips two paths that share db, namespace and key; the original HASH follows the last SET', async () => {
    const { storage, cleanup } = await openRedis('shared');
    await storage.apply([set('one', '1', { key: 'k', tags: ['a'] }), set('two', '2', { key: 'k', tags: ['b'] })], null);
    expect(await raw.hget('shared:meta:db:ns:k', 'path')).toBe('two');
    expect(await storage.metadata('one')).toMatchObject({ key: 'k', tags: ['a'] });
    expect(await storage.metadata('two')).toMatchObject({ key: 'k', tags: ['b'] });
    await storage.apply([{ type: 'DELETE', path: 'two' }], null);
    expect(await raw.exists('shared:meta:db:ns:k')).toBe(0);
    expect(text((await storage.read('one'))?.value)).toBe('1');
    await storage.apply([{ type: 'DELETE', path: 'one' }], null);
    expect(await keysOf('shared')).toEqual(['shared:instance']);
    await cleanup();
  });

  it('keeps an entry past its expiry, so that a SET_TTL applied late extends it (issue 7)', async () => {
    const { storage, cleanup } = await openRedis('late-ttl');
    const expiresAtMs = Date.now() + 20;
    await storage.apply([set('k', 'v', { tags: ['t'], expiresAtMs })], cursor(1));
    await waitUntilPast(expiresAtMs);
    expect(await raw.exists('late-ttl:data:k')).toBe(1);
    expect(await storage.metadata('k')).toMatchObject({ expiresAtMs, sizeBytes: 1 });
    await storage.apply([{ type: 'SET_TTL', path: 'k', expiresAtMs: null }], cursor(2));
    expect(await storage.metadata('k')).toMatchObject({ expiresAtMs: null, tags: ['t'] });
    expect(text((await storage.read('k'))?.value)).toBe('v');
    expect(await storage.listTagged('t')).toEqual(['k']);
    await cleanup();
  });

  it('removes on open the Redis TTLs that earlier versions gave data keys', async () => {
    const { storage, reopen, cleanup } = await openRedis('legacy');
    await storage.apply([set('k', 'v', { expiresAtMs: FAR_FUTURE_MS }), set('j', 'w')], null);
    await raw.pexpireat('legacy:data:k', FAR_FUTURE_MS);
    await storage.close();
    await reopen?.();
    expect(await raw.pexpiretime('legacy:data:k')).toBe(-1);
    await cleanup();
  });

  it('refuses to open on a server that may evict keys without a TTL', async () => {
    await raw.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(RedisStorage.open({ url: server().url, keyPrefix: 'evicting' })).rejects.toThrow(/maxmemory-policy is allkeys-lru/);
    } finally {
      await raw.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('refuses names that UTF-8 keys cannot hold, applying nothing of the batch', async () => {
    const { storage, cleanup } = await openRedis('surrogate');
    for (const batch of [[set('ok', '1'), set('a\ud800', 'x')], [set('ok', '1'), set('b', 'x', { tags: ['\udc00'] })]]) {
      await expect(storage.apply(batch, null)).rejects.toThrow(InvalidOperationError);
    }
    expect(await keysOf('surrogate')).toEqual(['surrogate:instance']);
    await storage.apply([set('\u{1F600}', 'a pair is fine')], null);
    expect(await storage.list()).toEqual(['\u{1F600}']);
    await cleanup();
  });

  it('swaps the staging area in with one script and leaves no staging keys; open discards old ones', async () => {
    const { storage, reopen, cleanup } = await openRedis('swap');
    await storage.apply([set('a', 'old', { tags: ['t'] }), set('b', 'old')], null);
    await storage.stageBegin();
    await storage.stageApply([set('b', 'new', { tags: ['u'] })]);
    expect(await keysOf('swap:staging')).not.toEqual([]);
    await storage.stageCommit({ replicationId: 'h', sequence: 5 });
    expect(await keysOf('swap')).toEqual(['swap:cursor', 'swap:data:b', 'swap:entries', 'swap:instance', 'swap:meta:db:ns:b', 'swap:paths', 'swap:tag:u']);
    await storage.stageBegin();
    await storage.stageApply([set('c', 'staged')]);
    await (await reopen?.())?.loadCursor();
    expect(await keysOf('swap:staging')).toEqual([]);
    await cleanup();
  });

  it('is durable only when the server logs with appendfsync always, for apply and stageCommit alike', async () => {
    const answers = async (): Promise<Array<{ durable: boolean }>> => {
      const { storage, cleanup } = await openRedis();
      try {
        const applied = await storage.apply([set('a', '1')], null);
        await storage.stageBegin();
        return [applied, await storage.stageCommit(cursor(1))];
      } finally {
        await cleanup();
      }
    };
    const notDurable = [{ durable: false }, { durable: false }];
    try {
      await raw.config('SET', 'appendonly', 'no', 'appendfsync', 'always');
      expect(await answers(), 'appendonly no').toEqual(notDurable);
      await raw.config('SET', 'appendonly', 'yes', 'appendfsync', 'everysec');
      expect(await answers(), 'appendfsync everysec').toEqual(notDurable);
      await raw.config('SET', 'appendfsync', 'always');
      expect(await answers(), 'appendfsync always').toEqual([{ durable: true }, { durable: true }]);
    } finally {
      await raw.config('SET', 'appendonly', 'no', 'appendfsync', 'everysec');
    }
  });

  it('notices a restart that lost the data from a read, with no write since: the connection closed', async () => {
    const { storage, cleanup } = await openRedis();
    await storage.apply([set('a', '1')], cursor(1));
    await server().restart();
    await expect(storage.read('a')).rejects.toThrow(StorageLostError);
    await cleanup();
  });

  it('serves on after a restart that kept the data (appendonly): the token is still there', async () => {
    const persistent = await startRedisServer({ appendFsyncAlways: true });
    try {
      const { storage, cleanup } = await openedFrom(() => RedisStorage.open({ url: persistent.url }));
      await storage.apply([set('a', '1')], cursor(1));
      await persistent.restart();
      expect(text((await storage.read('a'))?.value)).toBe('1');
      await storage.apply([set('b', '2')], cursor(2));
      expect(await storage.loadCursor()).toEqual(cursor(2));
      await cleanup();
    } finally {
      await persistent.stop();
    }
  });

  it('installs a staging area once, though its commit script runs again (ioredis resends one whose reply a closed connection lost)', async () => {
    const { storage, cleanup } = await openRedis('twice');
    await storage.apply([set('old', '0')], cursor(1));
    await storage.stageBegin();
    await storage.stageApply([set('a', '1'), set('b', '2')]);
    await storage.stageCommit(cursor(5));
    await commitStaged(raw, 'twice', 'twice:staging', cursor(5));
    expect(await storage.list()).toEqual(['a', 'b']);
    expect(await storage.loadCursor()).toEqual(cursor(5));
    await cleanup();
  });

  it('runs a batch again when its connection closed under its transaction, instead of failing the storage', async () => {
    const { storage, cleanup } = await openRedis();
    const id = Number(await raw.client('ID'));
    // Writes wait while paused: the batch's reads pass, its MULTI blocks at its first write until its connection is killed.
    await raw.client('PAUSE', 10_000, 'WRITE');
    const applied = storage.apply([set('a', '1'), set('b', '2')], cursor(1));
    await waitFor(async () => clientsBlockedInMulti(await raw.client('LIST'), id).length === 1);
    const [victim] = clientsBlockedInMulti(await raw.client('LIST'), id);
    await raw.client('KILL', 'ID', String(victim));
    await raw.client('UNPAUSE');
    await expect(applied).resolves.toMatchObject({ durable: false });
    expect(await storage.list()).toEqual(['a', 'b']);
    expect(await storage.loadCursor()).toEqual(cursor(1));
    await cleanup();
  });

  it('fails to open with a ConnectionError when nothing listens', async () => {
    const port = await freePort();
    await expect(RedisStorage.open({ url: `redis://127.0.0.1:${port}` })).rejects.toThrow(ConnectionError);
  });
});
