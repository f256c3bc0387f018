import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { ByteSlab } from '../../../src/core/byte-slab.js';

const SLAB_BYTES = 4_096;
const SHARE_BYTES_MAX = 1_000;
const filled = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);

describe('ByteSlab', () => {
  it('hands out zeroed views that never overlap, across the change to a new slab', () => {
    const slab = new ByteSlab(SLAB_BYTES, SHARE_BYTES_MAX);
    const sizes = Array.from({ length: (3 * SLAB_BYTES) / 300 }, (_, index) => 1 + ((index * 997) % SHARE_BYTES_MAX));
    const views = sizes.map((size) => slab.take(size));
    views.forEach((view, index) => {
      expect(view.length).toBe(sizes[index]);
      expect(view.every((byte) => byte === 0)).toBe(true);
      view.fill(index % 251);
    });
    // Filled one after another: a view sharing bytes with a later one would show the later fill.
    views.forEach((view, index) => expect(view.every((byte) => byte === index % 251)).toBe(true));
    expect(views.every((view) => view.buffer.byteLength === SLAB_BYTES)).toBe(true);
    expect(views.some((view, index) => view.buffer === views[index - 1]?.buffer)).toBe(true);
    expect(new Set(views.map((view) => view.buffer)).size).toBeGreaterThan(2);
  });

  it('copies: the source may change afterwards, and so may the next copy', () => {
    const slab = new ByteSlab(SLAB_BYTES, SHARE_BYTES_MAX);
    const source = filled(100, 1);
    const copy = slab.copy(source);
    source.fill(2);
    const next = slab.copy(source);
    expect(copy).toEqual(filled(100, 1));
    expect(next).toEqual(filled(100, 2));
  });

  it('gives a request above the shared size an array of its own', () => {
    const slab = new ByteSlab(SLAB_BYTES, SHARE_BYTES_MAX);
    const copy = slab.copy(filled(SHARE_BYTES_MAX + 1, 3));
    expect(copy.buffer.byteLength).toBe(SHARE_BYTES_MAX + 1);
    expect(copy).toEqual(filled(SHARE_BYTES_MAX + 1, 3));
    expect(slab.take(SHARE_BYTES_MAX).buffer.byteLength).toBe(SLAB_BYTES);
  });

  it('copies an empty value', () => {
    expect(new ByteSlab(SLAB_BYTES, SHARE_BYTES_MAX).copy(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });

  it('refuses a shared size its slab cannot hold', () => {
    expect(() => new ByteSlab(100, 101)).toThrow(AssertionError);
  });
});
