import type { Limits, PersistedLogLimits } from '../../core/limits.js';
import type { LogExtent, LogFsyncPolicy } from '../../core/log-persistence/recovery.js';
import type { LogEntry, Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';

/** What a log held at open, checked end to end (docs/OPERATION-LOG.md). */
export interface OpenedLog {
  readonly extent: LogExtent | null;
  /** Every entry it holds, in order. */
  readonly entries: readonly LogEntry[];
  /** Bytes of a torn tail cut at open (0 where the medium cannot tear a record). */
  readonly cutBytes: number;
  /** The durability the place gives its appends: the configured policy, or Redis' own. */
  readonly policy: LogFsyncPolicy;
  readonly appender: LogAppender;
}

export interface LogSettings {
  readonly limits: PersistedLogLimits;
  /** The primary's limits: what a logged operation may be. */
  readonly coreLimits: Limits;
  readonly policy: LogFsyncPolicy;
}

/** Where a primary's log lives: segment files (src/storage/op-log-file), or Redis (src/storage/op-log-redis). */
export interface LogStore {
  /** Where the log is, for the log line that says what was recovered from it: a directory, or a Redis and its keys. */
  readonly where: string;
  open(settings: LogSettings): Promise<OpenedLog>;
}

/** Appends to an opened log. Calls must not overlap (LoggedStorage chains them). */
export interface LogAppender {
  readonly historyId: string | null;
  /** Segments (files) or records (Redis) it holds, and their bytes: for statistics and tests. */
  readonly segmentCount: number;
  readonly bytes: number;
  /** Ends the log's history and starts `historyId` from `base`, durably. */
  beginHistory(historyId: string, base: Cursor | null): Promise<void>;
  /** A restart continues the history: appends go on from `firstSequence`. */
  continueFrom(firstSequence: number): Promise<void>;
  append(firstSequence: number, operations: readonly Operation[], nowMs: number): Promise<void>;
  /** Retention: removes the oldest records the bounds allow, never one past `appliedSequence`. */
  retain(appliedSequence: number, nowMs: number): Promise<void>;
  sync(): Promise<void>;
  /** A clean shutdown: CLOSED appended, durably. */
  close(nowMs: number): Promise<void>;
}
