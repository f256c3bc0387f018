import { FRAME_SLAB_BYTES, FRAME_SLAB_SHARE_BYTES_MAX } from '../limits.js';

/**
 * Zeroed bytes for one encoded frame. A frame of up to FRAME_SLAB_SHARE_BYTES_MAX bytes is a view
 * of a shared slab rather than a Uint8Array of its own: an array of more than 64 bytes gets its
 * own backing store outside the heap, an allocation and a collector's finalisation each (about
 * 0.35 µs, five times a view), and every frame a machine sends, an ACK of 240 bytes as much as a
 * batch, paid it. Views are never handed out twice, so a frame is as much its own as before; a
 * slab lives while any frame in it does, at most FRAME_SLAB_BYTES beside the frames themselves
 * for the last slab of a run of frames, as node's own Buffer pool keeps 8 KiB.
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
