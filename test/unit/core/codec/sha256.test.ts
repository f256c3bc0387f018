import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { frameChecksum, portableSha256Hex, sha256Hex, useSha256 } from '../../../../src/core/codec/index.js';
import { digestHex, portableSha256Bytes, sha256Bytes, useSha256Bytes } from '../../../../src/core/codec/sha256.js';
import { AssertionError } from '../../../../src/core/assert.js';
import { nativeSha256Bytes, nativeSha256Hex } from '../../../../src/runtime/native-codecs.js';

describe('sha256Hex', () => {
  afterEach(() => {
    useSha256(portableSha256Hex);
    useSha256Bytes(portableSha256Bytes);
  });

  it('the portable and the native implementation agree on any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => portableSha256Hex(text) === nativeSha256Hex(text)), { numRuns: 300 });
  });

  it('the portable and the native implementation agree on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect([...nativeSha256Bytes(bytes)]).toEqual([...portableSha256Bytes(bytes)]);
    }), { numRuns: 300 });
  });

  it('a known answer', () => {
    expect(portableSha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('uses the installed implementation, and checks what it returns', () => {
    useSha256(nativeSha256Hex);
    expect(sha256Hex('abc')).toBe(portableSha256Hex('abc'));
    useSha256(() => 'not a digest');
    expect(() => frameChecksum({ type: 'HEARTBEAT', sequence: 0, timestamp: 1, data: {} })).toThrow(AssertionError);
  });

  it('uses the installed implementation for bytes too', () => {
    const marked = new Uint8Array(32).fill(7);
    useSha256Bytes(() => marked);
    expect(sha256Bytes(new Uint8Array(1))).toBe(marked);
    useSha256Bytes(portableSha256Bytes);
    expect(digestHex(sha256Bytes(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
