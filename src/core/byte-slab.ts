import { assert } from './assert.js';

/**
 * Small byte arrays as views of a shared slab, as node's Buffer pool does with its 8 KiB: a
 * Uint8Array of more than 64 bytes gets a backing store of its own outside the heap, an
 * allocation and a collector's finalisation each (about 0.35 µs, five times a view), and the
 * primary paid it for every written value, every node for every frame it sent. A view is never
 * handed out twice, so it is as much its own as an array would be. A slab lives as long as any
 * view in it: what is made and dropped in order frees its slab together, and only a view kept
 * long after its neighbours holds a slab alone. Each use has its own slab, so that short-lived
 * views (frames) never share one with long-lived ones (values the log keeps).
 */
export class ByteSlab {
  private slab: Uint8Array;
  private used = 0;

  constructor(
    private readonly slabBytes: number,
    /** Larger requests get an array of their own. */
    private readonly shareBytesMax: number,
  ) {
    assert(Number.isSafeInteger(shareBytesMax) && shareBytesMax > 0 && shareBytesMax <= slabBytes, 'a slab must hold its largest view');
    this.slab = new Uint8Array(slabBytes);
  }

  /** Zeroed bytes of their own. */
  take(byteCount: number): Uint8Array {
    if (byteCount > this.shareBytesMax) return new Uint8Array(byteCount);
    if (this.used + byteCount > this.slabBytes) {
      this.slab = new Uint8Array(this.slabBytes);
      this.used = 0;
    }
    const bytes = this.slab.subarray(this.used, this.used + byteCount);
    this.used += byteCount;
    return bytes;
  }

  /** A copy of `bytes`: the source may change afterwards. */
  copy(bytes: Uint8Array): Uint8Array {
    const copy = this.take(bytes.length);
    copy.set(bytes);
    return copy;
  }
}
