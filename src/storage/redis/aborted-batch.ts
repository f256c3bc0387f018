import { ABORTED_BATCH_ATTEMPTS_MAX } from './limits.js';

/**
 * Runs a batch again when the connection closed under its transaction. Whether Redis ran the
 * EXEC is unknown (the reply was lost), and it does not matter: a batch is loaded and computed
 * afresh on each attempt, and its operations are absolute (a SET writes the whole record, the
 * cursor is a value), so running it twice leaves what running it once does. A MULTI without its
 * EXEC is discarded by Redis with its connection. Without this, one cut between a primary and its
 * Redis failed the primary's storage for good.
 */
export async function retryAborted<T>(batch: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await batch();
    } catch (error) {
      if (!isAbortedByClose(error) || attempt >= ABORTED_BATCH_ATTEMPTS_MAX) throw error;
    }
  }
}

/** ioredis' AbortError: a command of a pipeline or transaction whose connection closed before its reply. */
function isAbortedByClose(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
