import { assert } from '../../core/assert.js';
import type { Entry, ScanPage, ScanRequest } from '../../core/keyspace.js';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, REPLAY_BATCH_ENTRIES, validatePersistedLogLimits, type Limits, type PersistedLogLimits } from '../../core/limits.js';
import type { RecoveredHistory } from '../../core/log-persistence/history.js';
import { planRecovery, type LogFsyncPolicy, type RecoveryPlan } from '../../core/log-persistence/recovery.js';
import type { LogEntry, Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import type { EntryMetadata, StorageBackend } from '../backend.js';
import { fileLogStore } from './log-reader.js';
import type { LogAppender, LogStore } from './log-store.js';

export interface LoggedStorageOptions {
  /** The log's own directory, beside the data (docs/OPERATION-LOG.md); or `store`, another place for it. */
  readonly dir?: string;
  readonly store?: LogStore;
  /** Where the place has a policy of its own (Redis), that one holds. */
  readonly fsync: LogFsyncPolicy;
  readonly limits?: Partial<PersistedLogLimits>;
  /** The primary's limits: what a logged operation may be, and how much of the log it loads. */
  readonly coreLimits?: Limits;
  /** The wall clock: record times and retention by age. */
  readonly nowMs?: () => number;
}

/** What open() found and did, for the operator's log. */
export interface LogRecovery {
  readonly plan: RecoveryPlan;
  readonly replayed: number;
  readonly cutBytes: number;
}

/**
 * A primary's storage with its operation log persisted beside it: every apply is appended to the
 * log (synced by the policy) before the base backend sees it, with the cursor that names the
 * history in both. open() reconciles the two by the recovery rules of docs/OPERATION-LOG.md.
 * Everything else goes to the base backend as it is.
 */
export class LoggedStorage implements StorageBackend {
  private logTail: Promise<unknown> = Promise.resolve();
  private syncTimer: NodeJS.Timeout | null = null;
  private logClosed = false;

  private constructor(
    private readonly base: StorageBackend,
    private readonly writer: LogAppender,
    private readonly policy: LogFsyncPolicy,
    private readonly nowMs: () => number,
    /** Where the storage stands: the base of a history begun at the next write. */
    private storageCursor: Cursor | null,
    /** The history the primary continues; null: it begins a new one. */
    readonly history: RecoveredHistory | null,
    readonly recovery: LogRecovery,
  ) {}

  static async open(base: StorageBackend, options: LoggedStorageOptions): Promise<LoggedStorage> {
    const limits = { ...DEFAULT_PERSISTED_LOG_LIMITS, ...options.limits };
    validatePersistedLogLimits(limits);
    const nowMs = options.nowMs ?? Date.now;
    assert((options.dir === undefined) !== (options.store === undefined), 'a logged storage has a dir or a store');
    const store = options.store ?? fileLogStore(options.dir as string);
    const read = await store.open({ limits, coreLimits: options.coreLimits ?? DEFAULT_LIMITS, policy: options.fsync });
    const plan = planRecovery(read.extent, await base.loadCursor(), read.policy);
    const replay = read.entries.filter((entry) => entry.sequence >= plan.replayFrom);
    const historyId = read.extent?.historyId ?? '';
    for (let start = 0; start < replay.length; start += REPLAY_BATCH_ENTRIES) await applyEntries(base, historyId, replay.slice(start, start + REPLAY_BATCH_ENTRIES));
    const writer = read.appender;
    let history: RecoveredHistory | null = null;
    if (plan.kind === 'continue') {
      assert(read.extent !== null, 'a history continues from a log');
      history = { replicationId: read.extent.historyId, lastSequence: read.extent.lastSequence, entries: read.entries };
      await writer.continueFrom(read.extent.lastSequence + 1);
      await writer.retain(read.extent.lastSequence, nowMs());
    }
    const recovery = { plan, replayed: replay.length, cutBytes: read.cutBytes };
    const storage = new LoggedStorage(base, writer, read.policy, nowMs, await base.loadCursor(), history, recovery);
    if (read.policy === 'everysec') storage.startSyncTimer(limits.logSyncIntervalMs);
    return storage;
  }

  /** Segments and bytes of the log on disk, for statistics and tests. */
  get logSegments(): number {
    return this.writer.segmentCount;
  }

  get logBytes(): number {
    return this.writer.bytes;
  }

  /** The log first (a new history begins at the first write of another id), then the base backend with the same cursor. */
  async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    assert(cursor !== null, 'a primary applies with the cursor of its history');
    assert(!this.logClosed, 'apply after the log was closed');
    const firstSequence = cursor.sequence - operations.length + 1;
    await this.onLog(async () => {
      if (cursor.replicationId !== this.writer.historyId) await this.writer.beginHistory(cursor.replicationId, this.storageCursor);
      await this.writer.append(firstSequence, operations, this.nowMs());
    });
    const result = await this.base.apply(operations, cursor);
    this.storageCursor = cursor;
    await this.onLog(() => this.writer.retain(cursor.sequence, this.nowMs()));
    // With `always` the log replays it after any crash, whatever the base backend promised.
    return { durable: this.policy === 'always' || result.durable };
  }

  /** A clean shutdown of the log (CLOSED, synced); the base backend stays open. Idempotent. */
  async closeLog(): Promise<void> {
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
    if (this.logClosed) return;
    this.logClosed = true;
    await this.onLog(() => this.writer.close(this.nowMs()));
  }

  async close(): Promise<void> {
    await this.closeLog();
    await this.base.close();
  }

  scan(request: ScanRequest): Promise<ScanPage> {
    return this.base.scan(request);
  }

  stageBegin(): Promise<void> {
    return this.base.stageBegin();
  }

  stageApply(operations: readonly Operation[]): Promise<void> {
    return this.base.stageApply(operations);
  }

  async stageCommit(cursor: Cursor): Promise<{ durable: boolean }> {
    const result = await this.base.stageCommit(cursor);
    this.storageCursor = cursor;
    return result;
  }

  loadCursor(): Promise<Cursor | null> {
    return this.base.loadCursor();
  }

  /** The base backend's refusals: a name it cannot store must be refused before the log takes it. */
  checkStorable(op: Operation): void {
    this.base.checkStorable?.(op);
  }

  read(path: string): Promise<Entry | undefined> {
    return this.base.read(path);
  }

  exists(path: string): Promise<boolean> {
    return this.base.exists(path);
  }

  size(path: string): Promise<number | undefined> {
    return this.base.size(path);
  }

  metadata(path: string): Promise<EntryMetadata | undefined> {
    return this.base.metadata(path);
  }

  list(prefix?: string, pathsMax?: number): Promise<string[]> {
    return this.base.list(prefix, pathsMax);
  }

  listTagged(tag: string, pathsMax?: number): Promise<string[]> {
    return this.base.listTagged(tag, pathsMax);
  }

  /** Log calls never overlap: applies, the everysec timer's syncs and the close take turns. */
  private onLog<T>(call: () => Promise<T>): Promise<T> {
    const result = this.logTail.then(call);
    this.logTail = result.catch(() => undefined);
    return result;
  }

  private startSyncTimer(intervalMs: number): void {
    // A failed sync is remembered by the writer, and the next apply fails with it.
    this.syncTimer = setInterval(() => void this.onLog(() => this.writer.sync()).catch(() => undefined), intervalMs);
    this.syncTimer.unref();
  }
}

async function applyEntries(base: StorageBackend, historyId: string, entries: readonly LogEntry[]): Promise<void> {
  const last = entries[entries.length - 1];
  assert(last !== undefined, 'an empty replay');
  await base.apply(entries.map((entry) => entry.op), { replicationId: historyId, sequence: last.sequence });
}
