import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { chainDigest, frameChecksum, isHex64, SNAPSHOT_DIGEST_INITIAL } from '../../../../src/core/codec/checksum.js';

// Computed by CPython: sha256(json.dumps(envelope, sort_keys=True, separators=(',', ':'),
// ensure_ascii=True).encode()).hexdigest(), with the same envelope.
const envelope = {
  type: 'SET',
  sequence: 42,
  timestamp: 1700000000.123,
  data: {
    path: 'users/zo\u00eb', key: 'zo\u00eb', value: 'aGVsbG8=', db: 'main', namespace: 'users',
    tags: ['vip'], expires_at_ms: 1700000360000, _value_encoded: true,
  },
};
const PYTHON_CHECKSUM = '5efaf764bfaf3c8c2b5939cf09bb85ccebc846bf16208e2529e2df103db90fc1';
const PYTHON_CHAINED = '6b98816154c1f203bc23bdc6ab39c0ca9d65265669674b3372b34a04247e92c8';

describe('frameChecksum', () => {
  it('matches the known answer computed by the original algorithm in Python', () => {
    expect(frameChecksum(envelope)).toBe(PYTHON_CHECKSUM);
  });

  it('is the SHA-256 of the canonical string documented in PROTOCOL.md', () => {
    const canonical = '{"data":{"_value_encoded":true,"db":"main","expires_at_ms":1700000360000,"key":"zo\\u00eb",'
      + '"namespace":"users","path":"users/zo\\u00eb","tags":["vip"],"value":"aGVsbG8="},'
      + '"sequence":42,"timestamp":1700000000.123,"type":"SET"}';
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(PYTHON_CHECKSUM);
  });

  it('ignores key order but not content', () => {
    const reordered = { data: { ...envelope.data }, timestamp: envelope.timestamp, sequence: 42, type: 'SET' };
    expect(frameChecksum(reordered)).toBe(PYTHON_CHECKSUM);
    expect(frameChecksum({ ...envelope, sequence: 43 })).not.toBe(PYTHON_CHECKSUM);
    expect(frameChecksum({ ...envelope, data: { ...envelope.data, value: 'aGVsbG9=' } })).not.toBe(PYTHON_CHECKSUM);
  });
});

describe('chainDigest', () => {
  it('starts from 64 zeros and hashes previous + chunk checksum', () => {
    expect(SNAPSHOT_DIGEST_INITIAL).toBe('0'.repeat(64));
    expect(chainDigest(SNAPSHOT_DIGEST_INITIAL, PYTHON_CHECKSUM)).toBe(PYTHON_CHAINED);
  });

  it('depends on the order of the chunks', () => {
    const a = frameChecksum({ ...envelope, sequence: 1 });
    const b = frameChecksum({ ...envelope, sequence: 2 });
    const ab = chainDigest(chainDigest(SNAPSHOT_DIGEST_INITIAL, a), b);
    const ba = chainDigest(chainDigest(SNAPSHOT_DIGEST_INITIAL, b), a);
    expect(ab).not.toBe(ba);
  });

  it('asserts on a previous digest of anything but 64 lowercase hex characters, and on a chunk checksum of anything but 64 or 8', () => {
    expect(() => chainDigest('', PYTHON_CHECKSUM)).toThrow(AssertionError);
    expect(() => chainDigest('5b88771c', PYTHON_CHECKSUM)).toThrow(AssertionError);
    expect(() => chainDigest(SNAPSHOT_DIGEST_INITIAL, PYTHON_CHECKSUM.toUpperCase())).toThrow(AssertionError);
    expect(() => chainDigest(SNAPSHOT_DIGEST_INITIAL, PYTHON_CHECKSUM.slice(1))).toThrow(AssertionError);
    for (const crc of ['5b88771', '5b88771c0', '5B88771C', '5b88771g']) expect(() => chainDigest(SNAPSHOT_DIGEST_INITIAL, crc)).toThrow(AssertionError);
  });

  it("takes a binary-2 chunk's CRC-32 in hex, 8 characters, and hashes it as it does a SHA-256", () => {
    expect(chainDigest(SNAPSHOT_DIGEST_INITIAL, '5b88771c')).toBe(createHash('sha256').update(`${'0'.repeat(64)}5b88771c`).digest('hex'));
  });
});

describe('isHex64', () => {
  it('takes exactly 0-9 and a-f, first character to last', () => {
    for (let code = 0; code < 0x80; code += 1) {
      const unit = String.fromCharCode(code);
      const hex = /[0-9a-f]/.test(unit);
      expect(isHex64(unit + '0'.repeat(63)), `first ${code}`).toBe(hex);
      expect(isHex64('0'.repeat(63) + unit), `last ${code}`).toBe(hex);
    }
  });

  it('takes 64 characters only, and strings only', () => {
    expect(isHex64('a'.repeat(63))).toBe(false);
    expect(isHex64('a'.repeat(65))).toBe(false);
    expect(isHex64(Array.from({ length: 64 }, () => 'a'))).toBe(false);
    expect(isHex64(undefined)).toBe(false);
  });
});
