/**
 * Redis key layout, with P the key prefix (default `nadb`); the first four are the original's:
 *
 *   P:data:{path}                    STRING  the value (never with a Redis TTL)
 *   P:meta:{db}:{namespace}:{key}    HASH    path, key, db, namespace, tags (JSON array), expiresAtMs
 *                                            ('' for none) of the entry last SET with this db,
 *                                            namespace and key, while it stands
 *   P:tag:{tag}                      SET     the paths of the entries holding this tag
 *   P:ttl                            ZSET    path → expiresAtMs, for the entries that expire
 *   P:paths                          ZSET    every path with score 0: the ordered index that
 *                                            scans page through with ZRANGEBYLEX
 *   P:entries                        HASH    path → metadata JSON {key, db, namespace, tags,
 *                                            expiresAtMs}: an entry's exact record, by path
 *   P:cursor                         STRING  JSON {replicationId, sequence, epoch when > 0}
 *   P:instance                       STRING  a random token: gone when the server lost its data
 *   P:lost                           STRING  why the data was found lost; nothing is served until a
 *                                            full resync commits (see redis/data-guard.ts)
 *   P:staging:begun                  STRING  set by stageBegin, deleted by the commit that installs
 *                                            the staging area, so that a commit runs once
 *   P:staging:…                      the staging area of a full resync: the same layout (without a
 *                                    cursor) under the prefix P:staging, swapped in by one script
 *
 * Entries round-trip by path: P:entries is the authority, so two paths may share a (db,
 * namespace, key); the original's HASH then describes the one last SET, and goes when it does.
 * Expiry: no key has a Redis TTL. Only the primary expires entries, on its own clock, and
 * replicates each expiry as a DELETE; until that DELETE arrives an entry past its expiry is stored
 * and read as it is (readers hide it with isExpired). Redis expiring a data key on its clock would
 * lose an entry whose expiry a later SET_TTL extended or removed (the primary holds it; a lagging
 * secondary would apply the SET_TTL to nothing) and, on a primary, would let storage diverge
 * from its own log. For the same reason open() refuses a server whose maxmemory-policy evicts
 * keys without a TTL (allkeys-*), and removes the TTLs that versions before 0.2 gave data keys.
 *
 * Scans page in the index's order, which is Redis' lex order: the byte order of UTF-8. It differs
 * from UTF-16 code-unit order only between characters beyond the BMP and those from U+E000 to
 * U+FFFF; paging stays exact (no repeat, no skip). list() sorts by code units, as documented;
 * with a pathsMax it answers the first pathsMax in byte order (read no further), sorted so.
 * Names must be well-formed UTF-16 (keys are sent as UTF-8). The scripts find keys from the
 * entries, so a standalone server is assumed, not a cluster. One process owns a key prefix at a
 * time (open() discards the prefix's staging area).
 */
import { Redis } from 'ioredis';
import { assert } from '../core/assert.js';
import { StorageFailedError } from '../core/errors.js';
import { compareCodeUnits, type Entry, type ScanPage, type ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata } from './backend.js';
import { applyBatch, execChecked } from './redis/batch.js';
import { connectRedis } from './redis/connect.js';
import { retryAborted } from './redis/aborted-batch.js';
import { DataGuard } from './redis/data-guard.js';
import { REDIS_COMMAND_FAILED, typedFailure } from './redis/failures.js';
import { AreaKeys, cursorKey, DEFAULT_KEY_PREFIX, stagingPrefix } from './redis/keys.js';
import { AreaReader } from './redis/reads.js';
import { beginStaging, commitStaged, discardStaging } from './redis/scripts.js';
import { FirstPaths } from './first-paths.js';
import { pickPage } from './scan-page.js';
import { SerializedStorage } from './serialized-storage.js';
import { decodeCursor } from './stored-json.js';
import { redisLogPolicy, redisLogStore } from './op-log-redis/redis-log.js';
import { configValue } from './redis/server-config.js';
import type { LogStore } from './op-log-file/log-store.js';

export interface RedisStorageOptions {
  /** redis://host:port[/db] */
  readonly url: string;
  readonly keyPrefix?: string;
}

/** Keys per pipeline when open() removes old TTLs. */
const PERSIST_BATCH_PATHS = 1_000;

export class RedisStorage extends SerializedStorage {
  private readonly live: AreaKeys;
  private readonly staged: AreaKeys;
  private readonly reader: AreaReader;

  private constructor(
    private readonly redis: Redis,
    prefix: string,
    /** The server logs every write and fsyncs before replying (appendonly yes, appendfsync always). */
    private readonly durable: boolean,
    private readonly guard: DataGuard,
    /** Where a primary on this storage keeps its operation log by default: beside the data, in the same server and db. */
    readonly operationLogStore: LogStore,
  ) {
    super();
    this.live = new AreaKeys(prefix);
    this.staged = new AreaKeys(stagingPrefix(prefix));
    this.reader = new AreaReader(redis, this.live);
  }

  static async open(options: RedisStorageOptions): Promise<RedisStorage> {
    const redis = await connectRedis(options.url, '');
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    try {
      await refuseEviction(redis);
      await persistDataKeys(redis, new AreaKeys(prefix));
      // A staging area does not survive a restart: the resync it belonged to starts over.
      await discardStaging(redis, stagingPrefix(prefix));
      const logStore = redisLogStore({ url: options.url, keyPrefix: prefix });
      return new RedisStorage(redis, prefix, await isDurable(redis), await DataGuard.open(redis, prefix), logStore);
    } catch (error) {
      redis.disconnect();
      throw typedFailure(error, REDIS_COMMAND_FAILED);
    }
  }

