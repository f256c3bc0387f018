import { FRAME_SLAB_BYTES, FRAME_SLAB_SHARE_BYTES_MAX } from '../limits.js';

/**
 * Zeroed bytes for one encoded frame. A frame of up to FRAME_SLAB_SHARE_BYTES_MAX bytes is a view
 * of a shared slab rather than a Uint8Array of its own: an array of more than 64 bytes gets its
 * own backing store outside the heap, an allocation and a collector's finalisation each (about
 * 0.35 µs, five times a view), and every frame a machine sends, an ACK of 240 bytes as much as a
 * batch, paid it. Views are never handed out twice, so a frame is as much its own as before. A
 * slab lives as long as any frame in it, as node's Buffer pool does with its 8 KiB: frames sent
 * and dropped in order free theirs together, and only a frame kept long after its neighbours
 * (the one DataFrames keeps, say) holds a slab on its own.
 */
let slab = new Uint8Array(FRAME_SLAB_BYTES);
let slabOffset = 0;

export function frameBytes(byteCount: number): Uint8Array {
  if (byteCount > FRAME_SLAB_SHARE_BYTES_MAX) return new Uint8Array(byteCount);
  if (slabOffset + byteCount > slab.length) {
    slab = new Uint8Array(FRAME_SLAB_BYTES);
    slabOffset = 0;
  }
  const bytes = slab.subarray(slabOffset, slabOffset + byteCount);
  slabOffset += byteCount;
  return bytes;
}
