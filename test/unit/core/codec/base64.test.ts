import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portableBase64, type Base64Codec } from '../../../../src/core/codec/base64.js';
import { nativeBase64 } from '../../../../src/runtime/native-codecs.js';
import { ProtocolError } from '../../../../src/core/errors.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

const CODECS: [string, Base64Codec][] = [['portable', portableBase64], ['native', nativeBase64]];

describe.each(CODECS)('base64, %s', (_name, { encode: encodeBase64, decode: decodeBase64 }) => {
  it('matches the RFC 4648 test vectors both ways', () => {
    const vectors: [string, string][] = [
      ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(ascii(plain))).toBe(encoded);
      expect(decodeBase64(encoded)).toEqual(ascii(plain));
    }
  });

  it('uses the standard alphabet (+ and /)', () => {
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
    expect(decodeBase64('+/+/')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('agrees with Node for arbitrary bytes and round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const encoded = encodeBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(encoded)).toEqual(bytes);
    }), { numRuns: 200 });
  });

  it('round-trips a subarray view without reading outside it', () => {
    const backing = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
    expect(decodeBase64(encodeBase64(backing.subarray(2, 6)))).toEqual(new Uint8Array([3, 4, 5, 6]));
  });

  it('round-trips 8 MiB', () => {
    const bytes = new Uint8Array(8 * 1024 * 1024);
    for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 31) & 0xff;
    const encoded = encodeBase64(bytes);
    const decoded = decodeBase64(encoded);
    expect(encoded.length).toBe(Math.ceil(bytes.length / 3) * 4);
    // toEqual walks 8 M elements one by one; Buffer.equals compares natively.
    expect(Buffer.from(decoded).equals(Buffer.from(bytes))).toBe(true);
  });

  it.each([
    ['a length not a multiple of 4', 'Zg='],
    ['missing padding', 'Zg'],
    ['three padding characters', 'Z==='],
    ['four padding characters', '===='],
    ['padding inside the text', 'Zg==Zg=='],
    ['padding before data', '=Zg='],
    ['padding in the third place only', 'Zm=v'],
    ['non-zero trailing bits with one pad', 'Zm9='],
    ['non-zero trailing bits with two pads', 'Zh=='],
    ['a space', 'Zm9 '],
    ['a newline', 'Zm9v\nZm9v'],
    ['the URL-safe alphabet (-)', 'Zm9-'],
    ['the URL-safe alphabet (_)', 'Zm9_'],
    ['a non-ASCII character', 'Zm9\u00e9'],
    ['a code unit whose low byte is a valid letter', 'Zm9\u0141'],
    ['a NUL', 'Zm9\u0000'],
  ])('rejects %s', (_what, text) => {
    expect(() => decodeBase64(text)).toThrow(ProtocolError);
  });

  it('rejects any single-character change that is not canonical', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 30 }), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (bytes, at, code) => {
      const encoded = encodeBase64(bytes);
      const index = at % encoded.length;
      const mutated = encoded.slice(0, index) + String.fromCharCode(code) + encoded.slice(index + 1);
      let decoded: Uint8Array | undefined;
      try {
        decoded = decodeBase64(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        return;
      }
      // Accepted only if it is the canonical encoding of what it decodes to.
      expect(encodeBase64(decoded)).toBe(mutated);
    }), { numRuns: 200 });
  });
});

describe('base64, native and portable', () => {
  const outcome = (decode: (text: string) => Uint8Array, text: string): string => {
    try {
      return `ok ${Buffer.from(decode(text)).toString('hex')}`;
    } catch (error) {
      return error instanceof ProtocolError ? 'refused' : `threw ${String(error)}`;
    }
  };

  it('accept and refuse the same texts, with the same bytes', () => {
    const near = fc.string({ unit: fc.constantFrom(...'AQgw+/=Zz09 \n-_'.split('')), maxLength: 16 });
    fc.assert(fc.property(fc.oneof(near, fc.string({ maxLength: 12 })), (text) => {
      expect(outcome(nativeBase64.decode, text)).toBe(outcome(portableBase64.decode, text));
    }), { numRuns: 2_000 });
  });
});
