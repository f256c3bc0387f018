/**
 * The Redis storage's limits, in one place (the core's are in src/core/limits.ts, the runtime's in
 * src/runtime/limits.ts, the append-only storage's in src/storage/append-only/limits.ts).
 */

/**
 * Attempts of one batch whose transaction a closed connection aborted. ioredis rejects a MULTI
 * cut before EXEC's reply (AbortError) and resends nothing of it; each attempt waits in ioredis'
 * queue for the next connection, so this is how many connections in a row may be cut under one
 * batch (a flapping link) before the storage counts as failed.
 */
export const ABORTED_BATCH_ATTEMPTS_MAX = 100;

/**
 * Bytes of a batch's commands packed into one argument of its script (packed-commands.ts): Redis
 * takes at most proto-max-bulk-len (512 MB by default) in one argument.
 */
export const PACKED_COMMANDS_BYTES_MAX = 64 * 1024 * 1024;

/**
 * Fields or members one grouped command of a batch's script carries (checked-writes.ts): a batch's
 * index writes go as a few HSET, HDEL, ZADD and ZREM of many, where a command each cost Redis about
 * as much again in the script as the command itself; Lua's unpack takes at most about 8,000 values.
 */
export const GROUPED_MEMBERS_MAX = 1_000;
