import { assert } from '../../core/assert.js';
import type { Keyspace } from '../../core/keyspace.js';
import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { FileWriter, MAGIC } from './append-file.js';
import { REWRITE_BUFFER_BYTES_MAX, REWRITE_ENTRIES_PER_RECORD } from './limits.js';
import { encodeRecord, type BatchRecord } from './record.js';

/** A keyspace as records of SETs, the last one carrying the cursor (alone, when there are no entries). */
export function* recordsOf(keyspace: Keyspace, cursor: Cursor | null): Generator<BatchRecord> {
  let operations: Operation[] = [];
  for (const entry of keyspace.values()) {
    operations.push(entry);
    if (operations.length === REWRITE_ENTRIES_PER_RECORD) {
      yield { operations, cursor: null };
      operations = [];
    }
  }
  if (operations.length > 0 || cursor !== null) yield { operations, cursor };
}

/**
 * A rewrite while applies go on, as Redis' BGREWRITEAOF: a copy of the keyspace taken at one
 * apply's end is written to the temp file in the background; the records appended to the live
 * file meanwhile are kept (encoded) and written after it when it is done, so the temp file means
 * what the live one does. The owner then renames it into place, between two applies.
 * The records kept are bounded (REWRITE_BUFFER_BYTES_MAX): a rewrite outrun by the writes is
 * abandoned, its temp file removed, and tried again later.
 */
export class BackgroundRewrite {
  private readonly appended: Uint8Array[][] = [];
  private appendedBytes = 0;
  private writer: FileWriter | undefined;
  private stopped: { readonly why: string; readonly failed: boolean } | undefined;
  /** Resolves once the snapshot is in the temp file, or the rewrite stopped: the owner finishes it then. */
  readonly snapshotWritten: Promise<void>;

  constructor(temp: string, snapshot: Keyspace, cursor: Cursor | null) {
    this.snapshotWritten = this.writeSnapshot(temp, snapshot, cursor);
  }

  /** Why the rewrite stopped short (`failed`: an I/O error, not a rewrite outrun), or undefined. */
  get abandoned(): { readonly why: string; readonly failed: boolean } | undefined {
    return this.stopped;
  }

  /** A record just appended to the live file, which the temp file must get too. */
  keep(record: Uint8Array[]): void {
    if (this.stopped !== undefined) return;
    this.appended.push(record);
    this.appendedBytes += record.reduce((total, chunk) => total + chunk.length, 0);
    if (this.appendedBytes > REWRITE_BUFFER_BYTES_MAX) this.abandon(`more than ${REWRITE_BUFFER_BYTES_MAX} bytes were appended while it ran`, false);
  }

  abandon(why: string, failed: boolean): void {
    this.stopped ??= { why, failed };
    this.appended.length = 0;
  }

  /**
   * Called between two applies once the snapshot is written: appends what was kept, syncs and
   * closes the temp file. Returns its size; the owner renames it into place.
   */
  async complete(sync: boolean): Promise<number> {
    const writer = this.writer;
    assert(writer !== undefined && this.stopped === undefined, 'only a rewrite on course completes');
    for (const record of this.appended) await writer.write(record);
    this.appended.length = 0;
    return writer.finish(sync);
  }

  /** Removes the temp file, once the snapshot's writing has stopped. */
  async discard(): Promise<void> {
    await this.snapshotWritten;
    await this.writer?.discard();
  }

  private async writeSnapshot(temp: string, snapshot: Keyspace, cursor: Cursor | null): Promise<void> {
    try {
      this.writer = await FileWriter.create(temp);
      await this.writer.write([MAGIC]);
      for (const record of recordsOf(snapshot, cursor)) {
        if (this.stopped !== undefined) return;
        await this.writer.write(encodeRecord(record));
      }
    } catch (error) {
      this.abandon(error instanceof Error ? error.message : String(error), true);
    }
  }
}
