import { FRAME_HEADER_BYTES, type Limits } from '../core/limits.js';

/**
 * Limits of the runtime shell (the core's are in src/core/limits.ts). Each one bounds a wait or a
 * buffer that the core cannot see.
 */
export interface RuntimeLimits {
  /** A closing connection that has not flushed by then is destroyed (a peer that stopped reading). */
  closeFlushTimeoutMs: number;
  /** How long a secondary waits for its first sync before create() gives up. */
  startupTimeoutMs: number;
  /** How long `nadb-repl stats` waits for a node's admin endpoint to answer. */
  statsRequestTimeoutMs: number;
  /** How long `nadb-repl promote` waits: the secondary finishes its storage work, then loads its storage as a primary. */
  promoteRequestTimeoutMs: number;
  /** How long a write with `minReplicas` waits for its secondaries unless it says (ReplicatedWriteOptions.timeoutMs). */
  replicaWaitTimeoutMs: number;
  /** Writes waiting for secondaries at once; one more is refused with LimitExceededError (it is applied on the primary). */
  replicaWaitsMax: number;
  /** Primary over TLS: a handshake not finished by then is dropped (node's default is 120 s). */
  tlsHandshakeTimeoutMs: number;
  /** Open connections to the admin endpoint; past it new ones are closed at once. */
  adminConnectionsMax: number;
  /** Time a client of the admin endpoint has to send its request headers (slowloris). */
  adminHeadersTimeoutMs: number;
  /** Time a client of the admin endpoint has to send its whole request, body included. */
  adminRequestTimeoutMs: number;
  /** Paths one `GET /list` answers with; the answer says when there were more. */
  adminListPathsMax: number;
  /** Writes a primary holds while a secondary keeping up needs the log's whole backlog (core/primary/paced-writes.ts); one more is refused with LimitExceededError. */
  pacedWritesMax: number;
}

export const DEFAULT_RUNTIME_LIMITS: Readonly<RuntimeLimits> = Object.freeze({
  closeFlushTimeoutMs: 5_000,
  startupTimeoutMs: 10_000,
  statsRequestTimeoutMs: 5_000,
  promoteRequestTimeoutMs: 120_000,
  replicaWaitTimeoutMs: 10_000,
  replicaWaitsMax: 100_000,
  tlsHandshakeTimeoutMs: 5_000,
  adminConnectionsMax: 64,
  adminHeadersTimeoutMs: 5_000,
  adminRequestTimeoutMs: 30_000,
  adminListPathsMax: 10_000,
  pacedWritesMax: 10_000,
});

/** setTimeout fires at once for delays above 2^31 - 1 ms: wake-ups further off are re-armed. */
export const TIMER_DELAY_MAX_MS = 0x7fff_ffff;

/**
 * Bytes one socket may hold unsent. The core never has more than outboundBudgetBytes unacknowledged
 * on a link, plus the control frames it sends regardless (heartbeats, an ERROR): one frame of slack.
 */
export function sendQueueBytesMax(limits: Limits): number {
  return limits.outboundBudgetBytes + FRAME_HEADER_BYTES + limits.frameBytesMax;
}
