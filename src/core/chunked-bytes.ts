import { assert } from './assert.js';

/**
 * Byte strings appended one after another into chunks (a string longer than a chunk gets one of its
 * own), each found again by its chunk and its offsets: no object per append. A chunk lives while
 * anything refers to it, so what is appended and let go in order frees whole chunks.
 */
export class ChunkedBytes {
  private chunk: Uint8Array;
  private used = 0;
  private start = 0;

  constructor(private readonly chunkBytes: number) {
    assert(Number.isSafeInteger(chunkBytes) && chunkBytes > 0, 'ChunkedBytes: a chunk holds at least a byte');
    this.chunk = new Uint8Array(chunkBytes);
  }

  /** The chunk the last append went to; its bytes are lastStart to lastEnd. */
  get lastChunk(): Uint8Array {
    return this.chunk;
  }

  get lastStart(): number {
    return this.start;
  }

  get lastEnd(): number {
    return this.used;
  }

  /** Copies `bytes` in: the caller may reuse them. */
  append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.chunk.length) {
      this.chunk = new Uint8Array(Math.max(this.chunkBytes, bytes.length));
      this.used = 0;
    }
    this.chunk.set(bytes, this.used);
    this.start = this.used;
    this.used += bytes.length;
  }
}
