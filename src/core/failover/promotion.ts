import { assert } from '../assert.js';
import type { PreviousHistory } from '../frame.js';
import type { LogEntry } from '../operation.js';
import type { Cursor } from '../storage-request.js';
import { epochOf } from './lineage.js';

/** What a secondary hands to the primary it becomes: where its data stands, and the log it kept of it. */
export interface Handover {
  readonly position: Cursor | null;
  /** The last operations it applied, consecutive, ending at position.sequence (none without a position). */
  readonly entries: readonly LogEntry[];
}

/** What a promoted primary starts from: the history it continues, with the log it serves it from. */
export interface Succession {
  readonly previous: PreviousHistory;
  readonly entries: readonly LogEntry[];
}

/**
 * The options of the primary a secondary becomes: an epoch above every one it has seen, and,
 * when it holds a history, that history as the one the new primary continues.
 */
export function promotionOf(handover: Handover): { readonly epoch: number; readonly succeeds: Succession | null } {
  const position = handover.position;
  const epoch = epochOf(position) + 1;
  if (position === null) {
    assert(handover.entries.length === 0, 'a handover without a position holds no log');
    return { epoch, succeeds: null };
  }
  checkEntries(handover.entries, position.sequence);
  return { epoch, succeeds: { previous: { replicationId: position.replicationId, endSequence: position.sequence }, entries: handover.entries } };
}

/** Consecutive, ending at `endSequence`: the tail of the history the new primary continues. */
export function checkEntries(entries: readonly LogEntry[], endSequence: number): void {
  const first = entries[0]?.sequence ?? endSequence + 1;
  assert(first >= 1, 'a handed-over log starts at sequence 1 or later');
  entries.forEach((entry, index) => assert(entry.sequence === first + index, 'a handed-over log is not consecutive'));
  assert(first + entries.length - 1 === endSequence, `a handed-over log ends at ${first + entries.length - 1}, not at the position ${endSequence}`);
}
