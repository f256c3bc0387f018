import { describe, expect, it } from 'vitest';
import { ChunkedBytes } from '../../../src/core/chunked-bytes.js';

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

describe('ChunkedBytes', () => {
  it('appends into one chunk while it has room, a copy each, found by its offsets', () => {
    const chunks = new ChunkedBytes(10);
    const source = bytes(4, 1);
    chunks.append(source);
    const first = chunks.lastChunk;
    source.fill(9);
    chunks.append(bytes(6, 2));
    expect(chunks.lastChunk).toBe(first);
    expect([chunks.lastStart, chunks.lastEnd]).toEqual([4, 10]);
    expect([...first]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('starts a new chunk when one is full, and gives a longer string a chunk of its size', () => {
    const chunks = new ChunkedBytes(10);
    chunks.append(bytes(8, 1));
    const first = chunks.lastChunk;
    chunks.append(bytes(3, 2));
    expect(chunks.lastChunk).not.toBe(first);
    expect([chunks.lastStart, chunks.lastEnd, chunks.lastChunk.length]).toEqual([0, 3, 10]);
    chunks.append(bytes(25, 3));
    expect([chunks.lastStart, chunks.lastEnd, chunks.lastChunk.length]).toEqual([0, 25, 25]);
  });
});
