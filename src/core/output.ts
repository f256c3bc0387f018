import { Fifo } from './codec/fifo.js';
import type { ErrorCode } from './frame.js';
import type { StorageRequest } from './storage-request.js';

/**
 * Why a connection ended, as this node saw it: an ERROR code (sent or received), or one of the
 * endings no frame names, which never go on the wire: a dial that failed (refused, unreachable),
 * the peer's orderly close (FIN), a reset (RST or another socket error).
 */
export type CloseCode = ErrorCode | 'connect_failed' | 'peer_closed' | 'reset';

/** How a connection that no frame closed was lost: an orderly close by the peer, or a reset. */
export type LostHow = 'peer_closed' | 'reset';

/** Something that happened, for observers: logs, metrics, tests. Never needed for correctness. */
export type ReplicationEvent =
  | { readonly kind: 'ready'; readonly replicationId: string }
  | { readonly kind: 'writeApplied'; readonly sequence: number }
  | { readonly kind: 'expired'; readonly path: string; readonly sequence: number }
  | { readonly kind: 'peerJoined'; readonly connectionId: number; readonly replicaId: string; readonly address: string }
  /** A secondary acknowledged more of the primary's history: applied, and durable on its storage. */
  | { readonly kind: 'replicaAcked'; readonly replicaId: string; readonly appliedSequence: number; readonly durableSequence: number }
  /** `address`: the peer's, on the primary (a secondary knows whom it dialled). */
  | { readonly kind: 'connectionClosed'; readonly connectionId: number; readonly code: CloseCode; readonly reason: string; readonly address?: string }
  | { readonly kind: 'resync'; readonly connectionId: number; readonly mode: 'continue' | 'full_resync'; readonly fromSequence: number }
  | { readonly kind: 'snapshotSent'; readonly connectionId: number; readonly entryCount: number; readonly consistentSequence: number }
  | { readonly kind: 'snapshotInstalled'; readonly replicationId: string; readonly sequence: number }
  | { readonly kind: 'applied'; readonly sequence: number }
  | { readonly kind: 'storageFailed'; readonly message: string }
  /** A primary saw a newer fencing epoch: it takes no more writes. */
  | { readonly kind: 'deposed'; readonly epoch: number; readonly reason: string }
  /** A secondary refused a primary of an older epoch than the history it holds. */
  | { readonly kind: 'fenced'; readonly primaryEpoch: number; readonly epoch: number }
  | { readonly kind: 'reconnectScheduled'; readonly atMs: number; readonly attempt: number };

/** What a state machine asks its driver to do, in the order it must be done. */
export type Output =
  | { readonly kind: 'transmit'; readonly connectionId: number; readonly bytes: Uint8Array }
  /** Close after everything transmitted before it; the machine has already forgotten the link. */
  | { readonly kind: 'close'; readonly connectionId: number; readonly code: ErrorCode; readonly reason: string }
  /** Secondary only: open a link to the primary and report it with handleConnected(connectionId). */
  | { readonly kind: 'connect'; readonly connectionId: number }
  | { readonly kind: 'storage'; readonly requestId: number; readonly request: StorageRequest }
  | { readonly kind: 'event'; readonly event: ReplicationEvent };

/** The outputs a machine has produced and its pump has not polled yet. */
export class OutputQueue extends Fifo<Output> {}

/** The interface every state machine offers its pump. */
export interface StateMachine {
  poll(): Output | undefined;
  /** When handleTimeout must be called next, in the machine's clock; undefined when never. */
  nextWakeMs(): number | undefined;
  invariants(): void;
}

export function lostReason(how: LostHow): string {
  return how === 'reset' ? 'connection reset by the peer or the network' : 'connection closed by the peer';
}
