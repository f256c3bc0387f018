import { afterEach, describe, expect, it } from 'vitest';
import { hmacSha256Hex, portableHmacSha256Hex, useHmacSha256 } from '../../../src/core/hmac.js';

describe('hmacSha256Hex', () => {
  afterEach(() => useHmacSha256(portableHmacSha256Hex));

  it('uses the implementation installed last (the runtime installs node:crypto\'s)', () => {
    const calls: [string, string][] = [];
    useHmacSha256((key, message) => {
      calls.push([key, message]);
      return portableHmacSha256Hex(key, message);
    });
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(calls).toEqual([['Jefe', 'what do ya want for nothing?']]);
  });
});
