import { describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../../../src/core/errors.js';
import { retryAborted } from '../../../../src/storage/redis/aborted-batch.js';
import { ABORTED_BATCH_ATTEMPTS_MAX } from '../../../../src/storage/redis/limits.js';

/** What ioredis rejects a transaction's commands with when their connection closed before EXEC's reply. */
function abortError(): Error {
  const error = new Error('Connection is closed.');
  error.name = 'AbortError';
  return error;
}

/** A batch that fails with `failure()` on its first `failures` attempts, then answers its attempt number. */
function batchFailing(failures: number, failure: () => unknown): { run: () => Promise<number>; attempts: () => number } {
  let attempts = 0;
  return {
    run: async () => {
      attempts += 1;
      if (attempts <= failures) throw failure();
      return attempts;
    },
    attempts: () => attempts,
  };
}

describe('retryAborted', () => {
  it('runs a batch again after each transaction a closed connection aborted, up to ABORTED_BATCH_ATTEMPTS_MAX attempts', async () => {
    const lastChance = batchFailing(ABORTED_BATCH_ATTEMPTS_MAX - 1, abortError);
    expect(await retryAborted(lastChance.run)).toBe(ABORTED_BATCH_ATTEMPTS_MAX);
    const flapping = batchFailing(ABORTED_BATCH_ATTEMPTS_MAX, abortError);
    await expect(retryAborted(flapping.run)).rejects.toThrow('Connection is closed.');
    expect(flapping.attempts()).toBe(ABORTED_BATCH_ATTEMPTS_MAX);
  });

  it('fails at once on any other error', async () => {
    for (const failure of [() => new StorageFailedError('Redis failed a command: WRONGTYPE'), () => ({ name: 'AbortError' })]) {
      const batch = batchFailing(1, failure);
      await expect(retryAborted(batch.run)).rejects.toEqual(failure());
      expect(batch.attempts()).toBe(1);
    }
  });
});
