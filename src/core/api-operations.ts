/**
 * The user's API as operations: what NetworkSyncBackend submits for each write call, and what the
 * simulator's workloads and scenarios submit, so that a simulated run goes through the same
 * translation (TTL in seconds from now, the context's db and namespace, key and tags defaults).
 */
import { ByteSlab } from './byte-slab.js';
import { VALUE_SLAB_BYTES, VALUE_SLAB_SHARE_BYTES_MAX } from './limits.js';
import { InvalidOperationError } from './errors.js';
import { shown } from './shown.js';
import { NO_TAGS, type Operation } from './operation.js';

/** What setContext sets: the db and namespace that writeWithReplication writes under. */
export interface StorageContext {
  readonly db: string;
  readonly namespace: string;
}

/** The context of a node before any setContext, as in the original. */
export const DEFAULT_CONTEXT: StorageContext = Object.freeze({ db: 'default', namespace: 'default' });

/** Bytes, or a string stored as its UTF-8 bytes. */
export type ApiData = Uint8Array | string;

export interface WriteWithReplicationRequest<Data extends ApiData = ApiData> {
  readonly relativePath: string;
  readonly data: Data;
  /** Metadata only (the path is the identity); default: the path. */
  readonly key?: string;
  readonly tags?: readonly string[];
  /** Seconds from now, like the original (fractions allowed); absent or null never expires. */
  readonly ttl?: number | null;
}

export interface DeleteWithReplicationRequest {
  readonly relativePath: string;
  /** Accepted for the original's sake: the path alone names the entry. */
  readonly key?: string;
}

/** A flush's reach: null for either means all of them. */
export interface FlushScope {
  readonly db: string | null;
  readonly namespace: string | null;
}

/**
 * One write call of the API, named by its method (writeData and deleteFile are the shorthands of
 * writeWithReplication and deleteWithReplication). `Data` is string where the call must be JSON.
 */
export type ApiCall<Data extends ApiData = ApiData> =
  | ({ readonly method: 'writeWithReplication' } & WriteWithReplicationRequest<Data>)
  | ({ readonly method: 'deleteWithReplication' } & DeleteWithReplicationRequest)
  | {
      readonly method: 'setTtl';
      readonly path: string;
      /** Seconds from now; null removes the expiry. */
      readonly ttl: number | null;
    }
  | { readonly method: 'setTags'; readonly path: string; readonly tags: readonly string[] }
  | ({ readonly method: 'flush' } & FlushScope);

export type ApiMethod = ApiCall['method'];

const MS_PER_SECOND = 1000;
const utf8 = new TextEncoder();

/**
 * The operation a write call stands for, made under `context` when the caller's clock reads
 * `nowMs` (Unix milliseconds): pure, so that the runtime and the simulator share it.
 */
export function operationOf(call: ApiCall, context: StorageContext, nowMs: number): Operation {
  switch (call.method) {
    case 'writeWithReplication':
      return {
        type: 'SET',
        path: call.relativePath,
        key: call.key ?? call.relativePath,
        value: valueOf(call.data),
        db: context.db,
        namespace: context.namespace,
        tags: tagsOf(call.tags),
        expiresAtMs: expiryOf(call.ttl, nowMs),
      };
    case 'deleteWithReplication':
      return { type: 'DELETE', path: call.relativePath };
    case 'setTtl':
      // Absent would read as null and remove the expiry: it must be said.
      if (call.ttl === undefined) throw new InvalidOperationError('setTtl wants ttl: seconds from now, or null to remove the expiry');
      return { type: 'SET_TTL', path: call.path, expiresAtMs: expiryOf(call.ttl, nowMs) };
    case 'setTags':
      return { type: 'METADATA', path: call.path, tags: tagList(call.tags) };
    case 'flush':
      return { type: 'FLUSH', db: call.db, namespace: call.namespace };
  }
}

/** Values leave the log in the order they entered it, so their slabs are freed in order too; a keyspace keeps its own copy. */
const values = new ByteSlab(VALUE_SLAB_BYTES, VALUE_SLAB_SHARE_BYTES_MAX);

/**
 * A copy: the operation sits in the log after the call returns, and the caller may reuse its
 * buffer. The one type check a write pays: anything else was copied as garbage (a number, an
 * ArrayBuffer) or failed deep inside with a bare TypeError (null).
 */
function valueOf(data: ApiData): Uint8Array {
  if (typeof data === 'string') return utf8.encode(data);
  if (!(data instanceof Uint8Array)) throw new InvalidOperationError(`data must be a string or a Uint8Array (a Buffer), got ${shown(data)}`);
  return values.copy(data);
}

/** Most writes have none, and share one empty list. */
function tagsOf(tags: readonly string[] | undefined): readonly string[] {
  return tags === undefined ? NO_TAGS : tagList(tags);
}

/** A copy, for the same reason as the value's; a string would have been spread into its characters. */
function tagList(tags: readonly string[]): readonly string[] {
  if (!Array.isArray(tags)) throw new InvalidOperationError(`tags must be an array of strings, got ${shown(tags)}`);
  return tags.length === 0 ? NO_TAGS : [...tags];
}

function expiryOf(ttl: number | null | undefined, nowMs: number): number | null {
  if (ttl === undefined || ttl === null) return null;
  // Named here, in the API's unit: the core's own check would speak of expiresAtMs.
  if (!Number.isFinite(ttl)) throw new InvalidOperationError(`ttl must be null or a finite number of seconds, got ${shown(ttl)}`);
  return nowMs + Math.round(ttl * MS_PER_SECOND);
}
