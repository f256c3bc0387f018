/**
 * Redis key layout, with P the key prefix (default `nadb`); the first four are the original's:
 *
 *   P:data:{path}                    STRING  the value; PEXPIREAT at expiresAtMs when it has one
 *   P:meta:{db}:{namespace}:{key}    HASH    path, key, db, namespace, tags (JSON array), expiresAtMs
 *                                            ('' for none) of the entry last SET with this db,
 *                                            namespace and key, while it stands
 *   P:tag:{tag}                      SET     the paths of the entries holding this tag
 *   P:ttl                            ZSET    path → expiresAtMs, for the entries that expire
 *   P:paths                          ZSET    every path with score 0: the ordered index that
 *                                            scans page through with ZRANGEBYLEX
 *   P:entries                        HASH    path → metadata JSON {key, db, namespace, tags,
 *                                            expiresAtMs}: an entry's exact record, by path
 *   P:cursor                         STRING  JSON {replicationId, sequence}
 *   P:staging:…                      the staging area of a full resync: the same layout (without a
 *                                    cursor) under the prefix P:staging, swapped in by one script
 *
 * Entries round-trip by path: P:entries is the authority, so two paths may share a (db,
 * namespace, key); the original's HASH then describes the one last SET, and goes when it does.
 * An entry exists while its data key does: once Redis expires the data key, the entry is absent
 * from read, exists, size, metadata, list and scan, and stays absent (a later SET_TTL or METADATA
 * finds nothing, where Keyspace would revive an expired entry); the DELETE that the primary
 * replicates for an expiry removes the rest of its keys.
 *
 * Scans page in the index's order, which is Redis' lex order: the byte order of UTF-8. It differs
 * from UTF-16 code-unit order only between characters beyond the BMP and those from U+E000 to
 * U+FFFF; paging stays exact (no repeat, no skip). list() sorts by code units, as documented.
 * Names must be well-formed UTF-16 (keys are sent as UTF-8). The scripts find keys from the
 * entries, so a standalone server is assumed, not a cluster. One process owns a key prefix at a
 * time (open() discards the prefix's staging area).
 */
import { Redis } from 'ioredis';
import { ConnectionError } from '../core/errors.js';
import { compareCodeUnits, type Entry, type ScanPage, type ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { EntryMetadata } from './backend.js';
import { applyBatch } from './redis/batch.js';
import { AreaKeys, cursorKey, stagingPrefix } from './redis/keys.js';
import { AreaReader } from './redis/reads.js';
import { clearArea, commitStaged } from './redis/scripts.js';
import { pickPage } from './scan-page.js';
import { SerializedStorage } from './serialized-storage.js';
import { decodeCursor } from './stored-json.js';

export interface RedisStorageOptions {
  /** redis://host:port[/db] */
  readonly url: string;
  readonly keyPrefix?: string;
}

const DEFAULT_KEY_PREFIX = 'nadb';

export class RedisStorage extends SerializedStorage {
  private readonly live: AreaKeys;
  private readonly staged: AreaKeys;
  private readonly reader: AreaReader;

  private constructor(
    private readonly redis: Redis,
    prefix: string,
    /** The server logs every write and fsyncs before replying (appendonly yes, appendfsync always). */
    private readonly durable: boolean,
  ) {
    super();
    this.live = new AreaKeys(prefix);
    this.staged = new AreaKeys(stagingPrefix(prefix));
    this.reader = new AreaReader(redis, this.live);
  }

  static async open(options: RedisStorageOptions): Promise<RedisStorage> {
    const redis = new Redis(options.url, { lazyConnect: true });
    // Failures reach the callers through their commands' promises; unheard, ioredis would log them.
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      const url = new URL(options.url);
      throw new ConnectionError(`cannot reach Redis: ${(error as Error).message}`, url.hostname, Number(url.port || 6379));
    }
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    // A staging area does not survive a restart: the resync it belonged to starts over.
    await clearArea(redis, stagingPrefix(prefix));
    return new RedisStorage(redis, prefix, await isDurable(redis));
  }

  protected async applyNow(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    await applyBatch(this.redis, this.live, operations, cursor);
    return { durable: this.durable };
  }

  protected async scanNow(request: ScanRequest): Promise<ScanPage> {
    const start = request.afterPath === null ? '-' : `(${request.afterPath}`;
    for (;;) {
      const { picked, done } = await pickPage(this.reader.entries(start), request);
      const entries = (await this.reader.read(picked.map(({ path }) => path))).filter((entry) => entry !== undefined);
      // Only an expiry between picking and reading drops an entry; when all went, pick again.
      if (entries.length > 0 || done) return { entries, done };
    }
  }

  protected async stageBeginNow(): Promise<void> {
    await clearArea(this.redis, this.staged.prefix);
  }

  protected async stageApplyNow(operations: readonly Operation[]): Promise<void> {
    await applyBatch(this.redis, this.staged, operations, null);
  }

  protected async stageCommitNow(cursor: Cursor): Promise<{ durable: boolean }> {
    await commitStaged(this.redis, this.live.prefix, this.staged.prefix, cursor);
    return { durable: this.durable };
  }

  protected async loadCursorNow(): Promise<Cursor | null> {
    const key = cursorKey(this.live.prefix);
    const json = await this.redis.get(key);
    return json === null ? null : decodeCursor(json, key);
  }

  protected async readNow(path: string): Promise<Entry | undefined> {
    const [entry] = await this.reader.read([path]);
    return entry;
  }

  protected async probeNow(path: string): Promise<EntryMetadata | undefined> {
    const [metadata] = await this.reader.probe([path]);
    return metadata;
  }

  protected async listNow(prefix: string): Promise<string[]> {
    const paths: string[] = [];
    for await (const { path } of this.reader.entries(prefix === '' ? '-' : `[${prefix}`)) {
      // Paths with a prefix are contiguous in byte order, as in code-unit order.
      if (!path.startsWith(prefix)) break;
      paths.push(path);
    }
    return paths.sort(compareCodeUnits);
  }

  protected async closeNow(): Promise<void> {
    await this.redis.quit();
  }
}

async function isDurable(redis: Redis): Promise<boolean> {
  try {
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    const [, appendfsync] = (await redis.config('GET', 'appendfsync')) as string[];
    return appendonly === 'yes' && appendfsync === 'always';
  } catch {
    // CONFIG is often renamed or disabled on managed servers: durability is then unknown.
    return false;
  }
}
