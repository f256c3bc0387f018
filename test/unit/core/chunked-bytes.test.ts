import { describe, expect, it } from 'vitest';
import { ChunkedBytes } from '../../../src/core/chunked-bytes.js';
import type { ByteSink } from '../../../src/core/codec/binary-bytes.js';

const filled = (out: ByteSink, [length, fill]: readonly [number, number]): void => out.raw(new Uint8Array(length).fill(fill));

describe('ChunkedBytes', () => {
  it('writes in place after the last string while the chunk has room, found by its offsets', () => {
    const chunks = new ChunkedBytes(10);
    chunks.write([4, 1], filled);
    const first = chunks.lastChunk;
    chunks.write([6, 2], filled);
    expect(chunks.lastChunk).toBe(first);
    expect([chunks.lastStart, chunks.lastEnd]).toEqual([4, 10]);
    expect([...first]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('writes a string that does not fit again in a new chunk, and gives a longer one a chunk of its size', () => {
    const chunks = new ChunkedBytes(10);
    chunks.write([8, 1], filled);
    const first = chunks.lastChunk;
    chunks.write([3, 2], filled);
    expect(chunks.lastChunk).not.toBe(first);
    expect([...first]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect([chunks.lastStart, chunks.lastEnd, chunks.lastChunk.length]).toEqual([0, 3, 10]);
    expect([...chunks.lastChunk.subarray(0, 3)]).toEqual([2, 2, 2]);
    chunks.write([25, 3], filled);
    expect([chunks.lastStart, chunks.lastEnd, chunks.lastChunk.length]).toEqual([0, 25, 25]);
  });
});
