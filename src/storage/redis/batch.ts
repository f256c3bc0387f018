import type { ChainableCommander, Redis } from 'ioredis';
import { InvalidOperationError, StorageFailedError } from '../../core/errors.js';
import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { applyOperation } from '../operation-target.js';
import { decodeMetadata, encodeCursor, encodeMetadata, type StoredMetadata } from '../stored-json.js';
import { BatchState, type BatchStart } from './batch-state.js';
import { CheckedWrites } from './checked-writes.js';
import { REDIS_COMMAND_FAILED } from './failures.js';
import { cursorKey, type AreaKeys } from './keys.js';

/**
 * Applies a batch to an area in one MULTI/EXEC, with the cursor when given: all of it or none
 * (its writes are one script that checks every key's type first: see checked-writes.ts).
 * What the batch touches is read first; calls are serialized and this process is the only writer
 * of its prefix, and Redis expires none of its keys, so nothing changes it before EXEC.
 * `fence` queues commands first in the MULTI, whose replies are returned (the batch's own are not).
 */
export async function applyBatch(
  redis: Redis,
  keys: AreaKeys,
  operations: readonly Operation[],
  cursor: Cursor | null,
  fence: (transaction: ChainableCommander) => void = () => undefined,
): Promise<unknown[]> {
  for (const op of operations) checkNames(op);
  const start = await loadStart(redis, keys, operations);
  const state = new BatchState(keys, start);
  for (const op of operations) applyOperation(state, op);
  const writes = new CheckedWrites();
  for (const [path, after] of state.current) {
    writePath(writes, keys, path, { before: start.records.get(path) ?? null, after, value: state.values.get(path) });
  }
  for (const [metaKey, path] of state.metaPaths) writeMeta(writes, metaKey, path, state);
  if (cursor !== null) writes.set(cursorKey(keys.prefix), encodeCursor(cursor));
  const transaction = redis.multi();
  const queued = transaction.length;
  fence(transaction);
  const fenceLength = transaction.length - queued;
  writes.queue(transaction);
  return (await execChecked(transaction)).slice(0, fenceLength);
}

/** Runs a pipeline or transaction and returns its replies, or throws the first error. */
export async function execChecked(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec();
  if (results === null) throw new StorageFailedError('Redis aborted the transaction');
  return results.map(([error, reply]) => {
    if (error !== null) throw new StorageFailedError(`${REDIS_COMMAND_FAILED}: ${error.message}`, { cause: error });
    return reply;
  });
}

// With the u flag a surrogate pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Redis keys are bytes and this client sends strings as UTF-8, which cannot hold a lone
 * surrogate: two such paths would share a key. Names that become key names are checked too.
 */
function checkNames(op: Operation): void {
  for (const name of keyNamesOf(op)) {
    if (LONE_SURROGATE.test(name)) {
      throw new InvalidOperationError(`${op.type} refused: ${JSON.stringify(name)} holds a lone surrogate, which Redis keys (UTF-8) cannot`);
    }
  }
}

function keyNamesOf(op: Operation): string[] {
  switch (op.type) {
    case 'SET':
      return [op.path, op.key, op.db, op.namespace, ...op.tags];
    case 'METADATA':
      return [op.path, ...op.tags];
    case 'FLUSH':
      return [];
    case 'DELETE':
    case 'SET_TTL':
      return [op.path];
  }
}

async function loadStart(redis: Redis, keys: AreaKeys, operations: readonly Operation[]): Promise<BatchStart> {
  const paths = new Set<string>();
  if (operations.some((op) => op.type === 'FLUSH')) for (const path of await redis.hkeys(keys.entries)) paths.add(path);
  for (const op of operations) if (op.type !== 'FLUSH') paths.add(op.path);
  const records = await loadRecords(redis, keys, [...paths]);
  const live = await loadLive(redis, keys, [...paths]);
  const metaKeys = new Set<string>();
  for (const record of records.values()) if (record !== null) metaKeys.add(keys.meta(record));
  for (const op of operations) if (op.type === 'SET') metaKeys.add(keys.meta(op));
  return { records, live, metaPaths: await loadMetaPaths(redis, [...metaKeys]) };
}

async function loadRecords(redis: Redis, keys: AreaKeys, paths: readonly string[]): Promise<Map<string, StoredMetadata | null>> {
  const jsons = paths.length === 0 ? [] : await redis.hmget(keys.entries, ...paths);
  return new Map(paths.map((path, index) => {
    const json = jsons[index];
    return [path, json === undefined || json === null ? null : decodeMetadata(json, `${keys.entries} ${path}`)];
  }));
}

async function loadLive(redis: Redis, keys: AreaKeys, paths: readonly string[]): Promise<Set<string>> {
  const pipeline = redis.pipeline();
  for (const path of paths) pipeline.exists(keys.data(path));
  const replies = await execChecked(pipeline);
  return new Set(paths.filter((_, index) => replies[index] === 1));
}

async function loadMetaPaths(redis: Redis, metaKeys: readonly string[]): Promise<Map<string, string | null>> {
  const pipeline = redis.pipeline();
  for (const metaKey of metaKeys) pipeline.hget(metaKey, 'path');
  const replies = await execChecked(pipeline);
  return new Map(metaKeys.map((metaKey, index) => [metaKey, (replies[index] as string | null) ?? null]));
}

/** Writes the final state of a touched path, removing what its stored record put elsewhere. */
function writePath(
  writes: CheckedWrites,
  keys: AreaKeys,
  path: string,
  change: { before: StoredMetadata | null; after: StoredMetadata | null; value: Uint8Array | undefined },
): void {
  const { before, after, value } = change;
  for (const tag of before?.tags ?? []) if (!after?.tags.includes(tag)) writes.sremOf(keys.tag(tag), path);
  const dataKey = keys.data(path);
  // A path is written once per batch, so its index entries go grouped (checked-writes.ts); the
  // expiry index holds only paths with an expiry, so one that had none has nothing to remove there.
  const expired = (before?.expiresAtMs ?? null) !== null;
  if (after === null) {
    if (before === null) return;
    writes.del(dataKey).hdelOf(keys.entries, path).zremOf(keys.paths, path);
    if (expired) writes.zremOf(keys.ttl, path);
    return;
  }
  // The data key never gets a Redis TTL: see "Expiry" in redis.ts. The ZSET only indexes expiries.
  if (value !== undefined) writes.set(dataKey, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  if (after.expiresAtMs !== null) writes.zaddOf(keys.ttl, after.expiresAtMs, path);
  else if (expired) writes.zremOf(keys.ttl, path);
  writes.hsetOf(keys.entries, path, encodeMetadata(after)).zaddOf(keys.paths, 0, path);
  for (const tag of after.tags) writes.saddOf(keys.tag(tag), path);
}

/** The original's HASH for (db, namespace, key): the entry last SET with them, while it stands. */
function writeMeta(writes: CheckedWrites, metaKey: string, path: string | null, state: BatchState): void {
  if (path === null) {
    writes.del(metaKey);
    return;
  }
  const record = state.current.get(path);
  // A path the batch did not touch still has the HASH it had.
  if (record === undefined || record === null) return;
  const { key, db, namespace, tags, expiresAtMs } = record;
  writes.hset(metaKey, 'path', path, 'key', key, 'db', db, 'namespace', namespace, 'tags', JSON.stringify(tags), 'expiresAtMs', String(expiresAtMs ?? ''));
}
