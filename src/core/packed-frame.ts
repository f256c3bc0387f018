import { assert } from './assert.js';
import { binaryFormatOf, decodeBinaryBody } from './codec/binary-frame.js';
import type { Limits } from './limits.js';
import type { LogEntry } from './operation.js';

/**
 * A received binary data frame kept in a secondary's applied log as its bytes, not as the objects
 * decoded from it: an entry, an operation and a view of its value each, which every scavenge copied
 * until the log let them go. At a steady 10,000 writes/s that made each secondary's scavenges take
 * 3.7 to 8.8 ms, against 2.4 to 5.0 with almost no log, and those pauses set the replication lag's
 * p99. The log holds one
 * of these per frame; its entries are decoded again only when asked (a promotion's handover).
 */
export class PackedFrame {
  /** `body`: as received, never written to again (the decoder's chunks are the caller's to leave alone). */
  constructor(
    readonly body: Uint8Array,
    readonly firstSequence: number,
    readonly count: number,
    private readonly limits: Limits,
  ) {
    assert(binaryFormatOf(body[0]) !== undefined, 'PackedFrame: only a binary frame is kept as bytes');
    assert(count >= 1, 'PackedFrame: a data frame holds at least one entry');
  }

  holds(sequence: number): boolean {
    return sequence >= this.firstSequence && sequence < this.firstSequence + this.count;
  }

  /** Its entries, decoded again from its bytes: the checksum checked, as on receipt. */
  entries(): readonly LogEntry[] {
    const { frame } = decodeBinaryBody(this.body, this.limits);
    const entries = frame.kind === 'operation' ? [{ sequence: frame.sequence, timestampMs: frame.timestampMs, op: frame.op }] : frame.kind === 'batch' ? frame.entries : [];
    assert(entries.length === this.count && entries[0]?.sequence === this.firstSequence, 'PackedFrame: its bytes decode to other entries than it was kept for');
    return entries;
  }
}
