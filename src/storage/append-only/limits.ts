/**
 * The append-only storage's limits and thresholds, in one place (the core's are in
 * src/core/limits.ts, the runtime's in src/runtime/limits.ts, the record frame's it shares with
 * the operation log in src/storage/limits.ts).
 */

/** Entries per record when a whole keyspace is written (a rewrite, a staged commit). */
export const REWRITE_ENTRIES_PER_RECORD = 4096;
/**
 * The file is rewritten (compacted to one SET per entry) once it has grown past both this and
 * REWRITE_GROWTH_FACTOR times its size after the last rewrite, like Redis' auto-aof-rewrite-min-size
 * and auto-aof-rewrite-percentage 100: each byte is rewritten a bounded number of times on average.
 */
export const REWRITE_MIN_BYTES = 64 * 1024 * 1024;
export const REWRITE_GROWTH_FACTOR = 2;
/** Bytes read at a time when the file is replayed at open. */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Bytes of records appended while a background rewrite runs, kept to be written after its snapshot.
 * A rewrite that the writes outrun past this is abandoned and tried again once the file has doubled.
 */
export const REWRITE_BUFFER_BYTES_MAX = 256 * 1024 * 1024;
