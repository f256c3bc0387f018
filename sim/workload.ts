import { DEFAULT_CONTEXT, operationOf, type ApiCall, type StorageContext } from '../src/core/api-operations.js';
import type { Operation } from '../src/core/operation.js';
import type { ReplicaWait } from '../src/core/primary/replica-waits.js';
import { LONGEST_NAME, WIDE_NAMES } from './arbitraries/alphabets.js';
import type { WorkloadOptions } from './options.js';
import type { Prng } from './prng.js';

const MS_PER_SECOND = 1000;
/** Longest TTLs the workload sets, in ms: short enough that runs see expiries come due. */
const SET_TTL_MS_MAX = 20_000;
const SET_TTL_CALL_MS_MAX = 30_000;
// The default db and namespace are what writeData writes to: the most common entry of all.
const PLAIN_DBS = [DEFAULT_CONTEXT.db, 'app'];
const PLAIN_NAMESPACES = [DEFAULT_CONTEXT.namespace, 'ns1', 'ns2'];
const PLAIN_TAGS = ['tag0', 'tag1', 'tag2', 'tag3', 'tag4'];
const PLAIN_KEYS = ['key0', 'key1'];
/** One write in this many waits for secondaries, as a writer passing minReplicas does. */
const REPLICA_WAIT_ONE_IN = 8;
const REPLICA_WAIT_TIMEOUT_MS = { min: 200, max: 5_000 };

/**
 * A mix of every write call of the API over a bounded set of paths, so that writes collide, made
 * under a context and translated as NetworkSyncBackend translates them (TTLs in seconds).
 */
export function nextOperation(prng: Prng, workload: WorkloadOptions, nowMs: number): Operation {
  const path = pathOf(prng.below(workload.paths));
  const roll = prng.below(100);
  if (roll < 65) return operationOf(nextWrite(prng, workload, path), nextContext(prng), nowMs);
  return operationOf(nextOtherCall(prng, path, roll), DEFAULT_CONTEXT, nowMs);
}

/**
 * What the writer of the next write waits for beyond the primary's storage: mostly nothing, else
 * some of the secondaries, durable three times in four, for up to a few seconds.
 */
export function nextReplicaWait(prng: Prng, secondaries: number): ReplicaWait | null {
  if (secondaries === 0 || prng.below(REPLICA_WAIT_ONE_IN) !== 0) return null;
  const { min, max } = REPLICA_WAIT_TIMEOUT_MS;
  return { replicas: 1 + prng.below(secondaries), timeoutMs: min + prng.below(max - min + 1), durable: prng.below(4) !== 0 };
}

function nextWrite(prng: Prng, workload: WorkloadOptions, relativePath: string): ApiCall {
  const large = workload.largeValues !== undefined && prng.below(workload.largeValues.oneIn) === 0;
  const data = large ? largeValue(prng, workload.largeValues?.bytesMax ?? 0) : new Uint8Array(prng.below(workload.valueBytesMax + 1));
  if (!large) for (let i = 0; i < data.length; i += 1) data[i] = prng.below(256);
  const ttl = prng.below(8) === 0 ? secondsUpTo(prng, SET_TTL_MS_MAX) : null;
  // Most writes leave the key to its default, the path.
  const key = prng.below(4) === 0 ? nameFrom(prng, PLAIN_KEYS) : undefined;
  return { method: 'writeWithReplication', relativePath, data, key, tags: tagsFrom(prng), ttl };
}

/** A value of up to bytesMax, mostly one byte repeated: its size is what it tests, and drawing every byte would slow the run. */
function largeValue(prng: Prng, bytesMax: number): Uint8Array {
  const data = new Uint8Array(prng.below(bytesMax + 1)).fill(prng.below(256));
  if (data.length > 0) data[prng.below(data.length)] = prng.below(256);
  return data;
}

/** The calls after writeWithReplication, by the roll of nextOperation (65 to 99). */
function nextOtherCall(prng: Prng, path: string, roll: number): ApiCall {
  if (roll < 85) return { method: 'deleteWithReplication', relativePath: path };
  if (roll < 92) return { method: 'setTtl', path, ttl: prng.below(2) === 0 ? null : secondsUpTo(prng, SET_TTL_CALL_MS_MAX) };
  if (roll < 98) return { method: 'setTags', path, tags: tagsFrom(prng) };
  return { method: 'flush', db: prng.below(2) === 0 ? nameFrom(prng, PLAIN_DBS) : null, namespace: prng.below(2) === 0 ? nameFrom(prng, PLAIN_NAMESPACES) : null };
}

function nextContext(prng: Prng): StorageContext {
  return { db: nameFrom(prng, PLAIN_DBS), namespace: nameFrom(prng, PLAIN_NAMESPACES) };
}

/** Fractional seconds, in whole milliseconds. */
function secondsUpTo(prng: Prng, msMax: number): number {
  return prng.below(msMax) / MS_PER_SECOND;
}

/**
 * Path `index` of the run's bounded set: even ones plain, odd ones each wide name in turn and one
 * at the length limit, so that every run mixes colliding ASCII paths with wide ones.
 */
function pathOf(index: number): string {
  const suffix = String(index);
  if (index % 2 === 0) return `data/${suffix}`;
  const wide = Math.floor(index / 2) % (WIDE_NAMES.length + 1);
  return wide === WIDE_NAMES.length ? LONGEST_NAME.slice(suffix.length) + suffix : `${WIDE_NAMES[wide]!}/${suffix}`;
}

/** A plain name three times in four, else a wide one: both sets small, so that names collide. */
function nameFrom(prng: Prng, plain: readonly string[]): string {
  const names = prng.below(4) === 0 ? WIDE_NAMES : plain;
  return names[prng.below(names.length)]!;
}

function tagsFrom(prng: Prng): string[] {
  const count = prng.below(3);
  const tags = new Set<string>();
  for (let i = 0; i < count; i += 1) tags.add(nameFrom(prng, PLAIN_TAGS));
  return [...tags];
}
