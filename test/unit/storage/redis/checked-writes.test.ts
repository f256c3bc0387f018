import { expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { CheckedWrites } from '../../../../src/storage/redis/checked-writes.js';

it('refuses, as a bug, a key written as two types: the script could not check it before writing', () => {
  const writes = new CheckedWrites().sadd('k', 'member').set('k', 'any type').del('k').srem('k', 'member');
  expect(() => writes.hset('k', 'field', 'value')).toThrow(new AssertionError('k written as a set and a hash'));
  expect(() => new CheckedWrites().zadd('k', 1, 'm').zrem('k', 'm').hdel('k', 'f')).toThrow(new AssertionError('k written as a zset and a hash'));
});
