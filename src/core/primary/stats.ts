import type { WireFormat } from '../codec/wire-format.js';

/** What the primary remembers of a secondary across its connections (statistics only). */
export interface ReplicaRecord {
  readonly replicaId: string;
  address: string;
  connectionId: number | null;
  connectedAtMs: number;
  lastHeartbeatMs: number;
  receivedSequence: number;
  appliedSequence: number;
  durableSequence: number;
  operationsSent: number;
  bytesSent: number;
  errors: number;
}

/** Per-secondary statistics: the original's names in camelCase, plus real lag. */
export interface ReplicaStats {
  replicaId: string;
  address: string;
  connected: boolean;
  /** Unix ms of the last frame received from it. */
  lastHeartbeat: number;
  /** Milliseconds since the oldest operation it has not applied was written; 0 when caught up. */
  lagMs: number;
  lagSeconds: number;
  lagOperations: number;
  lagBytes: number;
  /** The last sequence it acknowledged as applied (the original's last_sequence). */
  lastSequence: number;
  receivedSequence: number;
  appliedSequence: number;
  durableSequence: number;
  operationsSent: number;
  bytesSent: number;
  errors: number;
  /** Bytes sent to it and not yet acknowledged: its use of the outbound budget. */
  queueSize: number;
  /**
   * Its data frames' format on its current connection ('binary-2', 'binary-1' or 'json'), null while
   * it is not connected: a link still on binary-1 has a peer of the release before binary-2.
   */
  wireFormat: WireFormat | null;
}

export interface PrimaryStats {
  mode: 'primary';
  replicationId: string;
  /** The fencing epoch of this history (0 before any failover). */
  epoch: number;
  /** The newer epoch that deposed this primary: it takes no writes. Null while it is the primary. */
  deposedByEpoch: number | null;
  /** A promoted primary's predecessor history and where it ended; null otherwise. */
  previousReplicationId: string | null;
  previousEndSequence: number | null;
  /** The last sequence assigned (the original's sequence_number). */
  sequenceNumber: number;
  appliedSequence: number;
  operationLogSize: number;
  operationLogBytes: number;
  firstLogSequence: number;
  lastLogSequence: number;
  replicaCount: number;
  replicas: ReplicaStats[];
  fullResyncs: number;
  partialResyncs: number;
  expiredKeys: number;
  pendingWrites: number;
}
