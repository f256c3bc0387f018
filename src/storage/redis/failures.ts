import { StorageFailedError } from '../../core/errors.js';

/**
 * The names of ioredis' errors for a command that failed: Redis refused it (ReplyError:
 * WRONGTYPE, OOM, EXECABORT, a renamed command), the connection closed under its transaction
 * (AbortError), or no connection came back within its retries (MaxRetriesPerRequestError).
 */
const COMMAND_FAILURES = new Set(['ReplyError', 'AbortError', 'MaxRetriesPerRequestError']);

/** What RedisStorage's failures say failed. */
export const REDIS_COMMAND_FAILED = 'Redis failed a command';

/** A StorageFailedError for a command ioredis failed, saying `what` failed; any other error as it is. */
export function typedFailure(error: unknown, what: string): unknown {
  if (!(error instanceof Error) || !COMMAND_FAILURES.has(error.name)) return error;
  return new StorageFailedError(`${what}: ${error.message}`, { cause: error });
}

/** The reply of `command`, or its failure as a StorageFailedError saying `what` failed. */
export async function typedCommand<T>(what: string, command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    throw typedFailure(error, what);
  }
}
