import type { EncodedFrame, WireFormat } from '../codec/index.js';

/**
 * The last data frame the primary encoded, for the next peer at the same place in its log: peers
 * streaming in step (the usual case) get the same bytes, encoded and hashed once rather than once
 * per peer. A sequence names one entry for the life of a Primary, so the first sequence, the count,
 * the timestamp and the format name the frame.
 */
export class DataFrames {
  private last: { from: number; count: number; timestampMs: number; wireFormat: WireFormat; encoded: EncodedFrame } | null = null;

  /** The frame made for these, if it was the last one. */
  cached(from: number, count: number, timestampMs: number, wireFormat: WireFormat): EncodedFrame | undefined {
    const last = this.last;
    return last?.from === from && last.count === count && last.timestampMs === timestampMs && last.wireFormat === wireFormat ? last.encoded : undefined;
  }

  remember(from: number, count: number, timestampMs: number, wireFormat: WireFormat, encoded: EncodedFrame): EncodedFrame {
    this.last = { from, count, timestampMs, wireFormat, encoded };
    return encoded;
  }
}
