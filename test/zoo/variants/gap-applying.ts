import type { LogEntry } from '../../../src/core/operation.js';
import type { PackedFrame } from '../../../src/core/packed-frame.js';
import { Secondary } from '../../../src/core/secondary/secondary.js';

/** Original #11: "a gap is applied anyway". Whatever arrives next is taken as the next operation. */
export class GapApplyingSecondary extends Secondary {
  protected override acceptEntries(entries: readonly LogEntry[], frameBytes: number, packed: PackedFrame | null): void {
    // A batch is consecutive, so only its first new entry can jump; move the expectation to it.
    const fresh = entries.find((entry) => entry.sequence > this.receivedSequence);
    if (fresh !== undefined) this.receivedSequence = fresh.sequence - 1;
    super.acceptEntries(entries, frameBytes, packed);
  }
}
