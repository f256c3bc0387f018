import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { InvalidOperationError, StorageFailedError } from '../../../../src/core/errors.js';
import { typedCommand, typedFailure } from '../../../../src/storage/redis/failures.js';

/** An error as ioredis makes them: a plain Error with its own name. */
function ioredisError(name: string): Error {
  const error = new Error('what Redis said');
  error.name = name;
  return error;
}

describe('typedFailure', () => {
  it.each(['ReplyError', 'AbortError', 'MaxRetriesPerRequestError'])('makes ioredis\' %s a StorageFailedError saying what failed, caused by it', (name) => {
    const cause = ioredisError(name);
    const typed = typedFailure(cause, 'the log');
    expect(typed).toBeInstanceOf(StorageFailedError);
    expect(typed).toMatchObject({ message: 'the log: what Redis said', cause });
  });

  it('leaves every other failure as it is: our own typed errors, bugs, and what is not an Error', () => {
    for (const error of [new InvalidOperationError('refused'), new AssertionError('a bug'), new TypeError('a bug'), ioredisError('Error'), 'not an Error']) {
      expect(typedFailure(error, 'the log')).toBe(error);
    }
  });

  it('typedCommand answers a command\'s reply, and rejects with its failure typed', async () => {
    await expect(typedCommand('the log', Promise.resolve('OK'))).resolves.toBe('OK');
    await expect(typedCommand('the log', Promise.reject(ioredisError('ReplyError')))).rejects.toThrow(new StorageFailedError('the log: what Redis said'));
  });
});
