import { GapApplyingSecondary } from './gap-applying.js';
import { OriginalFraming } from './original-framing.js';

/**
 * Original #8: a frame that fails to decode or fails its checksum is skipped. Alone that is harmless
 * here: the next frame shows a gap and the secondary resumes. The original also applied across
 * gaps (#11), so this variant does both, and the skipped frame is lost.
 */
export class FrameSkippingSecondary extends GapApplyingSecondary {
  private framing: { readonly connectionId: number; readonly framing: OriginalFraming } | null = null;

  override handleBytes(connectionId: number, bytes: Uint8Array, nowMs: number): void {
    if (this.framing?.connectionId !== connectionId) {
      this.framing = { connectionId, framing: new OriginalFraming(this.limits, { skipBadFrames: true, believeAnyLength: false }) };
    }
    const frames = this.framing.framing.frames(bytes);
    if (frames.length > 0) super.handleBytes(connectionId, frames, nowMs);
  }
}
