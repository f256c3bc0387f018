/** The binary frames' primitives on their own, at the boundaries where their encodings change. */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { ByteReader, ByteWriter, encodeFramed, encodeOnce, encodeSized, utf8Bytes } from '../../../../src/core/codec/binary-bytes.js';
import { ProtocolError } from '../../../../src/core/errors.js';
import { ENCODE_SCRATCH_BYTES, NAME_SCRATCH_BYTES, VIEW_SLACK_SHARE } from '../../../../src/core/limits.js';

/** What `write` puts in a writer started on a single byte, so that it grows on every write that needs it. */
function written(write: (writer: ByteWriter) => void): number[] {
  const writer = new ByteWriter(new Uint8Array(1));
  write(writer);
  return [...writer.written()];
}

/** The varint's length in bytes, or the assertion that refuses it. */
const varintBytes = (value: number): number => written((writer) => writer.varint(value)).length;

describe('varints', () => {
  it('take one byte up to 127 and two from 128', () => {
    expect([varintBytes(0), varintBytes(127), varintBytes(128), varintBytes(16_383), varintBytes(16_384)]).toEqual([1, 1, 2, 2, 3]);
    expect(written((writer) => writer.varint(127))).toEqual([0x7f]);
    expect(written((writer) => writer.varint(128))).toEqual([0x80, 0x01]);
    expect(written((writer) => writer.varint(300))).toEqual([0xac, 0x02]);
  });

  // The writer takes groups by division above 2^31 and as integers below: both sides of that, and the largest.
  it.each([2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 1_765_000_000_123, Number.MAX_SAFE_INTEGER])('write %s as groups of 7 bits, least first, and read it back', (value) => {
    const groups: number[] = [];
    for (let rest = BigInt(value); ; rest >>= 7n) {
      if (rest < 128n) {
        groups.push(Number(rest));
        break;
      }
      groups.push(Number(rest & 0x7fn) | 0x80);
    }
    expect(written((writer) => writer.varint(value))).toEqual(groups);
    expect(new ByteReader(Uint8Array.from(groups), groups.length, 'frame').varint('value')).toBe(value);
  });

  it.each([-1, 1.5, 2 ** 53])('are not made of %s', (value) => {
    expect(() => varintBytes(value)).toThrow(new AssertionError('varint: not a non-negative safe integer'));
  });
});

describe('utf8Bytes', () => {
  it.each([
    'a', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}', 'zo\u00eb \u{1f600}!',
  ])('counts %j as TextEncoder encodes it', (text) => {
    expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length);
  });

  it.each(['\ud800', 'a\udc00', '\udfff', '\ud800a', '\udbff\ud800', '\ud800\ue000', '\udc00\udc00'])('refuses the lone surrogate in %j', (text) => {
    expect(() => utf8Bytes(text)).toThrow(new AssertionError('binary frames carry well-formed names only: a lone surrogate has no UTF-8'));
  });

  it('writes a wide name as TextEncoder encodes it, its UTF-8 length first', () => {
    const text = '\u0800\u{10000}';
    expect(written((writer) => writer.text(text))).toEqual([7, ...new TextEncoder().encode(text)]);
  });

  // A short name is written as ASCII until a unit that is not: what it wrote before that is written again as UTF-8.
  it.each(['zo\u00eb', 'abc\u{1f600}', '\u007f', `${'a'.repeat(62)}\u00e9`])('writes the short name %j as TextEncoder encodes it', (text) => {
    const utf8 = new TextEncoder().encode(text);
    expect(written((writer) => {
      writer.text(text);
      writer.varint(5);
    })).toEqual([utf8.length, ...utf8, 5]);
  });

  // Long names are sized and written natively: the same bytes as the loop, at every length and wherever the wide unit is.
  it.each([
    ['ASCII at the native threshold', 'a'.repeat(64)],
    ['ASCII at nameLengthMax', 'l'.repeat(4_096)],
    ['ASCII filling the scratch', 'l'.repeat(NAME_SCRATCH_BYTES)],
    ['ASCII beyond the scratch', 'l'.repeat(NAME_SCRATCH_BYTES + 1)],
    ['a wide unit last', `${'a'.repeat(100)}\u00e9`],
    ['a wide unit first, so that the scratch fills with a unit left over', `\u00e9${'a'.repeat(NAME_SCRATCH_BYTES - 1)}`],
    ['an astral character in the middle', `${'a'.repeat(50)}\u{1f600}${'b'.repeat(50)}`],
  ])('sizes and writes a long name, %s, as TextEncoder does', (_, text) => {
    const utf8 = new TextEncoder().encode(text);
    expect(utf8Bytes(text)).toBe(utf8.length);
    const bytes = written((writer) => writer.text(text));
    expect(bytes).toHaveLength(varintBytes(utf8.length) + utf8.length);
    expect(bytes.slice(-utf8.length)).toEqual([...utf8]);
  });

  it('refuses a lone surrogate in a long name', () => {
    expect(() => utf8Bytes(`${'a'.repeat(100)}\ud800`)).toThrow(new AssertionError('binary frames carry well-formed names only: a lone surrogate has no UTF-8'));
  });
});

