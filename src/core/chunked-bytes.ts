import { assert } from './assert.js';
import { ByteWriter, type ByteSink } from './codec/binary-bytes.js';

/**
 * Byte strings written one after another into chunks (one longer than a chunk gets a chunk of its
 * own), each found again by its chunk and its offsets: no object per string. A chunk lives while
 * anything refers to it, so what is written and let go in order frees whole chunks.
 */
export class ChunkedBytes {
  private chunk: Uint8Array;
  private used = 0;
  private start = 0;

  constructor(private readonly chunkBytes: number) {
    assert(Number.isSafeInteger(chunkBytes) && chunkBytes > 0, 'ChunkedBytes: a chunk holds at least a byte');
    this.chunk = new Uint8Array(chunkBytes);
  }

  /** The chunk the last string went to; its bytes are lastStart to lastEnd. */
  get lastChunk(): Uint8Array {
    return this.chunk;
  }

  get lastStart(): number {
    return this.start;
  }

  get lastEnd(): number {
    return this.used;
  }

  /**
   * Writes `item` as `write` lays it out, in place after the last string: a layout that does not
   * fit is written again at the start of a new chunk (`write` is a function of `item` alone). A
   * module function rather than a closure, and no scratch copied from: the primary writes every
   * operation here.
   */
  write<T>(item: T, write: (out: ByteSink, item: T) => void): void {
    const writer = new ByteWriter(this.chunk, this.used);
    write(writer, item);
    if (!writer.outgrew) {
      this.start = this.used;
      this.used = writer.end;
      return;
    }
    const byteCount = writer.end - this.used;
    this.chunk = new Uint8Array(Math.max(this.chunkBytes, byteCount));
    const again = new ByteWriter(this.chunk);
    write(again, item);
    assert(!again.outgrew && again.end === byteCount, 'ChunkedBytes: a layout of another size when written again');
    this.start = 0;
    this.used = byteCount;
  }
}
