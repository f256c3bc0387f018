import { assert } from '../../core/assert.js';
import type { Keyspace } from '../../core/keyspace.js';
import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { FileWriter, MAGIC } from './append-file.js';
import { REWRITE_BUFFER_BYTES_MAX, REWRITE_CATCH_UP_BYTES_MIN, REWRITE_CATCH_UP_ROUNDS_MAX, REWRITE_ENTRIES_PER_RECORD } from './limits.js';
import { encodeRecord, type BatchRecord } from './record.js';

/**
 * A keyspace as records of SETs, the last one carrying the cursor (alone, when there are no
 * entries). Each record's entries are read as it is made (Keyspace.entriesAsReached), and the
 * keyspace may change between two records: see BackgroundRewrite.
 */
export function* recordsOf(keyspace: Keyspace, cursor: Cursor | null): Generator<BatchRecord> {
  let operations: Operation[] = [];
  for (const entry of keyspace.entriesAsReached()) {
    operations.push(entry);
    if (operations.length === REWRITE_ENTRIES_PER_RECORD) {
      yield { operations, cursor: null };
      operations = [];
    }
  }
  if (operations.length > 0 || cursor !== null) yield { operations, cursor };
}

/**
 * A rewrite while applies go on, as Redis' BGREWRITEAOF: the live keyspace is written to the temp
 * file in the background, a record of entries at a time, and the records appended to the live file
 * from its start are kept (encoded) and written after it. Most of them are written in the
 * background too (the catch-up); the owner writes the rest and renames the file into place between
 * two applies, which wait only for that rest.
 *
 * The keyspace is not copied (with a copy of a million entries, an apply waited up to 0.7 s in
 * `npm run bench:aof-rewrite`): each entry is written as it is when reached, so the snapshot is no
 * one moment's state, yet the file means what the live one does, as long as every change to the
 * keyspace while it runs is an apply whose record it keeps (a staged commit stops it first). For
 * each path, the snapshot holds its state after some prefix of the operations kept, and replaying
 * all of them over that state ends where they did: after the last SET or DELETE of the path, its
 * state is that operation's alone; with none, SET_TTL and METADATA set a field to a value each,
 * again in the same order, and a FLUSH removes the entry if it was in scope, which only a SET
 * changes (test/property/aof-rewrite.property.test.ts).
 * The records kept and not yet written are bounded (REWRITE_BUFFER_BYTES_MAX): a rewrite outrun
 * by the writes is abandoned, its temp file removed, and tried again later.
 */
export class BackgroundRewrite {
  private appended: Uint8Array[][] = [];
  private appendedBytes = 0;
  private writer: FileWriter | undefined;
  private stopped: { readonly why: string; readonly failed: boolean } | undefined;
  /**
   * Resolves once the snapshot and the catch-up are in the temp file, or the rewrite stopped: the
   * owner finishes it then.
   */
  readonly snapshotWritten: Promise<void>;

  /**
   * `keyspace`: the live one, read as the rewrite goes; `cursor`: its cursor now; `sync`: the temp
   * file is synced on the way and when finished (the storage's fsync setting).
   */
  constructor(temp: string, keyspace: Keyspace, cursor: Cursor | null, sync: boolean) {
    this.snapshotWritten = this.writeSnapshot(temp, keyspace, cursor, sync);
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
    this.appended = [];
    this.appendedBytes = 0;
  }

  /**
   * Called between two applies once the snapshot is written: appends what is still kept, syncs
   * and closes the temp file. Returns its size; the owner renames it into place.
   */
  async complete(): Promise<number> {
    const writer = this.writer;
    assert(writer !== undefined && this.stopped === undefined, 'only a rewrite on course completes');
    await this.writeKept(writer);
    return writer.finish();
  }

  /** Removes the temp file, once the snapshot's writing has stopped. */
  async discard(): Promise<void> {
    await this.snapshotWritten;
    await this.writer?.discard();
  }

  private async writeSnapshot(temp: string, keyspace: Keyspace, cursor: Cursor | null, sync: boolean): Promise<void> {
    try {
      const writer = await FileWriter.create(temp, sync);
      this.writer = writer;
      await writer.write([MAGIC]);
      for (const record of recordsOf(keyspace, cursor)) {
        if (this.stopped !== undefined) return;
        await writer.write(encodeRecord(record));
      }
      // A round that did not shrink what waits means the writes keep pace: the owner takes the rest.
      let writtenBytes = Number.POSITIVE_INFINITY;
      for (let round = 0; round < REWRITE_CATCH_UP_ROUNDS_MAX && this.appendedBytes >= REWRITE_CATCH_UP_BYTES_MIN && this.appendedBytes < writtenBytes; round += 1) {
        if (this.stopped !== undefined) return;
        writtenBytes = this.appendedBytes;
        await this.writeKept(writer);
      }
    } catch (error) {
      this.abandon(error instanceof Error ? error.message : String(error), true);
    }
  }

  /**
   * Writes the records kept so far, in the order they were appended; those kept meanwhile wait for
   * the next call. A rewrite stopped meanwhile writes no more: a close waits for this.
   */
  private async writeKept(writer: FileWriter): Promise<void> {
    const records = this.appended;
    this.appended = [];
    this.appendedBytes = 0;
    for (const record of records) {
      if (this.stopped !== undefined) return;
      await writer.write(record);
    }
  }
}
