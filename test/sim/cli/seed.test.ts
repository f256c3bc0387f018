import { describe, expect, it } from 'vitest';
import { parseSeed, seedRange } from '../../../sim/cli/seed.js';
import { UsageError } from '../../../sim/cli/usage.js';

describe('seeds from the command line', () => {
  it('reads decimal seeds up to 2^32 - 1', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('4294967295')).toBe(4294967295);
  });

  it('takes the first 8 hex digits of a commit hash', () => {
    expect(parseSeed('a94a8fe5ccb19ba61c4c0873d391e987982fbbd3')).toBe(0xa94a8fe5);
    expect(parseSeed('A94A8FE5CCB19BA61C4C0873D391E987982FBBD3')).toBe(0xa94a8fe5);
    expect(parseSeed('deadbee')).toBe(0xdeadbee);
    // A full hash made only of decimal digits is still a hash, not a (too large) number.
    expect(parseSeed('1234567890123456789012345678901234567890')).toBe(0x12345678);
  });

  it('refuses what is neither', () => {
    for (const text of ['', '-1', '4294967296', '1.5', 'xyz', 'abc12', 'deadbeeg', 'a'.repeat(65)]) {
      expect(() => parseSeed(text), text).toThrow(UsageError);
    }
  });

  it('counts consecutive seeds and wraps past 2^32 - 1', () => {
    expect(seedRange(7, 3)).toEqual([7, 8, 9]);
    expect(seedRange(4294967295, 3)).toEqual([4294967295, 0, 1]);
  });
});
