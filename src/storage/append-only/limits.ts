/**
 * The append-only storage's limits and thresholds, in one place (the core's are in
 * src/core/limits.ts, the runtime's in src/runtime/limits.ts, the record frame's it shares with
 * the operation log in src/storage/limits.ts).
 */

/** Entries per record when a whole keyspace is written (a rewrite, a staged commit). */
export const REWRITE_ENTRIES_PER_RECORD = 1024;
/**
 * The file is rewritten (compacted to one SET per entry) once it has grown past both this and
 * REWRITE_GROWTH_FACTOR times its size after the last rewrite, like Redis' auto-aof-rewrite-min-size
 * and auto-aof-rewrite-percentage 100: each byte is rewritten a bounded number of times on average.
 */
export const REWRITE_MIN_BYTES = 64 * 1024 * 1024;
export const REWRITE_GROWTH_FACTOR = 2;
/** A value of a record at least this large is written from its own bytes; smaller ones are copied together. */
export const RECORD_VALUE_SHARED_BYTES_MIN = 64 * 1024;
/** Bytes read at a time when the file is replayed at open. */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Bytes of records appended while a background rewrite runs and not yet written to its file. A
 * rewrite that the writes outrun past this is abandoned and tried again once the file has doubled.
 */
export const REWRITE_BUFFER_BYTES_MAX = 256 * 1024 * 1024;
/**
 * A file written whole (a rewrite, a staged commit) under fsync is synced every this many bytes,
 * as Redis' aof-rewrite-incremental-fsync does every 4 MB: its dirty pages then reach the disk a
 * little at a time, rather than all at its end while every append's fdatasync queues behind them.
 */
export const WHOLE_FILE_SYNC_BYTES = 4 * 1024 * 1024;
/**
 * Once its snapshot is written, a rewrite writes the records appended meanwhile in the background
 * while at least this many bytes of them wait and fewer than it wrote the time before, at most
 * REWRITE_CATCH_UP_ROUNDS_MAX times: what is left is written between two applies, which wait for it.
 */
export const REWRITE_CATCH_UP_BYTES_MIN = 1024 * 1024;
export const REWRITE_CATCH_UP_ROUNDS_MAX = 16;
