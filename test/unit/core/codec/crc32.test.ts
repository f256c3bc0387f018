import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32, portableCrc32, useCrc32 } from '../../../../src/core/codec/crc32.js';
import { nativeCrc32 } from '../../../../src/runtime/native-codecs.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('crc32', () => {
  afterEach(() => {
    useCrc32(portableCrc32);
  });

  it('known answers: the check value of CRC-32/ISO-HDLC, and the empty input', () => {
    expect(portableCrc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(portableCrc32(new Uint8Array(0))).toBe(0);
    expect(portableCrc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('this machine has the native one (zlib.crc32), and it agrees with the portable one on any bytes', () => {
    expect(nativeCrc32).toBeDefined();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => nativeCrc32!(bytes) === portableCrc32(bytes)), { numRuns: 300 });
  });

  it('reads a view at its offset, not its whole buffer', () => {
    const whole = ascii('xx123456789yy');
    expect(portableCrc32(whole.subarray(2, 11))).toBe(0xcbf43926);
    expect(nativeCrc32!(whole.subarray(2, 11))).toBe(0xcbf43926);
  });

  it('uses the installed implementation, and takes every unsigned 32-bit result from it, the bounds included', () => {
    for (const value of [7, 0, 0xffffffff]) {
      useCrc32(() => value);
      expect(crc32(ascii('a'))).toBe(value);
    }
  });
});
