import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, onTestFinished, vi } from 'vitest';
import { ConnectionError, InvalidOperationError, StorageFailedError, StorageLostError } from '../../../src/core/errors.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS } from '../../../src/core/limits.js';
import { RedisStorage } from '../../../src/storage/redis.js';
import { commitStaged } from '../../../src/storage/redis/scripts.js';
import type { Operation } from '../../../src/core/operation.js';
import { clientIdsOf, describeWithRedis, freePort, startRedisServer } from '../../support/redis-server.js';
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

  /** The key of the contract's storage opened last: `openRedis()` numbers its prefixes. */
  function contractKey(name: string): string {
    return `t${prefixes}:${name}`;
  }

  async function keysOf(prefix: string): Promise<string[]> {
    return (await raw.keys(`${prefix}:*`)).sort();
  }

  describeStorageContract('RedisStorage', () => openRedis(), {
    comparePaths: compareUtf8,
    // The server runs with persistence off: a restart loses everything, as a container's would.
    vanishes: { 'restarted empty': () => server().restart(), flushed: async () => void (await raw.flushdb()) },
    // Keys that the contract's failing batch writes after others and that neither it nor the checks read.
    breaksApply: {
      'a tag set turned into a string': async () => void (await raw.set(contractKey('tag:late'), 'by hand')),
      'the expiry index turned into a hash': async () => {
        await raw.del(contractKey('ttl'));
        await raw.hset(contractKey('ttl'), 'by', 'hand');
      },
    },
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
    await storage.apply([set('forever', 'v', { key: 'f', db: 'd', namespace: 'n' })], null);
    expect(await raw.hget('layout:meta:d:n:f', 'expiresAtMs')).toBe('');
    await storage.apply([{ type: 'DELETE', path: 'dir/p' }, { type: 'DELETE', path: 'forever' }], { replicationId: 'h', sequence: 2 });
    expect(await keysOf('layout')).toEqual(['layout:cursor', 'layout:instance']);
    await cleanup();
  });

  it('lists by prefix up to pathsMax reading its index no further: one batch of entries, not all of them', async () => {
    const { storage, cleanup } = await openRedis();
    onTestFinished(cleanup);
    const paths = Array.from({ length: 1_000 }, (_, index) => `k/${String(index).padStart(4, '0')}`);
    await storage.apply(paths.map((path) => set(path, 'v')), null);
    await raw.config('RESETSTAT');
    expect(await storage.list('k/', 5)).toEqual(paths.slice(0, 5));
    const probes = Number(/cmdstat_hget:calls=(\d+)/.exec(await raw.info('commandstats'))?.[1]);
    // One probe per path of the one batch read from the index (128); all 1,000 before the limit.
    expect(probes).toBeLessThanOrEqual(128);
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
    // The other way round: the path that goes is not the one the HASH describes.
    await storage.apply([set('one', '1', { key: 'k' }), set('two', '2', { key: 'k' })], null);
    await storage.apply([{ type: 'DELETE', path: 'one' }], null);
    expect(await raw.hget('shared:meta:db:ns:k', 'path')).toBe('two');
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
    const lone: Operation[] = [
      set('a\ud800', 'x'),
      set('b', 'x', { tags: ['\udc00'] }),
      set('b', 'x', { key: '\udc00' }),
      set('b', 'x', { db: '\udc00' }),
      set('b', 'x', { namespace: '\udc00' }),
      { type: 'METADATA', path: 'b', tags: ['\udc00'] },
      { type: 'METADATA', path: 'b\udc00', tags: [] },
      { type: 'DELETE', path: 'b\udc00' },
      { type: 'SET_TTL', path: 'b\udc00', expiresAtMs: null },
    ];
    for (const op of lone) {
      await expect(storage.apply([set('ok', '1'), op], null), JSON.stringify(op)).rejects.toThrow(InvalidOperationError);
    }
    await expect(storage.apply([set('a\ud800', 'x')], null)).rejects.toThrow('SET refused: "a\\ud800" holds a lone surrogate');
    expect(await keysOf('surrogate')).toEqual(['surrogate:instance']);
    await storage.apply([set('\u{1F600}', 'a pair is fine')], null);
    expect(await storage.list()).toEqual(['\u{1F600}']);
    await cleanup();
  });

  it('swaps the staging area in with one script and leaves no staging keys; open discards old ones', async () => {
    const { storage, reopen, cleanup } = await openRedis('swap');
    await storage.apply([set('a', 'old', { tags: ['t'] }), set('b', 'old')], null);
    await storage.stageBegin();
    expect(await keysOf('swap:staging')).toEqual(['swap:staging:begun']);
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

  it('refuses an entry whose stored metadata is corrupt, naming its key and path', async () => {
    const { storage, cleanup } = await openRedis('corrupt');
    await storage.apply([set('a', '1')], null);
    await raw.hset('corrupt:entries', 'a', '{"key":1}');
    for (const call of [() => storage.read('a'), () => storage.metadata('a'), () => storage.apply([set('a', '2')], null)]) {
      await expect(call()).rejects.toThrow('corrupt metadata in corrupt:entries a: {"key":1}');
    }
    await cleanup();
  });

  it('says why it counts the data as lost: its token gone, or another in its place', async () => {
    const { storage, cleanup } = await openRedis('why');
    await raw.set('why:instance', 'another');
    await expect(storage.apply([set('a', '1')], null)).rejects.toThrow('Redis lost the data under why (its instance token changed: ');
    await cleanup();
    const again = await openRedis('why-gone');
    await again.storage.apply([set('a', '1')], null);
    await raw.del('why-gone:instance');
    await expect(again.storage.apply([set('a', '1')], null)).rejects.toThrow('Redis lost the data under why-gone (its instance token is gone: ');
    await again.cleanup();
  });

  it('offers its own server and key prefix as the place of its operation log; its prefix is nadb by default', async () => {
    const { storage, cleanup } = await openedFrom(() => RedisStorage.open({ url: server().url }));
    try {
      await storage.apply([set('a', '1')], null);
      expect(await raw.exists('nadb:data:a')).toBe(1);
      const log = await (storage as RedisStorage).operationLogStore.open({ limits: DEFAULT_PERSISTED_LOG_LIMITS, coreLimits: DEFAULT_LIMITS, policy: 'always' });
      await log.appender.beginHistory('h', null);
      await log.appender.close(0);
      expect(await raw.hget('nadb:oplog:meta', 'historyId')).toBe('h');
    } finally {
      await cleanup();
      await raw.del(...await raw.keys('nadb:*'));
    }
  });

  it('fails to open with a ConnectionError naming the server, on port 6379 when the URL names none', async () => {
    const consoleError = vi.spyOn(console, 'error');
    onTestFinished(() => consoleError.mockRestore());
    const port = await freePort();
    await expect(RedisStorage.open({ url: `redis://127.0.0.1:${port}` })).rejects.toThrow(ConnectionError);
    await expect(RedisStorage.open({ url: `redis://127.0.0.1:${port}` })).rejects.toMatchObject({
      host: '127.0.0.1', port, message: expect.stringMatching(new RegExp(`^cannot reach Redis: .+ \\(127\\.0\\.0\\.1:${port}\\)$`)),
    });
    // .invalid never resolves (RFC 6761).
    await expect(RedisStorage.open({ url: 'redis://nadb.invalid' })).rejects.toMatchObject({ name: 'ConnectionError', host: 'nadb.invalid', port: 6379 });
    // ioredis logs an error event no one listens to.
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('lists and scans past one round trip of the ordered index (128 paths)', async () => {
    const { storage, cleanup } = await openRedis();
    const paths = Array.from({ length: 300 }, (_, index) => `${index % 2 === 0 ? 'even' : 'odd'}/${String(index).padStart(3, '0')}`);
    await storage.apply(paths.map((path) => set(path, 'v')), null);
    const sorted = [...paths].sort(compareUtf8);
    expect(await storage.list()).toEqual(sorted);
    expect(await storage.list('odd/')).toEqual(sorted.filter((path) => path.startsWith('odd/')));
    const page = await storage.scan({ afterPath: 'even/100', entriesMax: 1_000, bytesMax: 1 << 20 });
    expect(page.entries.map((entry) => entry.path)).toEqual(sorted.filter((path) => path > 'even/100'));
    expect(page.done).toBe(true);
    await cleanup();
  });

  it('serves no entry whose data key is gone and no tag-set member whose entry lacks the tag, and a batch starts such an entry afresh', async () => {
    const { storage, cleanup } = await openRedis('stale');
    await storage.apply([set('a', '1', { tags: ['t'] }), set('b', '2', { tags: ['t'] }), set('c', '3', { tags: ['u'] })], null);
    await raw.del('stale:data:a');
    await raw.set('stale:data:orphan', 'no record');
    await raw.sadd('stale:tag:t', 'c', 'nowhere', 'orphan');
    await raw.zadd('stale:paths', 0, 'orphan');
    for (const gone of ['a', 'orphan']) {
      expect(await storage.read(gone), gone).toBeUndefined();
      expect(await storage.metadata(gone), gone).toBeUndefined();
    }
    expect(await storage.list()).toEqual(['b', 'c']);
    expect(await storage.listTagged('t')).toEqual(['b']);
    // A batch that touches it finds it absent: METADATA changes nothing, and what was left of it goes.
    await storage.apply([{ type: 'METADATA', path: 'a', tags: ['v'] }], null);
    expect(await storage.exists('a')).toBe(false);
    expect(await raw.hexists('stale:entries', 'a')).toBe(0);
    expect(await raw.exists('stale:meta:db:ns:a')).toBe(0);
    await storage.apply([set('a', 'new')], null);
    expect(await storage.metadata('a')).toMatchObject({ tags: [], sizeBytes: 3 });
    expect(await storage.listTagged('t')).toEqual(['b']);
    await cleanup();
  });

  it('fails a read or a batch with a StorageFailedError when Redis fails one of its commands', async () => {
    const { storage, cleanup } = await openRedis('wrongtype');
    await storage.apply([set('a', '1')], null);
    await storage.apply([], cursor(1));
    await raw.set('wrongtype:tag:t', 'not a set');
    const written = storage.apply([set('b', '2', { tags: ['t'] }), { type: 'DELETE', path: 'a' }], cursor(2));
    await expect(written).rejects.toThrow(StorageFailedError);
    await expect(written).rejects.toThrow('Redis failed a command: WRONGTYPE wrongtype:tag:t holds a string, not a set: nothing of the batch was written');
    expect(await keysOf('wrongtype')).toEqual(['wrongtype:cursor', 'wrongtype:data:a', 'wrongtype:entries', 'wrongtype:instance', 'wrongtype:meta:db:ns:a', 'wrongtype:paths', 'wrongtype:tag:t']);
    expect(await storage.loadCursor()).toEqual(cursor(1));
    await raw.set('wrongtype:entries', 'not a hash');
    await expect(storage.read('a')).rejects.toThrow(/^Redis failed a command: WRONGTYPE/);
    // Calls that send one command, not a pipeline: ioredis rejects with its own ReplyError.
    await raw.set('wrongtype:paths', 'not a sorted set');
    await raw.del('wrongtype:cursor');
    await raw.hset('wrongtype:cursor', 'not', 'a string');
    for (const call of [() => storage.list(), () => storage.loadCursor(), () => storage.apply([{ type: 'FLUSH', db: null, namespace: null }], null)]) {
      await expect(call()).rejects.toThrow(StorageFailedError);
    }
    await expect(storage.loadCursor()).rejects.toThrow(/^Redis failed a command: WRONGTYPE/);
    for (const call of [() => storage.read('a'), () => storage.loadCursor()]) await expect(call()).rejects.toMatchObject({ cause: { name: 'ReplyError' } });
    await cleanup();
  });

  it('writes no key for operations on a path that holds no entry', async () => {
    const { storage, cleanup } = await openRedis('nothing');
    await storage.apply([
      { type: 'METADATA', path: 'm', tags: ['t'] },
      { type: 'SET_TTL', path: 's', expiresAtMs: FAR_FUTURE_MS },
      { type: 'DELETE', path: 'd' },
    ], null);
    expect(await keysOf('nothing')).toEqual(['nothing:instance']);
    await cleanup();
  });

  it('applies a batch whose writes have more arguments than a call\'s stack holds, and a FLUSH of all it wrote', async () => {
    const { storage, cleanup } = await openRedis();
    const paths = Array.from({ length: 5_000 }, (_, index) => `many/${index}`);
    await storage.apply(paths.map((path) => set(path, 'v', { key: path })), cursor(1));
    expect(await storage.list('many/')).toHaveLength(paths.length);
    await storage.apply([{ type: 'FLUSH', db: null, namespace: null }], cursor(2));
    expect(await storage.list()).toEqual([]);
    await cleanup();
  });

  it('closes its connection when closed', async () => {
    const before = await clientIdsOf(raw);
    const { storage } = await openRedis();
    const own = [...await clientIdsOf(raw)].filter((id) => !before.has(id));
    expect(own).toHaveLength(1);
    await storage.close();
    // The server drops the connection once it reads QUIT; a leaked one waits here until the test times out.
    while ((await clientIdsOf(raw)).has(own[0] as string)) await sleep(5);
  });
});
