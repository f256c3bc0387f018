import type { LogEntry, Operation } from '../operation.js';
import type { Cursor } from '../storage-request.js';

/**
 * A unit of storage work on a secondary, in the order received. `frameBytes` is released to the
 * primary's outbound budget (through ACK) only when the work is done, so a slow storage slows
 * the primary down instead of growing a queue here.
 */
export type Work =
  | { readonly kind: 'apply'; readonly entries: readonly LogEntry[]; frameBytes: number }
  | { readonly kind: 'stageBegin' }
  | { readonly kind: 'stageApply'; readonly operations: readonly Operation[]; readonly lastSequence: number | null; frameBytes: number }
  | { readonly kind: 'stageCommit'; readonly cursor: Cursor };

/** Work handed to storage: what it merged, and for which connection. */
export interface IssuedWork {
  readonly requestId: number;
  readonly connectionId: number;
  readonly kind: Work['kind'];
  readonly operationCount: number;
  readonly lastSequence: number | null;
  readonly frameBytes: number;
  readonly cursor: Cursor | null;
}
