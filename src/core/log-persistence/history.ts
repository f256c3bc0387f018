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
