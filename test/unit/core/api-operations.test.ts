import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT, operationOf, type ApiCall } from '../../../src/core/api-operations.js';
import { InvalidOperationError } from '../../../src/core/errors.js';

const NOW_MS = 1_700_000_000_000;
const CONTEXT = { db: 'mydb', namespace: 'production' };
const at = (call: ApiCall): ReturnType<typeof operationOf> => operationOf(call, CONTEXT, NOW_MS);

describe('operationOf: the API\'s write calls as operations', () => {
  it('writes under the context, the key defaulting to the path, the data as UTF-8, the TTL in seconds from now', () => {
    expect(at({ method: 'writeWithReplication', relativePath: 'a/b', data: 'é\u{1f600}' })).toEqual({
      type: 'SET',
      path: 'a/b',
      key: 'a/b',
      value: new Uint8Array([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]),
      db: 'mydb',
      namespace: 'production',
      tags: [],
      expiresAtMs: null,
    });
    expect(at({ method: 'writeWithReplication', relativePath: 'p', data: '', key: 'k', tags: ['t'], ttl: 1.5 })).toMatchObject({
      key: 'k',
      tags: ['t'],
      expiresAtMs: NOW_MS + 1_500,
    });
  });

  it('a TTL of any whole number of milliseconds, given in seconds, expires exactly that many ms from now', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (ttlMs) => {
      expect(at({ method: 'setTtl', path: 'p', ttl: ttlMs / 1000 })).toEqual({ type: 'SET_TTL', path: 'p', expiresAtMs: NOW_MS + ttlMs });
    }));
  });

  it('rounds a TTL to the millisecond, and null or absent never expires', () => {
    expect(at({ method: 'setTtl', path: 'p', ttl: 0.0004 })).toMatchObject({ expiresAtMs: NOW_MS });
    expect(at({ method: 'setTtl', path: 'p', ttl: 0.0006 })).toMatchObject({ expiresAtMs: NOW_MS + 1 });
    expect(at({ method: 'setTtl', path: 'p', ttl: null })).toEqual({ type: 'SET_TTL', path: 'p', expiresAtMs: null });
    expect(at({ method: 'writeWithReplication', relativePath: 'p', data: 'x', ttl: null })).toMatchObject({ expiresAtMs: null });
  });

  it('refuses a TTL that is not a finite number of seconds, in the API\'s own terms', () => {
    for (const ttl of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => at({ method: 'setTtl', path: 'p', ttl })).toThrow(new InvalidOperationError(`ttl must be null or a finite number of seconds, got ${ttl}`));
    }
  });

  it('copies the caller\'s buffer and tags: the operation outlives the call, the caller may reuse them', () => {
    const data = new Uint8Array([1, 2, 3]);
    const tags = ['t'];
    const op = at({ method: 'writeWithReplication', relativePath: 'p', data, tags });
    data.fill(0);
    tags.push('u');
    expect(op).toMatchObject({ value: new Uint8Array([1, 2, 3]), tags: ['t'] });
  });

  it('deletes by path alone, sets tags, and flushes the scope it is given, whatever the context', () => {
    expect(at({ method: 'deleteWithReplication', relativePath: 'p', key: 'ignored' })).toEqual({ type: 'DELETE', path: 'p' });
    expect(at({ method: 'setTags', path: 'p', tags: ['a', 'b'] })).toEqual({ type: 'METADATA', path: 'p', tags: ['a', 'b'] });
    expect(at({ method: 'flush', db: null, namespace: 'n' })).toEqual({ type: 'FLUSH', db: null, namespace: 'n' });
  });

  it('starts from the original\'s default context', () => {
    expect(DEFAULT_CONTEXT).toEqual({ db: 'default', namespace: 'default' });
  });
});