  /** Every storage failure is typed: a command Redis failed is a StorageFailedError. */
  protected override failureOf(error: unknown): unknown {
    return typedFailure(error, REDIS_COMMAND_FAILED);
  }

  protected async applyNow(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    return retryAborted(() =>
      this.guard.run(async () => {
        const [token] = await applyBatch(this.redis, this.live, operations, cursor, (transaction) => this.guard.fence(transaction));
        await this.guard.checkReply(token);
        return { durable: this.durable };
      }),
    );
  }

  protected scanNow(request: ScanRequest): Promise<ScanPage> {
    return this.guard.run(() => this.scanArea(request));
  }

  private async scanArea(request: ScanRequest): Promise<ScanPage> {
    const start = request.afterPath === null ? '-' : `(${request.afterPath}`;
    const { picked, done } = await pickPage(this.reader.entries(start), request);
    const entries = await this.reader.read(picked.map(({ path }) => path));
    return {
      entries: entries.map((entry, index) => {
        // Calls are serialized and no key expires: what was just picked is still there.
        assert(entry !== undefined, `entry ${JSON.stringify(picked[index]?.path)} vanished during a scan`);
        return entry;
      }),
      done,
    };
  }

  protected async stageBeginNow(): Promise<void> {
    // A full resync is how a secondary recovers lost data: it starts on an empty prefix.
    if (this.guard.isLost) await this.guard.rearm();
    await this.guard.checked(() => beginStaging(this.redis, this.staged.prefix));
  }

  protected stageApplyNow(operations: readonly Operation[]): Promise<void> {
    return retryAborted(() =>
      this.guard.checked(async () => {
        await applyBatch(this.redis, this.staged, operations, null);
      }),
    );
  }

  protected async stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }> {
    await this.guard.checked(async () => {
      // No MULTI fences the commit's script: the token is read just before it.
      await this.guard.verify();
      await commitStaged(this.redis, this.live.prefix, this.staged.prefix, cursor);
    });
    if (this.guard.isLost) await this.guard.recovered();
    return { durable: this.durable };
  }

  protected async loadCursorNow(): Promise<Cursor | null> {
    // Lost data holds no position: a secondary started on it resyncs in full.
    if (this.guard.isLost) return null;
    return this.guard.run(async () => {
      const key = cursorKey(this.live.prefix);
      const json = await this.redis.get(key);
      return json === null ? null : decodeCursor(json, key);
    });
  }

  protected readNow(path: string): Promise<Entry | undefined> {
    return this.guard.run(async () => {
      const [entry] = await this.reader.read([path]);
      return entry;
    });
  }

  protected probeNow(path: string): Promise<EntryMetadata | undefined> {
    return this.guard.run(async () => {
      const [metadata] = await this.reader.probe([path]);
      return metadata;
    });
  }

  protected listNow(prefix: string, pathsMax: number): Promise<string[]> {
    return this.guard.run(() => this.listArea(prefix, pathsMax));
  }

  protected listTaggedNow(tag: string, pathsMax: number): Promise<string[]> {
    return this.guard.run(() => this.listAreaTagged(tag, pathsMax));
  }

  /** The first pathsMax in the index's order (UTF-8 bytes), then in code-unit order (see the class). */
  private async listArea(prefix: string, pathsMax: number): Promise<string[]> {
    const paths: string[] = [];
    for await (const { path } of this.reader.entries(prefix === '' ? '-' : `[${prefix}`)) {
      // Paths with a prefix are contiguous in byte order, as in code-unit order.
      if (!path.startsWith(prefix)) break;
      paths.push(path);
      if (paths.length === pathsMax) break;
    }
    return paths.sort(compareCodeUnits);
  }

  /** A tag's set has no order: every member is read, a batch at a time, and the first pathsMax kept. */
  private async listAreaTagged(tag: string, pathsMax: number): Promise<string[]> {
    const first = new FirstPaths(pathsMax);
    for await (const path of this.reader.tagged(tag)) first.offer(path);
    return first.paths();
  }

  protected async closeNow(): Promise<void> {
    await this.redis.quit();
  }
}

/** Policies that may evict a key without a TTL, which every key of ours is. */
const EVICTING_POLICY = /^allkeys-/;

async function refuseEviction(redis: Redis): Promise<void> {
  const policy = await configValue(redis, 'maxmemory-policy');
  if (policy !== undefined && EVICTING_POLICY.test(policy)) {
    throw new StorageFailedError(`Redis maxmemory-policy is ${policy}, which may evict stored entries: use noeviction (or a volatile-* policy)`);
  }
}

/** Data keys of the entries that expire, once given a Redis TTL by versions before 0.2: removed. */
async function persistDataKeys(redis: Redis, keys: AreaKeys): Promise<void> {
  const paths = await redis.zrange(keys.ttl, '0', '-1');
  for (let start = 0; start < paths.length; start += PERSIST_BATCH_PATHS) {
    const pipeline = redis.pipeline();
    for (const path of paths.slice(start, start + PERSIST_BATCH_PATHS)) pipeline.persist(keys.data(path));
    await execChecked(pipeline);
  }
}

async function isDurable(redis: Redis): Promise<boolean> {
  return (await redisLogPolicy(redis)) === 'always';
}
