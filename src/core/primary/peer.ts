import type { HelloFrame } from '../frame.js';
import type { ScanRequest } from '../keyspace.js';
import type { PeerTerms } from '../limits.js';
import type { Link } from '../link.js';

/** Where a paged scan stands: after which path, and the scan to resume (when the backend keeps one). */
export type ScanPosition = Pick<ScanRequest, 'afterPath' | 'resumeId'>;

export const SCAN_START: ScanPosition = Object.freeze({ afterPath: null, resumeId: undefined });

/** A full resync in progress for one connection. */
export interface SnapshotSession {
  /** S0 + 1: the first operation that follows the snapshot; everything up to S0 is in it. */
  readonly fromSequence: number;
  position: ScanPosition;
  scanPending: boolean;
  /** Operations handed to storage when the latest scan was: the latest S1 candidate. */
  issuedAtLastScan: number;
  chunkCount: number;
  entryCount: number;
  digest: string;
}

/** 'auth': the HELLO was answered with a CHALLENGE, whose proof (AUTH) has not come yet. */
export type PeerPhase = 'hello' | 'auth' | 'sync' | 'snapshot' | 'stream';

/** The primary's view of one connected secondary. */
export class Peer {
  phase: PeerPhase = 'hello';
  replicaId: string | null = null;
  /** While in 'auth': the HELLO the proof must be for, and the nonce sent in CHALLENGE. */
  pendingHello: { readonly hello: HelloFrame; readonly primaryNonce: string } | null = null;
  /** Set only once the peer has proved the token (or when the primary holds none): nothing but the handshake goes before. */
  authenticated = false;
  /** The next operation to send on this connection. */
  nextSequence = 0;
  /**
   * The highest sequence this connection has told the secondary of (its sync point, then the last
   * operation sent): an ACK may claim no more.
   */
  announcedThrough = 0;
  /** The highest sequence the secondary's ACKs on this connection claimed. */
  claimedThrough = 0;
  snapshot: SnapshotSession | null = null;
  /** Bytes the secondary reports processed: what it has taken off the outbound budget. */
  bytesAcked = 0;
  /** Its budgets and heartbeat interval: from our configuration and its HELLO's terms (limits.ts, peerTermsOf); the defaults' until its HELLO. */
  terms: PeerTerms;
  /** Since when the outbound budget has been too full to send what is waiting. */
  budgetFullSinceMs: number | null = null;
  /**
   * When its acknowledgements last took bytes beyond its heartbeats' off the budget, or it last
   * had nothing unacknowledged (its connection's opening before either): how long it has been
   * stalled, which pacing asks.
   */
  progressMs: number;
  /**
   * Bytes of the heartbeats sent to it. A secondary acknowledges a heartbeat as it reads it,
   * whatever its storage is doing: acknowledged bytes count as progress only past these.
   */
  heartbeatBytesSent = 0;
  /** The most its acknowledgements have covered beyond heartbeatBytesSent: work its storage did, or frames that needed none. */
  workAckedMax = 0;

  /**
   * `acceptedOrder`: how many connections the primary had accepted when it accepted this one. Of two
   * connections of one replica, the one accepted later is the newer, whichever HELLO arrives first.
   */
  constructor(
    readonly link: Link,
    readonly address: string,
    terms: PeerTerms,
    readonly acceptedOrder: number,
  ) {
    this.progressMs = link.openedAtMs;
    this.terms = terms;
  }

  /** Not yet admitted as a secondary: it holds a handshake slot, never a secondary's. */
  get isStranger(): boolean {
    return this.phase === 'hello' || this.phase === 'auth';
  }

  get unackedBytes(): number {
    return this.link.bytesSent - this.bytesAcked;
  }
}
