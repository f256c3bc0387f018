/**
 * The typed errors callers catch and log: each names itself (the original's names where it had
 * them), sits under ReplicationError, and a ConnectionError says where it failed.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import * as errors from '../../../src/core/errors.js';

describe('errors', () => {
  it.each(Object.entries(errors))('%s is named after itself and is a ReplicationError', (name, ErrorClass) => {
    const error = ErrorClass === errors.ConnectionError ? new errors.ConnectionError('refused', 'h', 1) : new (ErrorClass as typeof errors.ReplicationError)('m');
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(errors.ReplicationError);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  it('puts the host and port in a ConnectionError', () => {
    const error = new errors.ConnectionError('connection refused', 'db.example', 7000);
    expect(error.message).toBe('connection refused (db.example:7000)');
    expect([error.host, error.port]).toEqual(['db.example', 7000]);
  });

  it('names an AssertionError, which is no ReplicationError (a bug, not bad input)', () => {
    const error = new AssertionError('x');
    expect(error.name).toBe('AssertionError');
    expect(error).not.toBeInstanceOf(errors.ReplicationError);
  });
});
