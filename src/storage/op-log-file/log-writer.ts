import { constants } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../../core/assert.js';
import { StorageFailedError } from '../../core/errors.js';
import type { PersistedLogLimits } from '../../core/limits.js';
import type { LogFsyncPolicy } from '../../core/log-persistence/recovery.js';
import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { closeFd, fdatasyncFd, openFd, writevFd } from '../fd-calls.js';
import { syncPath } from '../filesystem/file-io.js';
import type { SegmentInfo } from './log-reader.js';
import type { LogAppender } from './log-store.js';
import { encodeLogRecord, recordChunks, type LogRecord } from './record.js';
import { encodeSegmentHeader, segmentFileName, type SegmentHeader } from './segment.js';

/**
 * Appends to the log's newest segment, starts segments, removes old ones (retention) and whole
 * histories. Calls must not overlap: LoggedStorage chains them. After a failed write it refuses
 * every other (a torn tail must stay the tail, to be cut at the next open).
 */
export class LogWriter implements LogAppender {
  private fd: number | null = null;
  private header: SegmentHeader | null;
  private dirty = false;
  private failure: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly limits: PersistedLogLimits,
    private readonly policy: LogFsyncPolicy,
    /** Oldest first; the last is the one appended to. */
    private readonly segments: SegmentInfo[],
    header: SegmentHeader | null,
  ) {
    this.header = header;
  }

  get historyId(): string | null {
    return this.header?.historyId ?? null;
  }

  get lastSequence(): number {
    return this.segments[this.segments.length - 1]?.lastSequence ?? 0;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get bytes(): number {
    return this.segments.reduce((total, segment) => total + segment.bytes, 0);
  }

  /** Ends the history in the directory, then starts `historyId` from `base` (docs/OPERATION-LOG.md). */
  async beginHistory(historyId: string, base: Cursor | null): Promise<void> {
    await this.closeSegment();
    for (const segment of this.segments.splice(0)) await unlink(segment.file);
    await syncPath(this.dir);
    this.header = { historyId, firstSequence: 1, base };
    await this.startSegment(1);
  }

  /** A restart continues the history in a segment of its own. */
  continueFrom(firstSequence: number): Promise<void> {
    return this.startSegment(firstSequence);
  }

  /** A new segment from `firstSequence` on, of the same history: the previous one is synced first. */
  private async startSegment(firstSequence: number): Promise<void> {
    const header = this.header;
    assert(header !== null, 'a segment without a history');
    assert(firstSequence === this.lastSequence + 1 || this.segments.length === 0, 'a segment that does not follow the log');
    await this.closeSegment();
    await this.dropEmptyNewest();
    assert(this.segments.every((segment) => segment.firstSequence !== firstSequence), `a second segment from sequence ${firstSequence}`);
    const name = segmentFileName(firstSequence);
    const file = join(this.dir, name);
    const bytes = encodeSegmentHeader({ ...header, firstSequence });
    // Written whole and synced under another name, then renamed: a segment file always has its header.
    await writeFile(`${file}.tmp`, bytes, { flush: true });
    await rename(`${file}.tmp`, file);
    await syncPath(this.dir);
    this.fd = await openFd(file, constants.O_WRONLY | constants.O_APPEND);
    this.segments.push({ file, firstSequence, lastSequence: firstSequence - 1, bytes: bytes.length, lastWrittenAtMs: 0 });
  }

  /** A newest segment without operations (a start, perhaps its CLOSED) gives way to the next one, which may share its name. */
  private async dropEmptyNewest(): Promise<void> {
    const newest = this.segments[this.segments.length - 1];
    if (newest === undefined || newest.lastSequence >= newest.firstSequence) return;
    this.segments.pop();
    await unlink(newest.file);
  }

  /** Appends consecutive operations from `firstSequence`, synced when the policy is `always`. */
  async append(firstSequence: number, operations: readonly Operation[], nowMs: number): Promise<void> {
    assert(firstSequence === this.lastSequence + 1, `log append out of order: ${firstSequence} after ${this.lastSequence}`);
    const active = this.activeSegment();
    // A segment holds at least one record: its header alone may be above a small bound.
    if (active.bytes >= this.limits.logSegmentBytesMax && active.lastSequence >= active.firstSequence) await this.startSegment(firstSequence);
    let sequence = firstSequence;
    for (const chunk of recordChunks(operations, this.limits.logRecordBytesMax)) {
      await this.write({ kind: 'operations', writtenAtMs: nowMs, firstSequence: sequence, operations: chunk });
      sequence += chunk.length;
      this.activeSegment().lastSequence = sequence - 1;
    }
    if (this.policy === 'always') await this.sync();
  }

  /** Makes every append durable (the `everysec` timer, and segment changes). */
  async sync(): Promise<void> {
    if (this.fd === null || !this.dirty) return;
    this.dirty = false;
    await this.guard(fdatasyncFd(this.fd));
  }

  /**
   * Removes closed segments, oldest first, while the log is above a retention bound, never one
   * holding a sequence past `appliedSequence` (the storage still needs it).
   */
  async retain(appliedSequence: number, nowMs: number): Promise<void> {
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as SegmentInfo;
      if (oldest.lastSequence > appliedSequence || !this.aboveRetention(oldest, nowMs)) return;
      this.segments.shift();
      await unlink(oldest.file);
    }
  }

  /** A clean shutdown: CLOSED appended and synced, so the next start may continue the history. */
  async close(nowMs: number): Promise<void> {
    if (this.fd === null) return;
    if (this.failure === null) await this.write({ kind: 'closed', writtenAtMs: nowMs, lastSequence: this.lastSequence });
    await this.closeSegment();
  }

  private aboveRetention(oldest: SegmentInfo, nowMs: number): boolean {
    const entries = this.lastSequence - oldest.firstSequence + 1;
    return this.bytes > this.limits.persistedLogBytesMax || entries > this.limits.persistedLogEntriesMax
      || nowMs - oldest.lastWrittenAtMs > this.limits.persistedLogAgeMsMax;
  }

  private activeSegment(): SegmentInfo {
    const segment = this.segments[this.segments.length - 1];
    assert(segment !== undefined && this.fd !== null, 'no segment open for appending');
    return segment;
  }

  private async write(record: LogRecord): Promise<void> {
    if (this.failure !== null) throw new StorageFailedError(`operation log: an earlier write failed (${this.failure}); restart the primary`);
    const segment = this.activeSegment();
    const chunks = encodeLogRecord(record);
    const bytes = chunks.reduce((total, chunk) => total + chunk.length, 0);
    const { bytesWritten } = await this.guard(writevFd(this.fd as number, chunks));
    if (bytesWritten !== bytes) {
      this.failure = `short write: ${bytesWritten} of ${bytes} bytes`;
      throw new StorageFailedError(`operation log ${segment.file}: ${this.failure}`);
    }
    segment.bytes += bytes;
    segment.lastWrittenAtMs = record.writtenAtMs;
    this.dirty = true;
  }

  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      this.failure ??= error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** Synced whatever the policy: only the newest segment may have a torn tail. */
  private async closeSegment(): Promise<void> {
    const fd = this.fd;
    if (fd === null) return;
    if (this.failure === null) await this.sync();
    this.fd = null;
    await closeFd(fd);
  }
}

