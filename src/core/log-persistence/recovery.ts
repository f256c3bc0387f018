import { assert, assertSequence } from '../assert.js';
import { LogCorruptError } from '../errors.js';
import type { Cursor } from '../storage-request.js';

/** `always`: synced before the storage sees a batch; `everysec`: once a second; `no`: at segment changes and close. */
export type LogFsyncPolicy = 'always' | 'everysec' | 'no';

export const LOG_FSYNC_POLICIES: readonly LogFsyncPolicy[] = ['always', 'everysec', 'no'];

/** What a persisted log held at open, its torn tail cut (docs/OPERATION-LOG.md). */
export interface LogExtent {
  readonly historyId: string;
  /** Where the storage stood when the history began: its sequence 0. */
  readonly base: Cursor | null;
  readonly firstSequence: number;
  /** firstSequence − 1 for a log that holds no record yet. */
  readonly lastSequence: number;
  /** Its last record is CLOSED: a clean shutdown, synced. */
  readonly closed: boolean;
}

/**
 * What to do with a log and a storage found together. `replayFrom`..log.lastSequence go to the
 * storage first (none when replayFrom is past it); then the history continues, or a new one
 * begins from the storage as it then stands.
 */
export type RecoveryPlan =
  | { readonly kind: 'continue'; readonly replayFrom: number }
  | { readonly kind: 'newHistory'; readonly replayFrom: number; readonly why: string };

/** The recovery rules of docs/OPERATION-LOG.md, as one decision: pure, so the simulator uses them too. */
export function planRecovery(log: LogExtent | null, storage: Cursor | null, policy: LogFsyncPolicy): RecoveryPlan {
  if (log === null) return { kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY, why: 'no persisted log' };
  assertSequence(log.firstSequence, 'log.firstSequence');
  assert(log.firstSequence >= 1 && log.lastSequence >= log.firstSequence - 1, 'a log extent ends before it begins');
  const replayFrom = replayStart(log, storage);
  if (replayFrom === 'storage ahead') {
    return { kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY, why: `the storage holds sequence ${storage?.sequence} of a log that ends at ${log.lastSequence}: the log lost its unsynced tail` };
  }
  if (replayFrom === 'stale') {
    return { kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY, why: 'the storage holds another history than the log (it was replaced since, as a secondary)' };
  }
  if (policy === 'always' || log.closed) return { kind: 'continue', replayFrom };
  return { kind: 'newHistory', replayFrom, why: `log fsync '${policy}' and no clean shutdown: secondaries may hold sequences the log lost` };
}

function replayStart(log: LogExtent, storage: Cursor | null): number | 'storage ahead' | 'stale' {
  if (storage !== null && storage.replicationId === log.historyId) {
    if (storage.sequence > log.lastSequence) return 'storage ahead';
    if (storage.sequence < log.firstSequence - 1) {
      throw new LogCorruptError(`the storage stands at sequence ${storage.sequence} and the log begins at ${log.firstSequence}: the records between are missing; restore the log with its storage`);
    }
    return storage.sequence + 1;
  }
  if (!sameCursor(storage, log.base)) return 'stale';
  if (log.firstSequence !== 1) {
    throw new LogCorruptError(`the storage stands where history ${log.historyId} began, and its log begins at sequence ${log.firstSequence}: the records before are missing`);
  }
  return 1;
}

export function sameCursor(a: Cursor | null, b: Cursor | null): boolean {
  if (a === null || b === null) return a === b;
  return a.replicationId === b.replicationId && a.sequence === b.sequence;
}
