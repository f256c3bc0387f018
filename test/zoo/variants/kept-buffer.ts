import { Secondary } from '../../../src/core/secondary/secondary.js';
import { OriginalFraming } from './original-framing.js';

/**
 * Original #7: the receive buffer belongs to the process, not the connection, so the part of a
 * frame a reconnect cut off is completed with the new connection's bytes. Alone that costs one
 * connection here (the checksum fails, the link closes, the next starts clean); the original also
 * believed any length prefix (#17), so the misaligned buffer waits for a length that never comes,
 * and this variant does both.
 */
export class KeptBufferSecondary extends Secondary {
  private readonly framing = new OriginalFraming(this.limits, { skipBadFrames: false, believeAnyLength: true });

  override handleBytes(connectionId: number, bytes: Uint8Array, nowMs: number): void {
    // Late bytes of a closed connection never reach the process: the socket is gone.
    if (this.link?.connectionId !== connectionId) return;
    const frames = this.framing.frames(bytes);
    if (frames.length > 0) super.handleBytes(connectionId, frames, nowMs);
  }
}
