import { describe, expect, it } from 'vitest';
import { copyBytes } from '../../../src/core/byte-slab.js';
import { SLAB_BYTES, SLAB_VALUE_BYTES_MAX } from '../../../src/core/limits.js';

const filled = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);

describe('copyBytes', () => {
  it('copies: the source may change afterwards, and so may the next copy', () => {
    const source = filled(100, 1);
    const copy = copyBytes(source);
    source.fill(2);
    const next = copyBytes(source);
    expect(copy).toEqual(filled(100, 1));
    expect(next).toEqual(filled(100, 2));
  });

  it('puts small values side by side in a slab, and starts a new one when it is full: no copy overwrites another', () => {
    const copies = Array.from({ length: Math.ceil((2 * SLAB_BYTES) / SLAB_VALUE_BYTES_MAX) + 1 }, (_, index) => copyBytes(filled(SLAB_VALUE_BYTES_MAX, index % 256)));
    expect(copies.every((copy) => copy.buffer.byteLength === SLAB_BYTES)).toBe(true);
    expect(copies.some((copy, index) => copy.buffer === copies[index - 1]?.buffer)).toBe(true);
    expect(new Set(copies.map((copy) => copy.buffer)).size).toBeGreaterThan(2);
    copies.forEach((copy, index) => expect(copy).toEqual(filled(SLAB_VALUE_BYTES_MAX, index % 256)));
  });

  it('gives a larger value a buffer of its own', () => {
    const copy = copyBytes(filled(SLAB_VALUE_BYTES_MAX + 1, 3));
    expect(copy.buffer.byteLength).toBe(SLAB_VALUE_BYTES_MAX + 1);
    expect(copy).toEqual(filled(SLAB_VALUE_BYTES_MAX + 1, 3));
  });

  it('copies an empty value', () => {
    expect(copyBytes(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });
});
