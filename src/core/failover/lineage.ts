import { assert } from '../assert.js';
import type { PreviousHistory } from '../frame.js';
import type { Cursor } from '../storage-request.js';

/**
 * A history and the one it continues, as Redis' PSYNC2 keeps two replication ids: a promoted
 * primary starts a history of its own whose sequences 1..endSequence are its predecessor's (it
 * held exactly that prefix). A secondary of the predecessor that holds no more than that prefix
 * holds a prefix of the new history too, and continues; one ahead of it holds writes the new
 * history never had, and must take a full resync.
 */
export interface Lineage {
  readonly replicationId: string;
  readonly previous: PreviousHistory | null;
}

/** Whether a secondary that holds `replicationId` up to `appliedSequence` holds a prefix of `lineage`. */
export function holdsPrefixOf(lineage: Lineage, replicationId: string | null, appliedSequence: number): boolean {
  assert(Number.isSafeInteger(appliedSequence) && appliedSequence >= 0, 'appliedSequence must be a sequence');
  if (replicationId === null) return false;
  if (replicationId === lineage.replicationId) return true;
  const previous = lineage.previous;
  return previous !== null && replicationId === previous.replicationId && appliedSequence <= previous.endSequence;
}

/** The epoch a cursor carries: 0 for one written before any failover. */
export function epochOf(cursor: Cursor | null): number {
  const epoch = cursor?.epoch ?? 0;
  assert(Number.isSafeInteger(epoch) && epoch >= 0, `a cursor's epoch must be a non-negative integer, got ${epoch}`);
  return epoch;
}

/** A cursor with its epoch written only above 0, as the wire and the stores take it. */
export function cursorOf(replicationId: string, sequence: number, epoch: number): Cursor {
  return epoch > 0 ? { replicationId, sequence, epoch } : { replicationId, sequence };
}
