import type { LogEntry, Operation } from '../operation.js';
import type { PackedFrame } from '../packed-frame.js';
import type { Cursor, StorageRequest } from '../storage-request.js';

/**
 * A unit of storage work on a secondary, in the order received. `frameBytes` is released to the
 * primary's outbound budget (through ACK) only when the work is done, so a slow storage slows
 * the primary down instead of growing a queue here.
 */
export type Work =
  | ApplyWork
  | { readonly kind: 'stageBegin' }
  | { readonly kind: 'stageApply'; readonly operations: readonly Operation[]; readonly frameBytes: number }
  | { readonly kind: 'stageCommit'; readonly cursor: Cursor }
  /** Persist a new position in a history that continues ours (a promoted primary's), with its epoch. */
  | { readonly kind: 'adopt'; readonly cursor: Cursor }
  /** Ask storage whether it still holds its data: an empty apply, which a backend that lost it refuses as a loss. */
  | { readonly kind: 'verify' };

/** Entries of one frame for the live data; `packed`: that frame as bytes, which the applied log keeps (binary frames only). */
export interface ApplyWork {
  readonly kind: 'apply';
  readonly entries: readonly LogEntry[];
  readonly frameBytes: number;
  readonly packed: PackedFrame | null;
}

/** Operations a unit carries into its storage request. */
export function operationCount(work: Work): number {
  switch (work.kind) {
    case 'apply':
      return work.entries.length;
    case 'stageApply':
      return work.operations.length;
    case 'stageBegin':
    case 'stageCommit':
    case 'adopt':
    case 'verify':
      return 0;
  }
}

/** The bytes of the frame a unit came from, which it holds until storage is done with it. */
export function frameBytesOf(work: Work): number {
  return 'frameBytes' in work ? work.frameBytes : 0;
}

/** Work handed to storage: the request it merged into, for which connection, and what it frees. */
export interface IssuedWork {
  readonly requestId: number;
  readonly connectionId: number;
  readonly request: StorageRequest;
  readonly frameBytes: number;
  /** The applies merged into the request, in order: the applied log keeps their entries. */
  readonly applies: readonly ApplyWork[];
}
