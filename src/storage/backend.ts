import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';

/** An entry's metadata without its value (the original's metadata record). */
export type EntryMetadata = Omit<Entry, 'value' | 'type'> & { readonly sizeBytes: number };

/**
 * A storage backend: the original's surface (write, read, delete, exists, size, metadata, list,
 * close) plus what replication needs (ordered batches with a persisted cursor, ordered scans, and
 * a staging area swapped in atomically for readers).
 *
 * Contract, checked by the contract suite for every backend:
 * - calls are served in the order they are made (FIFO), even when made without awaiting;
 * - `apply` applies its operations in order with the semantics of `Keyspace.apply`, and persists
 *   `cursor` (when not null) no earlier than the operations: after a crash the stored cursor never
 *   claims operations the data lacks;
 * - `scan` pages by path in UTF-16 code-unit order like `Keyspace.scan` (Redis: UTF-8 byte order,
 *   which differs beyond the BMP; paging is exact either way), sizing pages with
 *   `operationWireBytesMax`;
 * - `stageCommit` replaces the live data with the staging area and persists the cursor so that a
 *   reader sees all old or all new data, never a mix;
 * - reads return entries as stored, expired or not: hiding expired entries is the caller's job
 *   (`isExpired`), since only the primary deletes them;
 * - a failure rejects the promise with an Error; the caller stops applying.
 */
export interface StorageBackend {
  /** `durable`: the operations survive a crash of this process once the promise resolves. */
  apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }>;
  scan(request: ScanRequest): Promise<ScanPage>;
  stageBegin(): Promise<void>;
  stageApply(operations: readonly Operation[]): Promise<void>;
  stageCommit(cursor: Cursor): Promise<{ durable: boolean }>;
  /** Where a secondary's data stands, as last persisted; null for storage that never held any. */
  loadCursor(): Promise<Cursor | null>;

  read(path: string): Promise<Entry | undefined>;
  exists(path: string): Promise<boolean>;
  /** The value's size in bytes, or undefined when there is no entry. */
  size(path: string): Promise<number | undefined>;
  metadata(path: string): Promise<EntryMetadata | undefined>;
  /** Paths in code-unit order, optionally only those starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
  /** Paths of the entries holding `tag`, in code-unit order. */
  listTagged(tag: string): Promise<string[]>;
  close(): Promise<void>;
}
