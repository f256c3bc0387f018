import type { WireFormat } from '../codec/wire-format.js';

/** The secondary's statistics: the original's names in camelCase, plus ours. */
export interface SecondaryStats {
  mode: 'secondary';
  replicaId: string;
  /** The fencing epoch of that history: a primary of an older one is refused. */
  epoch: number;
  /** The history this secondary's data belongs to; null before its first sync. */
  replicationId: string | null;
  /** The last applied sequence (the original's sequence_number on a secondary). */
  sequenceNumber: number;
  /** The operations it keeps of what it applied: what it serves its peers from once promoted. */
  operationLogSize: number;
  fullResyncs: number;
  partialResyncs: number;
  primary: {
    connected: boolean;
    phase: string;
    operationsReceived: number;
    bytesReceived: number;
    reconnections: number;
    /** Unix ms on the primary's clock of the last operation received; null before any. */
    lastOperationTime: number | null;
    secondsSinceLastOperation: number | null;
    lastAppliedSequence: number;
    /** The highest sequence this node knows the primary has (from operations and heartbeats); kept while disconnected. */
    knownPrimarySequence: number;
    /** knownPrimarySequence minus the applied sequence: operations behind, as far as this node knows. */
    lagOperations: number;
    /** How long the applied sequence has been below knownPrimarySequence; 0 when caught up. */
    behindForMs: number;
    receivedSequence: number;
    durableSequence: number;
    operationsApplied: number;
    duplicatesIgnored: number;
    gapsDetected: number;
    storageFailures: number;
    /** Storage failures that were a loss of the stored data (StorageLostError): each forgot the position and resynced in full. */
    storageLosses: number;
    /** Data frames refused because the primary sent them beyond the window this node granted (`budget`): each closed the link. */
    windowsExceeded: number;
    /** The data frames' format the primary chose for this connection ('binary-2', 'binary-1' or 'json'); null while not connected. */
    wireFormat: WireFormat | null;
  };
}
