import { FAST_TIMING } from '../../../harness/fast-timing.js';
import { waitUntil } from '../../../harness/waits.js';
import type { NetworkSyncConfig } from '../../../src/runtime/config.js';
import { NetworkSyncBackend } from '../../../src/runtime/network-sync-backend.js';
import type { StorageBackend } from '../../../src/storage/backend.js';

export { FAST_TIMING } from '../../../harness/fast-timing.js';
export { storageDifference } from '../../../harness/storage-difference.js';
export { PROGRESS_STALL_MS, waitUntil, waitWhileProgressing } from '../../../harness/waits.js';

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

