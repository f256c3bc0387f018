import { encodeFrame, type EncodedFrame, type WireFormat } from '../codec/index.js';
import type { Frame } from '../frame.js';
import type { Limits } from '../limits.js';

/**
 * The last data frame the primary encoded, for the next peer at the same place in its log: peers
 * streaming in step (the usual case) get the same bytes, encoded and hashed once rather than once
 * per peer. A sequence names one entry for the life of a Primary, so the first sequence, the count,
 * the timestamp and the format name the frame.
 */
export class DataFrames {
  private last: { from: number; count: number; timestampMs: number; wireFormat: WireFormat; encoded: EncodedFrame } | null = null;

  constructor(private readonly limits: Limits) {}

  encode(frame: Frame, from: number, count: number, wireFormat: WireFormat): EncodedFrame {
    const last = this.last;
    if (last?.from === from && last.count === count && last.timestampMs === frame.timestampMs && last.wireFormat === wireFormat) return last.encoded;
    const encoded = encodeFrame(frame, this.limits, wireFormat);
    this.last = { from, count, timestampMs: frame.timestampMs, wireFormat, encoded };
    return encoded;
  }
}
