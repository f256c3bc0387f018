import { assert } from '../src/core/assert.js';
import type { LogExtent, LogFsyncPolicy } from '../src/core/log-persistence/recovery.js';
import type { LogEntry, Operation } from '../src/core/operation.js';
import type { Cursor } from '../src/core/storage-request.js';

/**
 * The primary's persisted operation log as its files behave (src/storage/op-log-file,
 * docs/OPERATION-LOG.md), on the simulated machine: appended before the storage sees a batch;
 * with `always` durable at once, with `everysec` from the next sync point on (a multiple of
 * syncIntervalMs), with `no` never before a clean shutdown (which a simulated crash is not). A
 * crash keeps the durable entries only. A new history's start (header and base) is durable at once.
 */
export class SimOperationLog {
  private historyId: string | null = null;
  private base: Cursor | null = null;
  private entries: LogEntry[] = [];
  /** When each entry was appended, for `everysec`. */
  private appendedAtMs: number[] = [];

  constructor(
    readonly policy: LogFsyncPolicy,
    private readonly syncIntervalMs: number,
  ) {
    assert(Number.isSafeInteger(syncIntervalMs) && syncIntervalMs > 0, 'syncIntervalMs must be a positive integer');
  }

  /** What a reopen would find now: its extent and entries, as the files' reader gives them. */
  get extent(): LogExtent | null {
    if (this.historyId === null) return null;
    const lastSequence = this.entries[this.entries.length - 1]?.sequence ?? 0;
    return { historyId: this.historyId, base: this.base, firstSequence: 1, lastSequence, closed: false };
  }

  get held(): readonly LogEntry[] {
    return this.entries;
  }

  /** A primary's apply, before the storage sees it; another history than the log's begins a new one from `storageCursor`. */
  append(cursor: Cursor, operations: readonly Operation[], storageCursor: Cursor | null, nowMs: number): void {
    if (cursor.replicationId !== this.historyId) {
      this.historyId = cursor.replicationId;
      this.base = storageCursor;
      this.entries = [];
      this.appendedAtMs = [];
    }
    const first = cursor.sequence - operations.length + 1;
    assert(first === (this.entries[this.entries.length - 1]?.sequence ?? 0) + 1, `log append out of order: ${first}`);
    operations.forEach((op, index) => {
      this.entries.push({ sequence: first + index, timestampMs: nowMs, op });
      this.appendedAtMs.push(nowMs);
    });
  }

  /** The machine stopped: what was not durable is gone (a torn tail, cut at the next open). */
  crash(nowMs: number): void {
    const durable = this.durableCount(nowMs);
    this.entries = this.entries.slice(0, durable);
    this.appendedAtMs = this.appendedAtMs.slice(0, durable);
  }

  private durableCount(nowMs: number): number {
    if (this.policy === 'always') return this.entries.length;
    if (this.policy === 'no') return 0;
    const syncPointMs = nowMs - (nowMs % this.syncIntervalMs);
    let count = 0;
    while (count < this.appendedAtMs.length && (this.appendedAtMs[count] as number) < syncPointMs) count += 1;
    return count;
  }
}
