import { decodeFrameBody } from '../../../src/core/codec/index.js';
import { ProtocolError } from '../../../src/core/errors.js';
import { FRAME_HEADER_BYTES, type Limits } from '../../../src/core/limits.js';
import { concatBytes } from '../../support/bytes.js';

export interface FramingFlaws {
  /** #8: a frame that fails to decode or fails its checksum is dropped with a log line. */
  readonly skipBadFrames: boolean;
  /** #17: no cap, any length prefix is believed and waited for. */
  readonly believeAnyLength: boolean;
}

/**
 * The original's receive loop: one buffer, cut into frames by their length prefix. Put in front of
 * a link, it decides which bytes the link gets: whole frames only, or (past a length it refuses to
 * wait for) everything, for the link to refuse.
 */
export class OriginalFraming {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly limits: Limits,
    private readonly flaws: FramingFlaws,
  ) {}

  /** The bytes to hand on, once `bytes` are added to the buffer. */
  frames(bytes: Uint8Array): Uint8Array {
    this.buffer = concatBytes(this.buffer, bytes);
    const handed: Uint8Array[] = [];
    for (let frame = this.takeFrame(); frame !== undefined; frame = this.takeFrame()) {
      if (!this.flaws.skipBadFrames || decodes(frame, this.limits)) handed.push(frame);
    }
    return concatBytes(...handed);
  }

  private takeFrame(): Uint8Array | undefined {
    if (this.buffer.length < FRAME_HEADER_BYTES) return undefined;
    const length = new DataView(this.buffer.buffer, this.buffer.byteOffset).getUint32(0, false);
    const refused = !this.flaws.believeAnyLength && length > this.limits.frameBytesMax;
    const end = refused ? this.buffer.length : FRAME_HEADER_BYTES + length;
    if (this.buffer.length < end) return undefined;
    const frame = this.buffer.subarray(0, end);
    this.buffer = this.buffer.subarray(end);
    return frame;
  }
}

function decodes(frame: Uint8Array, limits: Limits): boolean {
  try {
    decodeFrameBody(frame.subarray(FRAME_HEADER_BYTES), limits);
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}
