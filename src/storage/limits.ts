/**
 * The limits the storage layer's own files share: the frame of a record in the append-only file
 * and in the operation log's segments (record-frame.ts). Each backend's own are beside it
 * (append-only/limits.ts, redis/limits.ts).
 */

/**
 * A record larger than this is corruption: an apply's batch is bounded far below it by the core.
 * The append-only file and the operation log's segments frame their records alike
 * (src/storage/record-frame.ts), under the same bound.
 */
export const RECORD_BYTES_MAX = 1024 * 1024 * 1024;
/**
 * After a bad record, candidate frames are checked for a good record (each costs a CRC over its
 * length) until this many bytes have been checked; then the bad record is called damage, not a
 * torn tail (the safe side: a startup error, never a cut). Only bytes built to look like frames
 * come near it: it keeps the search linear in the file's size.
 */
export const RESYNC_CHECKED_BYTES_MAX = 1024 * 1024 * 1024;