describe('encodeOnce', () => {
  it('copies out exactly what was written, past the scratch too, and into arrays of their own', () => {
    const large = Uint8Array.from({ length: ENCODE_SCRATCH_BYTES + 3 }, (_, index) => index % 251);
    const first = encodeSized((out) => out.raw(large));
    const second = encodeSized((out) => {
      out.varint(300);
      out.lengthPrefixed(Uint8Array.of(9));
    });
    expect(first).toEqual(large);
    expect([...second]).toEqual([0xac, 0x02, 1, 9]);
    expect(first.buffer).not.toBe(second.buffer);
  });

  it('refuses an encoding within an encoding, and is free again after one that threw', () => {
    expect(() => encodeOnce((out) => out.varint(-1), () => 0)).toThrow(new AssertionError('varint: not a non-negative safe integer'));
    expect(() => encodeOnce(() => encodeSized((out) => out.varint(1)), () => 0)).toThrow(new AssertionError('encodeOnce: the scratch is in use (an encoding within an encoding)'));
    expect([...encodeSized((out) => out.varint(1))]).toEqual([1]);
  });
});

describe('encodeFramed', () => {
  const framing = { headBytes: 4, tailBytes: 32 };

  it('leaves the head and the tail free around a small layout, in the array it is given to fill', () => {
    const given = new Uint8Array(4 + 2 + 32).fill(0xee);
    const framed = encodeFramed(framing, (out) => out.varint(300), (byteCount) => (byteCount === given.length ? given : new Uint8Array(0)));
    expect(framed).toBe(given);
    expect([...framed.subarray(4, 6)]).toEqual([0xac, 0x02]);
  });

  it('returns a layout that outgrew the scratch in the array it grew into, with room for the tail and no array asked for', () => {
    const large = Uint8Array.from({ length: 3 * ENCODE_SCRATCH_BYTES }, (_, index) => index % 251);
    const framed = encodeFramed(framing, (out) => out.raw(large), () => {
      throw new Error('no array is needed');
    });
    expect(framed.length).toBe(4 + large.length + 32);
    expect(framed.buffer.byteLength - framed.length).toBeLessThanOrEqual(framed.length * VIEW_SLACK_SHARE);
    expect(Buffer.compare(framed.subarray(4, 4 + large.length), large)).toBe(0);
  });

  it('copies out a layout whose grown array is twice its size rather than keep the slack', () => {
    const large = Uint8Array.from({ length: ENCODE_SCRATCH_BYTES }, (_, index) => index % 251);
    const framed = encodeFramed(framing, (out) => out.raw(large), (byteCount) => new Uint8Array(byteCount));
    expect(framed.buffer.byteLength).toBe(4 + large.length + 32);
    expect(Buffer.compare(framed.subarray(4, 4 + large.length), large)).toBe(0);
  });
});

describe('ByteReader', () => {
  it('reads no byte past its end, though the array goes on', () => {
    const reader = new ByteReader(Uint8Array.from([5, 99]), 1, 'frame');
    expect(reader.u8('first')).toBe(5);
    expect(() => reader.u8('second')).toThrow(new ProtocolError('frame .second is missing: the frame ends before it'));
  });

  it.each([[0x80], [0x61, 0xff], [0xc3]])('refuses a name that is not UTF-8 (first byte %i), on the short path for ASCII too', (...bytes) => {
    const body = Uint8Array.from([bytes.length, ...bytes]);
    expect(() => new ByteReader(body, body.length, 'frame').string('path', 16)).toThrow('.path is not valid UTF-8');
  });

  it('may end where its bytes end, never beyond', () => {
    expect(new ByteReader(Uint8Array.from([5]), 1, 'frame').u8('only')).toBe(5);
    expect(() => new ByteReader(Uint8Array.from([5]), 2, 'frame')).toThrow(new AssertionError('ByteReader: end beyond the bytes'));
  });

  it('takes a length-prefixed field of exactly bytesMax, and refuses one byte more', () => {
    const bytes = Uint8Array.from([3, 1, 2, 3]);
    expect(new ByteReader(bytes, bytes.length, 'frame').lengthPrefixed('value', 3)).toEqual(Uint8Array.from([1, 2, 3]));
    expect(() => new ByteReader(bytes, bytes.length, 'frame').lengthPrefixed('value', 2)).toThrow('.value is 3 bytes, above 2');
  });
});
