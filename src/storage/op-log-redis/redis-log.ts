import { Redis } from 'ioredis';
import { assert } from '../../core/assert.js';
import { LogCorruptError, StorageFailedError } from '../../core/errors.js';
import type { Limits, PersistedLogLimits } from '../../core/limits.js';
import type { LogExtent, LogFsyncPolicy } from '../../core/log-persistence/recovery.js';
import type { LogEntry, Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { connectRedis, REDIS_DEFAULT_PORT } from '../redis/connect.js';
import { DEFAULT_KEY_PREFIX } from '../redis/keys.js';
import { typedCommand, typedFailure } from '../redis/failures.js';
import { configValue } from '../redis/server-config.js';
import { decodeCursor, encodeCursor } from '../stored-json.js';
import type { LogAppender, LogSettings, LogStore, OpenedLog } from '../op-log-file/log-store.js';
import { decodeLogRecord, encodeLogRecord, entriesOf, LOG_RECORD_SHAPE, recordChunks } from '../op-log-file/record.js';
import { frameAt, RECORD_MARKER } from '../record-frame.js';

export interface RedisLogOptions {
  /** redis://host:port[/db]: the RedisStorage's own server and db. */
  readonly url: string;
  /** The RedisStorage's key prefix (default `nadb`). */
  readonly keyPrefix?: string;
}

/** What a failed command says failed: every storage failure is typed (StorageFailedError). */
const WHAT = 'operation log';

/**
 * KEYS: the records; ARGV: the records to push. Nothing when the list already ends with the last
 * of them: every record holds its first sequence, so only this push ends so (or a CLOSED at the
 * same sequence and time, which says the same). Twice, a push duplicated the records, a log that
 * no longer opens.
 */
const APPEND = `
if redis.call('LINDEX', KEYS[1], -1) == ARGV[#ARGV] then return 0 end
for i = 1, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
return 1
`;

/**
 * KEYS: the meta, the records; ARGV: the first sequence the trim was computed from, the records to
 * drop, the first sequence after. Trims only from that first sequence, and returns the one it found:
 * twice, the trim dropped records the storage may not have applied.
 */
const RETAIN = `
local first = redis.call('HGET', KEYS[1], 'firstSequence')
if first ~= ARGV[1] then return first end
redis.call('LTRIM', KEYS[2], ARGV[2], -1)
redis.call('HSET', KEYS[1], 'firstSequence', ARGV[3])
return first
`;

/** One record as the log holds it, for retention. */
interface RecordInfo {
  readonly lastSequence: number;
  readonly bytes: number;
  readonly writtenAtMs: number;
}

/**
 * A primary's operation log in Redis' own structures, beside a RedisStorage (docs/OPERATION-LOG.md):
 *   P:oplog:meta     HASH  historyId, base (cursor JSON, '' for none), firstSequence
 *   P:oplog:records  LIST  the history's records, each as in a segment file (marker, length, CRC-32, payload)
 * Redis stores a command whole or not at all, so there is no torn tail: any bad record is a
 * LogCorruptError. The log is as durable as the server makes its writes (appendonly,
 * appendfsync): that is its policy, read from the server at open, whatever was configured.
 * Redis persists commands in order and the log's come first, so the storage is never ahead of it.
 * ioredis sends a command again on its next connection when the last one closed before its reply
 * (autoResendUnfulfilledCommands), and Redis may have run it already: each write of the log is a
 * script that does nothing once it has taken effect (APPEND, RETAIN); beginHistory's MULTI writes
 * absolute values.
 */
export function redisLogStore(options: RedisLogOptions): LogStore {
  return { where: whereOf(options), open: async (settings) => openRedisLog(options, settings) };
}

/** The server, db and keys of the log, without the URL's user or password. */
function whereOf(options: RedisLogOptions): string {
  const { protocol, hostname, port, pathname } = new URL(options.url);
  return `${protocol}//${hostname}:${port || REDIS_DEFAULT_PORT}${pathname === '/' ? '' : pathname} ${options.keyPrefix ?? DEFAULT_KEY_PREFIX}:oplog:*`;
}

/**
 * The fsync policy a Redis server gives what it stores: its appendonly and appendfsync; `no`
 * (nothing claimed) where CONFIG cannot be read.
 */
export async function redisLogPolicy(redis: Redis): Promise<LogFsyncPolicy> {
  const appendonly = await configValue(redis, 'appendonly');
  const appendfsync = await configValue(redis, 'appendfsync');
  if (appendonly !== 'yes') return 'no';
  return appendfsync === 'always' ? 'always' : appendfsync === 'everysec' ? 'everysec' : 'no';
}

async function openRedisLog(options: RedisLogOptions, settings: LogSettings): Promise<OpenedLog> {
  const redis = await connectRedis(options.url, ' for the operation log');
  try {
    const keys = keysOf(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    const meta = await redis.hgetall(keys.meta);
    const records = meta.historyId === undefined ? [] : await redis.lrangeBuffer(keys.records, 0, -1);
    const read = decodeLog(meta, records, keys, settings.coreLimits);
    const appender = new RedisLogAppender(redis, keys, settings.limits, read.extent, read.infos);
    return { extent: read.extent, entries: read.entries, cutBytes: 0, policy: await redisLogPolicy(redis), appender };
  } catch (error) {
    redis.disconnect();
    throw typedFailure(error, WHAT);
  }
}

interface LogKeys {
  readonly meta: string;
  readonly records: string;
}

function keysOf(prefix: string): LogKeys {
  return { meta: `${prefix}:oplog:meta`, records: `${prefix}:oplog:records` };
}

function decodeLog(meta: Record<string, string>, records: readonly Buffer[], keys: LogKeys, limits: Limits): { extent: LogExtent | null; entries: LogEntry[]; infos: RecordInfo[] } {
  if (meta.historyId === undefined) return { extent: null, entries: [], infos: [] };
  const firstSequence = Number(meta.firstSequence);
  if (meta.historyId.length === 0 || !Number.isSafeInteger(firstSequence) || firstSequence < 1) throw new LogCorruptError(`${keys.meta} holds no history id and first sequence`);
  const base = meta.base === undefined || meta.base === '' ? null : decodeCursor(meta.base, keys.meta);
  const entries: LogEntry[] = [];
  const infos: RecordInfo[] = [];
  let last = firstSequence - 1;
  let closed = false;
  records.forEach((bytes, index) => {
    const where = `${keys.records}[${index}]`;
    const framed = frameAt(bytes, 0, LOG_RECORD_SHAPE);
    if (framed.kind !== 'record' || RECORD_MARKER.length + framed.frameBytes !== bytes.length) throw new LogCorruptError(`corrupt record at ${where}: ${framed.kind === 'bad' ? framed.why : 'not one whole record'}`);
    const record = decodeLogRecord(framed.payload, limits, where);
    closed = record.kind === 'closed';
    if (record.kind === 'operations') {
      if (record.firstSequence !== last + 1) throw new LogCorruptError(`${where}: sequence ${record.firstSequence} follows ${last}`);
      entries.push(...entriesOf(record));
      last += record.operations.length;
    } else if (record.lastSequence !== last) {
      throw new LogCorruptError(`${where}: a clean shutdown at sequence ${record.lastSequence}, after ${last}`);
    }
    infos.push({ lastSequence: last, bytes: bytes.length, writtenAtMs: record.writtenAtMs });
  });
  return { extent: { historyId: meta.historyId, base, firstSequence, lastSequence: last, closed }, entries, infos };
}

class RedisLogAppender implements LogAppender {
  private history: string | null;
  private firstSequence: number;
  private lastSequence: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: LogKeys,
    private readonly limits: PersistedLogLimits,
    extent: LogExtent | null,
    /** Oldest first, as the list holds them. */
    private readonly infos: RecordInfo[],
  ) {
    this.history = extent?.historyId ?? null;
    this.firstSequence = extent?.firstSequence ?? 1;
    this.lastSequence = extent?.lastSequence ?? 0;
  }

  get historyId(): string | null {
    return this.history;
  }

  get segmentCount(): number {
    return this.infos.length;
  }

  get bytes(): number {
    return this.infos.reduce((total, info) => total + info.bytes, 0);
  }

  async beginHistory(historyId: string, base: Cursor | null): Promise<void> {
    const result = this.redis.multi().del(this.keys.records).del(this.keys.meta)
      .hset(this.keys.meta, 'historyId', historyId, 'base', base === null ? '' : encodeCursor(base), 'firstSequence', '1').exec();
    checkExec(await typedCommand(WHAT, result));
    this.history = historyId;
    this.firstSequence = 1;
    this.lastSequence = 0;
    this.infos.length = 0;
  }

  async continueFrom(firstSequence: number): Promise<void> {
    assert(firstSequence === this.lastSequence + 1, `the log continues from ${this.lastSequence + 1}, not ${firstSequence}`);
  }

  async append(firstSequence: number, operations: readonly Operation[], nowMs: number): Promise<void> {
    assert(firstSequence === this.lastSequence + 1, `log append out of order: ${firstSequence} after ${this.lastSequence}`);
    const records: Buffer[] = [];
    const infos: RecordInfo[] = [];
    let sequence = firstSequence;
    for (const chunk of recordChunks(operations, this.limits.logRecordBytesMax)) {
      const record = Buffer.concat(encodeLogRecord({ kind: 'operations', writtenAtMs: nowMs, firstSequence: sequence, operations: chunk }));
      sequence += chunk.length;
      records.push(record);
      infos.push({ lastSequence: sequence - 1, bytes: record.length, writtenAtMs: nowMs });
    }
    await this.push(records);
    // Counted once written: retention must not trim by records the list does not hold.
    this.infos.push(...infos);
    this.lastSequence = sequence - 1;
  }

  /** Trims the oldest records while above a bound, keeping the newest and all the storage has not applied. */
  async retain(appliedSequence: number, nowMs: number): Promise<void> {
    let drop = 0;
    let bytes = this.bytes;
    while (drop < this.infos.length - 1) {
      const oldest = this.infos[drop] as RecordInfo;
      const entries = this.lastSequence - (drop === 0 ? this.firstSequence - 1 : (this.infos[drop - 1] as RecordInfo).lastSequence);
      const above = bytes > this.limits.persistedLogBytesMax || entries > this.limits.persistedLogEntriesMax || nowMs - oldest.writtenAtMs > this.limits.persistedLogAgeMsMax;
      if (!above || oldest.lastSequence > appliedSequence) break;
      bytes -= oldest.bytes;
      drop += 1;
    }
    if (drop === 0) return;
    const firstSequence = (this.infos[drop - 1] as RecordInfo).lastSequence + 1;
    const found = await typedCommand(WHAT, this.redis.eval(RETAIN, 2, this.keys.meta, this.keys.records, String(this.firstSequence), drop, String(firstSequence)));
    // The new first sequence: this trim ran already, its reply lost.
    if (found !== String(this.firstSequence) && found !== String(firstSequence)) {
      throw new StorageFailedError(`${WHAT}: ${this.keys.meta} holds first sequence ${String(found ?? 'none')}, not ${this.firstSequence}: the log changed under this process`);
    }
    this.infos.splice(0, drop);
    this.firstSequence = firstSequence;
  }

  /** Redis syncs what it stores by its own appendfsync. */
  async sync(): Promise<void> {}

  async close(nowMs: number): Promise<void> {
    try {
      if (this.history !== null) {
        const closed = Buffer.concat(encodeLogRecord({ kind: 'closed', writtenAtMs: nowMs, lastSequence: this.lastSequence }));
        await this.push([closed]);
      }
    } finally {
      this.redis.disconnect();
    }
  }

  private async push(records: readonly Buffer[]): Promise<void> {
    await typedCommand(WHAT, this.redis.eval(APPEND, 1, [this.keys.records, ...records]));
  }
}

function checkExec(result: [Error | null, unknown][] | null): void {
  if (result === null) throw new StorageFailedError(`${WHAT}: a Redis transaction was discarded`);
  const failure = result.find(([error]) => error !== null)?.[0];
  if (failure !== undefined && failure !== null) throw new StorageFailedError(`${WHAT}: ${failure.message}`);
}
