import { entryDifference } from '../../../sim/keyspace-compare.js';
import type { Timing } from '../../../src/core/limits.js';
import type { NetworkSyncConfig } from '../../../src/runtime/config.js';
import { NetworkSyncBackend } from '../../../src/runtime/network-sync-backend.js';
import type { StorageBackend } from '../../../src/storage/backend.js';

/** Fast enough that a lost link is noticed and replaced within a test's patience. */
export const FAST_TIMING: Partial<Timing> = {
  heartbeatIntervalMs: 200,
  replicationTimeoutMs: 2_000,
  handshakeTimeoutMs: 2_000,
  reconnectBaseMs: 20,
  reconnectCapMs: 200,
};

/** How long a test waits for a cluster to converge before it fails. */
export const CONVERGE_TIMEOUT_MS = 20_000;
const POLL_MS = 10;

/** `keepBackendOpen`: the storage outlives the node, so another can start on it. */
export interface StartOptions {
  readonly keepBackendOpen?: boolean;
}

export async function startPrimary(storage: StorageBackend, config: NetworkSyncConfig = {}, options: StartOptions = {}): Promise<NetworkSyncBackend> {
  return NetworkSyncBackend.create({
    baseBackend: storage,
    mode: 'primary',
    config: { listenHost: '127.0.0.1', listenPort: 0, timing: FAST_TIMING, ...config },
    ...options,
  });
}

export async function startSecondary(
  primaryPort: number,
  storage: StorageBackend,
  config: NetworkSyncConfig = {},
  options: StartOptions = {},
): Promise<NetworkSyncBackend> {
  return NetworkSyncBackend.create({
    baseBackend: storage,
    mode: 'secondary',
    config: { primaryHost: '127.0.0.1', primaryPort, timing: FAST_TIMING, ...config },
    ...options,
  });
}

export function portOf(primary: NetworkSyncBackend): number {
  const port = primary.listenPort;
  if (port === null) throw new Error('not a primary');
  return port;
}

/** Polls `condition` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = CONVERGE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * How long a measure of progress may stand still before a wait gives up: long enough for a child
 * process to start on a loaded two-core machine, short of the tests' hang guard.
 */
export const PROGRESS_STALL_MS = 60_000;

/**
 * Waits until `condition` holds for as long as `progress` keeps changing: a busy machine makes the
 * wait longer, not a failure. Throws naming `what` once progress has stood still for `stallMs`.
 */
export async function waitWhileProgressing(
  condition: () => boolean,
  progress: () => number,
  what: string,
  stallMs = PROGRESS_STALL_MS,
): Promise<void> {
  let last = progress();
  let movedAtMs = Date.now();
  while (!condition()) {
    const now = progress();
    if (now !== last) [last, movedAtMs] = [now, Date.now()];
    if (Date.now() - movedAtMs > stallMs) throw new Error(`no progress for ${stallMs} ms (stuck at ${last}) waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Every secondary has applied exactly what the primary has, in the primary's history. */
export function caughtUp(primary: NetworkSyncBackend, secondaries: readonly NetworkSyncBackend[]): boolean {
  const stats = primary.getReplicationStats();
  if (stats.mode !== 'primary' || stats.pendingWrites > 0 || stats.appliedSequence !== stats.sequenceNumber) return false;
  return secondaries.every((secondary) => {
    const own = secondary.getReplicationStats();
    return own.replicationId === stats.replicationId && own.sequenceNumber === stats.appliedSequence;
  });
}

export async function waitCaughtUp(primary: NetworkSyncBackend, secondaries: readonly NetworkSyncBackend[]): Promise<void> {
  await waitUntil(() => caughtUp(primary, secondaries), 'the secondaries to catch up');
}

/** The first difference between two storages, path by path, metadata included; null when equal. */
export async function storageDifference(expected: StorageBackend, actual: StorageBackend): Promise<string | null> {
  const paths = await expected.list();
  const actualPaths = await actual.list();
  if (paths.join('\n') !== actualPaths.join('\n')) return `paths differ: [${actualPaths.join(', ')}] where [${paths.join(', ')}] were expected`;
  for (const path of paths) {
    const [want, got] = await Promise.all([expected.read(path), actual.read(path)]);
    if (want === undefined || got === undefined) return `${path} vanished while comparing`;
    if (want.path !== got.path) return `${path}: stored as ${got.path}`;
    const difference = entryDifference(want, got);
    if (difference !== null) return `${path}: ${difference}`;
  }
  return null;
}
