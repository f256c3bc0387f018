import { ByteSlab } from '../byte-slab.js';
import { FRAME_SLAB_BYTES, FRAME_SLAB_SHARE_BYTES_MAX } from '../limits.js';

const frames = new ByteSlab(FRAME_SLAB_BYTES, FRAME_SLAB_SHARE_BYTES_MAX);

/** Zeroed bytes for one encoded frame: every frame a node sends, an ACK of 240 bytes as much as a batch. */
export function frameBytes(byteCount: number): Uint8Array {
  return frames.take(byteCount);
}
