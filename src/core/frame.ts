import type { BinaryWireFormat } from './codec/wire-format.js';
import type { HelloTerms } from './limits.js';
import type { LogEntry, Operation, SetOperation } from './operation.js';

/**
 * The frames of the replication protocol, as the core handles them. docs/PROTOCOL.md gives the
 * wire form of each (its `type` string and `data` fields) and the exact bytes the checksum covers.
 *
 * Every frame carries the sender's clock (`timestampMs`). Only operation frames carry a data
 * sequence number; every other frame has `sequence: 0` on the wire.
 */

/** One data operation: wire type SET, DELETE, SET_TTL, FLUSH or METADATA. */
export interface OperationFrame extends LogEntry {
  readonly kind: 'operation';
}

/** Consecutive operations in one frame (wire BATCH; its `sequence` is the first operation's). */
export interface BatchFrame {
  readonly kind: 'batch';
  readonly timestampMs: number;
  readonly entries: readonly LogEntry[];
}

/** Secondary → primary, first frame of a connection. */
/** Its configuration's terms (HelloTerms, limits.ts) go with it: windows, receive limits and timeout, each only where it is not the default. */
export interface HelloFrame extends HelloTerms {
  readonly kind: 'hello';
  readonly timestampMs: number;
  readonly protocolVersion: number;
  /** Persistent: the same across restarts of the secondary, so statistics follow it. */
  readonly replicaId: string;
  /**
   * Always null: protocol 1's static proof went here, and it could be replayed. A primary with a
   * token refuses a HELLO that still carries one (see CHALLENGE and AUTH).
   */
  readonly auth: string | null;
  /** The secondary's fresh nonce, when it holds a token: the primary proves itself over it in WELCOME. */
  readonly nonce?: string;
  /** Data frame formats offered beside JSON (names a primary does not know are ignored); absent offers none. */
  readonly wireFormats?: readonly string[];
  /** The fencing epoch of the history the secondary holds (see failover/fencing.ts); absent: 0. */
  readonly epoch?: number;
}

/** The history a promoted primary continues: its sequences up to `endSequence` are this one's. */
export interface PreviousHistory {
  readonly replicationId: string;
  readonly endSequence: number;
}

/** Primary → secondary, answer to hello. */
export interface WelcomeFrame {
  readonly kind: 'welcome';
  readonly timestampMs: number;
  readonly protocolVersion: number;
  readonly replicationId: string;
  readonly lastSequence: number;
  /** The offered format the data frames of this link take from now on; absent: JSON. */
  readonly wireFormat?: BinaryWireFormat;
  /** With a token: primaryProof over both nonces, the replica id and this history. */
  readonly proof?: string;
  /** The fencing epoch of this history; absent: 0. A secondary at a higher epoch refuses the primary. */
  readonly epoch?: number;
  /** Set by a promoted primary: the history it continues, so a secondary of it continues too. */
  readonly previous?: PreviousHistory;
}

/** Primary → secondary, answer to a HELLO when the primary holds a token: a fresh nonce to prove the token over. */
export interface ChallengeFrame {
  readonly kind: 'challenge';
  readonly timestampMs: number;
  readonly nonce: string;
}

/** Secondary → primary, answer to CHALLENGE: secondaryProof over both nonces and its replica id. */
export interface AuthFrame {
  readonly kind: 'auth';
  readonly timestampMs: number;
  readonly proof: string;
}

/** Secondary → primary: "I hold history `replicationId` up to `fromSequence - 1`". */
export interface SyncRequestFrame {
  readonly kind: 'syncRequest';
  readonly timestampMs: number;
  /** null when the secondary holds no history yet. */
  readonly replicationId: string | null;
  readonly fromSequence: number;
}

/**
 * Primary → secondary. `continue`: operations follow from `fromSequence`. `full_resync`: a
 * snapshot follows, taken while the primary had applied `fromSequence - 1` operations, then
 * operations from `fromSequence`.
 */
export interface SyncResponseFrame {
  readonly kind: 'syncResponse';
  readonly timestampMs: number;
  readonly mode: 'continue' | 'full_resync';
  readonly replicationId: string;
  readonly fromSequence: number;
}

/** Primary → secondary: part of a full-resync snapshot, numbered from 0. */
export interface SnapshotChunkFrame {
  readonly kind: 'snapshotChunk';
  readonly timestampMs: number;
  readonly index: number;
  readonly entries: readonly SetOperation[];
}

/**
 * Primary → secondary: the snapshot is complete. `digest` chains the checksums of all chunks.
 * The staged snapshot equals the primary's state once the operations up to
 * `consistentSequence` are applied over it; only then is it installed.
 */
export interface SnapshotEndFrame {
  readonly kind: 'snapshotEnd';
  readonly timestampMs: number;
  readonly chunkCount: number;
  readonly entryCount: number;
  readonly digest: string;
  readonly consistentSequence: number;
}

/** Secondary → primary: progress. Lag is measured from these. */
export interface AckFrame {
  readonly kind: 'ack';
  readonly timestampMs: number;
  readonly receivedSequence: number;
  readonly appliedSequence: number;
  readonly durableSequence: number;
  /** Bytes of frames received on this connection: the primary's outbound budget is freed by it. */
  readonly bytesReceived: number;
}

/** Both directions, on an idle link. Consumes no data sequence number. */
export interface HeartbeatFrame {
  readonly kind: 'heartbeat';
  readonly timestampMs: number;
  readonly replicationId: string | null;
  /** Primary: its last sequence. Secondary: its applied sequence. */
  readonly lastSequence: number;
}

export type ErrorCode =
  | 'protocol'
  | 'checksum'
  | 'frame_too_large'
  | 'version'
  | 'auth'
  | 'unexpected_frame'
  | 'gap'
  | 'history'
  | 'timeout'
  | 'budget'
  | 'log_overrun'
  | 'storage'
  | 'snapshot'
  | 'capacity'
  | 'shutdown'
  | 'fenced'
  | 'limits';

/** Either direction, just before the sender closes the connection. */
export interface ErrorFrame {
  readonly kind: 'error';
  readonly timestampMs: number;
  readonly code: ErrorCode;
  readonly message: string;
}

export type Frame =
  | OperationFrame
  | BatchFrame
  | HelloFrame
  | ChallengeFrame
  | AuthFrame
  | WelcomeFrame
  | SyncRequestFrame
  | SyncResponseFrame
  | SnapshotChunkFrame
  | SnapshotEndFrame
  | AckFrame
  | HeartbeatFrame
  | ErrorFrame;

export type FrameKind = Frame['kind'];

export function operationFrame(entry: LogEntry): OperationFrame {
  return { kind: 'operation', sequence: entry.sequence, timestampMs: entry.timestampMs, op: entry.op };
}

export type { Operation };
