import { assert, assertSequence } from '../assert.js';
import type { LogEntry } from '../operation.js';

/**
 * A history a restarted primary continues: its id, and the newest entries of its persisted log,
 * consecutive and ending at `lastSequence` (the storage holds exactly that state).
 */
export interface RecoveredHistory {
  readonly replicationId: string;
  readonly lastSequence: number;
  readonly entries: readonly LogEntry[];
}

export function assertRecoveredHistory(history: RecoveredHistory): void {
  assert(history.replicationId.length > 0, 'a recovered history has an id');
  assertSequence(history.lastSequence, 'recovered lastSequence');
  assert(history.entries.length <= history.lastSequence, 'more recovered entries than sequences');
  const first = history.lastSequence - history.entries.length + 1;
  history.entries.forEach((entry, index) => assert(entry.sequence === first + index, `recovered entry ${entry.sequence} out of order`));
}
