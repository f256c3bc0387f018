import type { ScanPage, ScanRequest } from './keyspace.js';
import type { Operation } from './operation.js';

/** Where a secondary stands: the history it holds and how far into it. Persisted with its data. */
export interface Cursor {
  readonly replicationId: string;
  readonly sequence: number;
  /** The fencing epoch of that history (failover/fencing.ts); absent: 0. It only grows. */
  readonly epoch?: number;
}

/**
 * What the core asks of its storage. The driver executes requests in the order they are polled
 * and completes them in that order (FIFO): the core's reasoning about what a scan can see, and
 * about where a secondary stands, rests on it.
 */
export type StorageRequest =
  /** Apply to the live keyspace, in order; persist `cursor` with them when not null. */
  | { readonly kind: 'apply'; readonly operations: readonly Operation[]; readonly cursor: Cursor | null }
  | ({ readonly kind: 'scan' } & ScanRequest)
  /** Start an empty staging area, discarding any previous one. Reads never see it. */
  | { readonly kind: 'stageBegin' }
  | { readonly kind: 'stageApply'; readonly operations: readonly Operation[] }
  /** Replace the live keyspace with the staging area, and persist `cursor`, atomically for readers. */
  | { readonly kind: 'stageCommit'; readonly cursor: Cursor };

export type StorageResult =
  /** `durable`: the effects survive a crash of the process (fsync, Redis AOF); memory says false. */
  | { readonly kind: 'done'; readonly durable: boolean }
  | ({ readonly kind: 'scanned' } & ScanPage)
  /** `lost`: the storage no longer holds what was stored in it (StorageLostError), not merely a failed call. */
  | { readonly kind: 'failed'; readonly message: string; readonly lost?: true };
