import type { Entry, ScanPage, ScanRequest } from '../core/keyspace.js';
import type { Operation } from '../core/operation.js';
import type { Cursor } from '../core/storage-request.js';
import type { LogStore } from './op-log-file/log-store.js';

/** An entry's metadata without its value (the original's metadata record). */
export type EntryMetadata = Omit<Entry, 'value' | 'type'> & { readonly sizeBytes: number };

/**
 * A storage backend: the original's surface (write, read, delete, exists, size, metadata, list,
 * close) plus what replication needs (ordered batches with a persisted cursor, ordered scans, and
 * a staging area swapped in atomically for readers).
 *
 * The contract. Every backend (memory, filesystem, append-only file, Redis) and the simulator's disk
 * (sim/storage.ts) are implementations of it; test/unit/storage/contract.ts checks it example by
 * example and test/property/storage-model.property.test.ts against a plain model, for all of
 * them, and test/crash/ with real processes killed at random points.
 * 1. Order: calls are served, and complete, in the order they are made (FIFO), even when made
 *    without awaiting; a read sees every call made before it.
 * 2. Meaning: `apply` applies its operations in order with the semantics of docs/PROTOCOL.md
 *    (SET replaces the whole entry; DELETE removes; SET_TTL and METADATA change an existing
 *    entry and do nothing to a missing one; FLUSH removes what matches its db and namespace).
 * 3. Atomicity: an `apply` and its cursor (when not null) are one unit. After a crash at any
 *    instant, the storage holds the state after some whole prefix of the calls made, and
 *    `loadCursor` names the last cursor of that prefix: never data ahead of the cursor, never a
 *    cursor ahead of the data, never part of a batch.
 * 4. Durability: a call that resolved `{ durable: true }` is in every prefix a later crash can
 *    leave (process crash, and power loss where the backend fsyncs). `durable: false` promises
 *    only 3. Memory is never durable: its process is its storage.
 * 5. Expiry: storage keeps no clock and removes nothing on its own. An entry past its expiry is
 *    stored, read, listed and scanned as it is until a DELETE removes it: only the primary
 *    expires entries, and it replicates each expiry as a DELETE; readers hide expired entries
 *    (`isExpired`). A backend whose store could expire or evict keys by itself must prevent it
 *    (RedisStorage sets no TTL and refuses an allkeys-* eviction policy).
 * 6. Full resync: `stageBegin` starts an empty staging area (discarding any other),
 *    `stageApply` fills it with the meaning of 2, invisible to every read, and `stageCommit`
 *    replaces the live data with it and persists the cursor, atomically for readers and across a
 *    crash (all old data and cursor, or all new). A staging area does not survive a restart.
 * 7. Scans page by path in UTF-16 code-unit order like `Keyspace.scan` (Redis: UTF-8 byte order,
 *    which differs beyond the BMP; paging is exact either way), sizing pages with
 *    `operationWireBytesMax`; every page of a non-empty remainder holds at least one entry.
 *    A page costs O(page), not O(keyspace): a backend may return a `resumeId` that the next
 *    page's request gives back, with the path the page ended on, to continue that very scan
 *    (ResumableScans); without one, a page starts afresh. With writes between pages, a scan returns every entry
 *    present throughout exactly once, in order, each as it is when its page is read, and no
 *    entry removed before its page; one created meanwhile may be missed (the snapshot's replay
 *    carries it).
 * 8. Refusals: a backend may refuse names it cannot store (the filesystem: a path that would be
 *    a file and a directory, `.`/`..` segments, `.nadb`, a segment over 255 bytes; Redis: lone
 *    surrogates) with an InvalidOperationError, applying nothing of that batch. Any other
 *    failure rejects the promise with an Error; the caller stops applying. A rejected apply
 *    leaves no part of its batch or cursor (3): RedisStorage's fails before its first write on
 *    a key an operator turned into another type (the contract's `breaksApply`). A backend that
 *    refuses names by their form alone says so in `checkStorable` too, synchronously: a primary
 *    calls it before a write enters its log, since a write the log holds is streamed to the
 *    secondaries and can no longer be refused (its storage refusing it then stops the primary).
 * 9. Lost data: a backend whose store can lose its data behind a running instance (a Redis
 *    restarted with persistence off, or flushed) detects it and rejects every call from then on
 *    with StorageLostError, also in the next instance opened on that store, never serving what
 *    is left as if nothing had happened; `loadCursor` resolves null (there is no position), and
 *    a full resync (stageBegin ... stageCommit) ends the loss. A secondary then forgets its
 *    position and resyncs in full; a primary refuses writes (its storage no longer holds the
 *    history it streams). RedisStorage detects it with a token key (redis/data-guard.ts).
 * 10. Bounded listings: `list` and `listTagged` given `pathsMax` (a positive integer; anything
 *    else rejects) answer only the first `pathsMax` paths, in code-unit order, and hold no more
 *    than a small multiple of that at a time, however many match: the admin endpoint's /list
 *    asks for its limit and nothing more. By prefix, the filesystem reads only the directories on
 *    the way to the prefix and its paths up to the limit, and Redis its ordered index up to the
 *    limit (the first in UTF-8 byte order, as its scans, then sorted by code units; they differ
 *    only as rule 7 says); by tag, the filesystem reads metadata until the limit is reached, and
 *    Redis its tag's set a batch at a time. Memory and append-only keep a Map with no order: they
 *    visit every path (no sort, no copy of them all). Without `pathsMax`, every path.
 * 11. Bytes: what `read` answers is the caller's own: changing a value read changes nothing
 *    stored (MemoryStorage handed out its own bytes of a value above COMPACT_VALUE_BYTES_MAX).
 *    What `scan` answers is read-only: memory and append-only answer their own bytes, as a full
 *    resync only encodes them (the core never changes them). An entry's tags are read-only, as
 *    their type says: memory and append-only share one frozen array per list of tags. `apply` and
 *    `stageApply` may keep the arrays of the operations they are given, so their caller does not
 *    change them afterwards: the core never does, and the API copies a caller's data before a
 *    write enters the log.
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
  /**
   * Throws InvalidOperationError for an operation whose names this backend refuses by their form
   * alone (rule 8), whatever it holds; absent for a backend that stores every name the core accepts.
   */
  checkStorable?(op: Operation): void;
  /** Where a primary on this backend keeps its operation log by default: a directory beside the data (FileSystemStorage, AppendOnlyStorage). */
  readonly operationLogDir?: string;
  /** ... or a store of the backend's own (RedisStorage: its server, db and key prefix). Absent on both: the log stays in memory. */
  readonly operationLogStore?: LogStore;

  read(path: string): Promise<Entry | undefined>;
  exists(path: string): Promise<boolean>;
  /** The value's size in bytes, or undefined when there is no entry. */
  size(path: string): Promise<number | undefined>;
  metadata(path: string): Promise<EntryMetadata | undefined>;
  /**
   * Paths in code-unit order, optionally only those starting with `prefix`; with `pathsMax` (a
   * positive integer), the first `pathsMax` of them only (rule 10).
   */
  list(prefix?: string, pathsMax?: number): Promise<string[]>;
  /** Paths of the entries holding `tag`, in code-unit order; with `pathsMax`, the first `pathsMax` only. */
  listTagged(tag: string, pathsMax?: number): Promise<string[]>;
  close(): Promise<void>;
}
