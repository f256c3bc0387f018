import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToText, portableByteText, textToBytes, useByteText } from '../../../src/core/byte-text.js';
import { nativeByteText } from '../../../src/runtime/native-codecs.js';

const EVERY_BYTE = Uint8Array.from({ length: 256 }, (_, index) => index);

describe('byte text', () => {
  afterEach(() => useByteText(portableByteText));

  it('is a character per byte, each code point the byte, and back', () => {
    const text = portableByteText.toText(EVERY_BYTE, 0, 256);
    expect(text).toHaveLength(256);
    expect([...text].map((character) => character.charCodeAt(0))).toEqual([...EVERY_BYTE]);
    expect([...portableByteText.toBytes(text)]).toEqual([...EVERY_BYTE]);
  });

  it('the native and the portable codec agree on any bytes, views and ranges of a larger buffer included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_100 }), fc.nat(16), (bytes, offset) => {
        const larger = new Uint8Array(offset + bytes.length + 3).fill(0xee);
        larger.set(bytes, offset);
        const view = larger.subarray(offset, offset + bytes.length);
        const text = portableByteText.toText(bytes, 0, bytes.length);
        expect(nativeByteText.toText(view, 0, view.length)).toBe(text);
        expect(nativeByteText.toText(larger, offset, offset + bytes.length)).toBe(text);
        expect(portableByteText.toText(larger, offset, offset + bytes.length)).toBe(text);
        expect(nativeByteText.toBytes(text)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
    expect(nativeByteText.toText(EVERY_BYTE, 0, 256)).toBe(portableByteText.toText(EVERY_BYTE, 0, 256));
  });

  it('uses the installed codec', () => {
    useByteText({ toText: () => 'installed', toBytes: () => Uint8Array.of(7) });
    expect(bytesToText(EVERY_BYTE)).toBe('installed');
    expect([...textToBytes('x')]).toEqual([7]);
  });
});
