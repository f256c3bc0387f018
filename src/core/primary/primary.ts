import { assert } from '../assert.js';
import { primaryProof, proofsEqual, secondaryProof, type AuthNonces } from '../auth.js';
import {
  chainDigest, chosenWireFormat, isBinaryWireFormat, WIRE_FORMAT_SETTINGS, encodeFrame, operationWireBytesMax, SNAPSHOT_DIGEST_INITIAL, type EncodedFrame, type WireFormat, type WireFormatSetting,
} from '../codec/index.js';
import { encodeBinaryEntries } from '../codec/binary-frame.js';
import { BacklogFullError, DeposedError, LimitExceededError, NotEnoughReplicasError, NotReadyError, PendingWritesFullError, ProtocolError, StorageFailedError } from '../errors.js';
import { ExpiryIndex } from '../expiry-index.js';
import type { RecoveredHistory } from '../log-persistence/history.js';
import { cursorOf, holdsPrefixOf } from '../failover/lineage.js';
import type { Succession } from '../failover/promotion.js';
import {
  operationFrame, type AuthFrame, type ErrorCode, type Frame, type HelloFrame, type PreviousHistory, type SyncRequestFrame,
} from '../frame.js';
import type { ScanPage } from '../keyspace.js';
import {
  AUTH_TOKENS_MAX,
  DEFAULT_LIMITS,
  DEFAULT_TIMING,
  FRAME_ENVELOPE_BYTES,
  FRAME_HEADER_BYTES,
  peerTermsOf,
  PROTOCOL_VERSION,
  receiveLimitsShort,
  secondaryFrameBytesMaxOf,
  validateLimits,
  validateTiming,
  type Limits,
  type Timing,
} from '../limits.js';
import { Link, protocolErrorCode, unackedBytesMax } from '../link.js';
import { OperationLog } from '../op-log.js';
import type { LogEntry, Operation } from '../operation.js';
import { lostReason, OutputQueue, type CloseCode, type LostHow, type Output, type ReplicationEvent, type StateMachine } from '../output.js';
import { randomHexId, type Random } from '../random.js';
import type { StorageRequest, StorageResult } from '../storage-request.js';
import { validateOperation } from '../validate-operation.js';
import { DataFrames } from './data-frames.js';
import { Peer, SCAN_START, type ScanPosition, type SnapshotSession } from './peer.js';
import type { PrimaryStats, ReplicaRecord, ReplicaStats } from './stats.js';

export interface PrimaryOptions {
  readonly nowMs: number;
  readonly random: Random;
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  /**
   * When set, a HELLO is answered with a CHALLENGE and the secondary must prove the token over
   * both nonces (AUTH) before anything else; WELCOME then carries the primary's own proof. Several
   * tokens (at most AUTH_TOKENS_MAX): any one admits a secondary, which the primary answers with
   * a proof of the same one, so tokens rotate without a stop (old and new, then the new alone).
   */
  readonly authToken?: string | readonly string[] | null;
  /**
   * Refuse writes (NotEnoughReplicasError) while fewer secondaries than this are streaming and
   * have been heard from within minReplicasMaxLagMs, as Redis' min-replicas-to-write (default 0: never).
   */
  readonly minReplicasToWrite?: number;
  /** Default 10,000, as Redis' min-replicas-max-lag (10 s). */
  readonly minReplicasMaxLagMs?: number;
  /** 'binary': a secondary that offers binary-1 gets its data frames in it. Default 'json', the original's. */
  readonly wireFormat?: WireFormatSetting;
  /** The history a persisted log recovered (docs/OPERATION-LOG.md); without it every start is a new history. */
  readonly history?: RecoveredHistory | null;
  /**
   * The fencing epoch (default 0): the one persisted in this node's cursor, or for a promoted
   * secondary, one above it (failover/promotion.ts). A secondary that shows a higher one deposes us.
   */
  readonly epoch?: number;
  /** Set when a secondary is promoted: the history this primary continues, and its log of it. */
  readonly succeeds?: Succession | null;
}

const MIN_REPLICAS_MAX_LAG_MS_DEFAULT = 10_000;

type Inflight =
  | { readonly requestId: number; readonly kind: 'apply'; readonly lastSequence: number }
  | { readonly requestId: number; readonly kind: 'load' }
  | { readonly requestId: number; readonly kind: 'cursor' }
  | { readonly requestId: number; readonly kind: 'snapshot'; readonly connectionId: number };

/**
 * The primary as a sans-IO state machine. It sequences writes in the order it applies them,
 * keeps the recent history in a bounded log, and streams each secondary from its own cursor over
 * that log: live streaming and catch-up are one code path, so neither can overtake the other.
 * It streams only what its own storage has applied.
 */
export class Primary implements StateMachine {
  readonly replicationId: string;
  readonly epoch: number;
  /** The history this one continues (a promoted secondary's); null for a history of its own. */
  readonly previous: PreviousHistory | null;
  private readonly limits: Limits;
  private readonly timing: Timing;
  /** Empty: no authentication. Protected for the test-only bug zoo (test/zoo). */
  protected readonly authTokens: readonly string[];
  /** Draws each connection's CHALLENGE nonce. */
  private readonly random: Random;
  private readonly writeQuorum: { readonly replicasMin: number; readonly lagMsMax: number };
  private readonly wireFormat: WireFormatSetting;
  private readonly outputs = new OutputQueue();
  /** Protected for the test-only bug zoo (test/zoo). */
  protected readonly log: OperationLog;
  /** Protected for the test-only bug zoo (test/zoo). */
  protected readonly expiry: ExpiryIndex;
  private readonly dataFrames: DataFrames;
  private readonly peers = new Map<number, Peer>();
  private readonly replicas = new Map<string, ReplicaRecord>();
  private readonly inflight: Inflight[] = [];
  private pending: LogEntry[] = [];
  /** Protected for the test-only bug zoo (test/zoo). */
  protected state: 'loading' | 'ready' | 'failed' | 'closed' | 'deposed' = 'loading';
  /** Why storage failed, given with every write refused since. */
  private storageFailure = '';
  /** The newer epoch that deposed this primary; null while it is not deposed. */
  private deposedByEpoch: number | null = null;
  private loadPosition: ScanPosition = SCAN_START;
  /** Protected for the test-only bug zoo (test/zoo). */
  protected issuedSequence = 0;
  private appliedSequence = 0;
  private nextRequestId = 1;
  private clockMs: number;
  /** Connections accepted so far: each peer's acceptedOrder. */
  private connectionsAccepted = 0;
  private fullResyncs = 0;
  private partialResyncs = 0;
  private expiredKeys = 0;

  constructor(options: PrimaryOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    validateLimits(this.limits);
    validateTiming(this.timing);
    this.authTokens = authTokensOf(options.authToken ?? null);
    this.random = options.random;
    this.writeQuorum = { replicasMin: options.minReplicasToWrite ?? 0, lagMsMax: options.minReplicasMaxLagMs ?? MIN_REPLICAS_MAX_LAG_MS_DEFAULT };
    assert(Number.isSafeInteger(this.writeQuorum.replicasMin) && this.writeQuorum.replicasMin >= 0, 'minReplicasToWrite must be a non-negative integer');
    assert(Number.isSafeInteger(this.writeQuorum.lagMsMax) && this.writeQuorum.lagMsMax > 0, 'minReplicasMaxLagMs must be a positive integer');
    this.wireFormat = options.wireFormat ?? 'json';
    assert(WIRE_FORMAT_SETTINGS.includes(this.wireFormat), `wireFormat must be one of ${WIRE_FORMAT_SETTINGS.join(', ')}, got ${String(this.wireFormat)}`);
    this.clockMs = options.nowMs;
    this.epoch = options.epoch ?? 0;
    assert(Number.isSafeInteger(this.epoch) && this.epoch >= 0, 'epoch must be a non-negative integer');
    const history = options.history ?? null;
    const succeeds = options.succeeds ?? null;
    // A promoted secondary has no log of its own yet: it continues from what it applied, not from a recovered log.
    assert(history === null || succeeds === null, 'a primary either recovers its log or succeeds another, not both');
    this.replicationId = history?.replicationId ?? randomHexId(options.random);
    this.previous = succeeds?.previous ?? null;
    assert(succeeds === null || this.epoch > 0, 'a promoted primary has an epoch above 0');
    this.log =
      history !== null ? logEndingAt(this.limits, history.entries, history.lastSequence)
      : succeeds !== null ? logEndingAt(this.limits, succeeds.entries, succeeds.previous.endSequence)
      : new OperationLog(this.limits);
    this.issuedSequence = this.log.lastSequence;
    this.appliedSequence = this.log.lastSequence;
    this.log.appliedThrough(this.appliedSequence, Number.POSITIVE_INFINITY);
    this.expiry = new ExpiryIndex(this.limits.expiringKeysMax);
    this.dataFrames = new DataFrames();
    // An epoch is made durable before any write: a restart keeps it, and it only grows. (A promoted
    // secondary that held no history yet has no cursor to carry it otherwise.)
    if (this.epoch > 0) this.persistCursor();
    this.requestLoadScan();
  }

  private persistCursor(): void {
    const cursor = cursorOf(this.replicationId, this.appliedSequence, this.epoch);
    this.request({ kind: 'apply', operations: [], cursor }, (requestId) => ({ requestId, kind: 'cursor' }));
  }

  /** True once a newer epoch has been seen: this primary's history ended, and it takes no writes. */
  get isDeposed(): boolean {
    return this.state === 'deposed';
  }

  get lastSequence(): number {
    return this.log.lastSequence;
  }

  /** The last write handed to storage: one at or below it is in an apply issued (or done). */
  get lastIssuedSequence(): number {
    return this.issuedSequence;
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  // ---- inputs ----

  /**
   * Accepts a write: assigns the next sequence, logs it and queues it for storage. The write is
   * acknowledged by a `writeApplied` event once storage confirms it. Throws, accepting nothing of
   * the write, when the operation is invalid, a limit is reached, or the primary is not ready (due
   * expiries may still have been issued: they were owed anyway).
   */
  submitWrite(op: Operation, nowMs: number): number {
    this.clockMs = nowMs;
    if (this.state === 'loading') throw new NotReadyError('primary is still loading its storage');
    if (this.state === 'failed') throw new StorageFailedError(`primary storage failed (${this.storageFailure}); writes are refused until the primary is restarted`);
    if (this.state === 'closed') throw new NotReadyError('primary is closed');
    if (this.state === 'deposed') throw new DeposedError(`primary deposed by epoch ${this.deposedByEpoch} (ours is ${this.epoch}): writes go to the new primary`);
    const wireBytes = validateOperation(op, this.limits);
    // An entry past its expiry is already gone for readers: delete it before a write can revive it.
    this.expireKeys(nowMs);
    if (this.pending.length >= this.limits.pendingWritesMax) {
      throw new PendingWritesFullError(
        `${this.pending.length} writes waiting for storage: pendingWritesMax reached; raise limits.pendingWritesMax, ` +
          `which may not exceed logEntriesMax (${this.limits.logEntriesMax}, set by maxOperationLog)`,
      );
    }
    if (this.expiry.wouldOverflow(op)) {
      throw new LimitExceededError(`${this.expiry.size} expiring keys indexed (expiringKeysMax)`);
    }
    // Which secondaries pace the writes is asked only when the log is full enough to evict for this write.
    if (!this.log.fits(wireBytes) && !this.log.admits(wireBytes, this.pacedFrom(nowMs))) {
      throw new BacklogFullError(
        `a secondary keeping up needs the log from sequence ${this.pacedFrom(nowMs)}, its whole backlog (logBytesMax plus replicaBacklogBytesMax): ` +
          `the write waits for it rather than cut it off (pacingStallMs, pacingLagMsMax)`,
      );
    }
    const healthy = this.healthyReplicaCount(nowMs);
    if (healthy < this.writeQuorum.replicasMin) {
      throw new NotEnoughReplicasError(
        `${healthy} secondaries streaming and heard from within ${this.writeQuorum.lagMsMax} ms, ${this.writeQuorum.replicasMin} wanted (minReplicasToWrite)`,
      );
    }
    return this.append(op, wireBytes, nowMs);
  }

  /**
   * How many secondaries have acknowledged `sequence` of this history as applied or, with
   * `durable`, as durable on their storage (Redis' WAIT and WAITAOF). A later full resync of one
   * replaces its storage with a snapshot that holds it too.
   */
  replicasHolding(sequence: number, durable: boolean): number {
    let count = 0;
    for (const record of this.replicas.values()) if ((durable ? record.durableSequence : record.appliedSequence) >= sequence) count += 1;
    return count;
  }

  /** The highest sequence at least `replicas` secondaries hold (as replicasHolding counts); 0 when none. */
  sequenceHeldBy(replicas: number, durable: boolean): number {
    assert(replicas > 0, 'sequenceHeldBy: replicas must be positive');
    const held = [...this.replicas.values()].map((record) => (durable ? record.durableSequence : record.appliedSequence)).sort((a, b) => b - a);
    return held[replicas - 1] ?? 0;
  }

  /** The sequence of this history `replicaId` last acknowledged as durable; 0 for one never heard of. */
  durableSequenceOf(replicaId: string): number {
    return this.replicas.get(replicaId)?.durableSequence ?? 0;
  }

  /** Secondaries streaming whose last frame is at most minReplicasMaxLagMs old. */
  private healthyReplicaCount(nowMs: number): number {
    if (this.writeQuorum.replicasMin === 0) return 0;
    let count = 0;
    for (const peer of this.peers.values()) {
      const record = peer.replicaId === null ? undefined : this.replicas.get(peer.replicaId);
      if (peer.phase === 'stream' && record !== undefined && nowMs - record.lastHeartbeatMs <= this.writeQuorum.lagMsMax) count += 1;
    }
    return count;
  }

  /** Connections the primary holds open: every other one it has asked the driver to close. */
  get connectionCount(): number {
    return this.peers.size;
  }

  handleConnected(connectionId: number, address: string, nowMs: number): void {
    this.clockMs = nowMs;
    assert(!this.peers.has(connectionId), `connection ${connectionId} is already open`);
    this.connectionsAccepted += 1;
    const peer = new Peer(new Link(connectionId, this.limits, nowMs, secondaryFrameBytesMaxOf(this.limits)), address, peerTermsOf(this.limits, this.timing, {}), this.connectionsAccepted);
    this.peers.set(connectionId, peer);
    if (this.state === 'closed') this.closePeer(peer, 'shutdown', 'primary is closed');
    // Its storage misses a write it issued: a snapshot would claim it, a stream would wait for it for ever.
    else if (this.state === 'failed') this.closePeer(peer, 'storage', `primary storage failed (${this.storageFailure}); restart the primary`);
    else if (this.state === 'deposed') this.closePeer(peer, 'fenced', `primary deposed by epoch ${this.deposedByEpoch}`);
    else this.limitHandshakes(peer);
  }

  /**
   * Connections before their HELLO have slots of their own (handshakesMax), never a secondary's:
   * one host may hold a few (handshakesPerHostMax: more are refused), and past the total the oldest
   * is closed, so a flood from many hosts cannot keep a secondary that connects meanwhile out.
   */
  private limitHandshakes(peer: Peer): void {
    const host = hostOf(peer.address);
    let fromHost = 0;
    let oldest: Peer | undefined;
    let count = 0;
    for (const other of this.peers.values()) {
      if (!other.isStranger) continue;
      count += 1;
      if (hostOf(other.address) === host) fromHost += 1;
      if (oldest === undefined || other.link.openedAtMs < oldest.link.openedAtMs) oldest = other;
    }
    if (fromHost > this.limits.handshakesPerHostMax) {
      this.closePeer(peer, 'capacity', `too many connections from ${host} without a HELLO (handshakesPerHostMax)`);
    } else if (count > this.limits.handshakesMax && oldest !== undefined) {
      this.closePeer(oldest, 'capacity', 'closed for a newer connection: too many without a HELLO (handshakesMax)');
    }
  }

  handleBytes(connectionId: number, bytes: Uint8Array, nowMs: number): void {
    this.clockMs = nowMs;
    const peer = this.peers.get(connectionId);
    if (peer === undefined) return; // closed by us; the driver may still deliver what was in flight
    try {
      peer.link.receive(bytes, nowMs);
      for (let received = peer.link.nextFrame(); received !== undefined; received = peer.link.nextFrame()) {
        this.handleFrame(peer, received.frame);
        if (!this.peers.has(connectionId)) return;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.closePeer(peer, protocolErrorCode(error), error.message);
    }
  }

  handleDisconnected(connectionId: number, nowMs: number, how: LostHow = 'peer_closed'): void {
    this.clockMs = nowMs;
    const peer = this.peers.get(connectionId);
    if (peer === undefined) return;
    this.forgetPeer(peer, how, lostReason(how));
  }

  handleStorageDone(requestId: number, result: StorageResult, nowMs: number): void {
    this.clockMs = nowMs;
    const head = this.inflight.shift();
    assert(head !== undefined && head.requestId === requestId, `storage completed out of order: ${requestId}`);
    if (result.kind === 'failed') {
      this.failStorage(result.message);
      return;
    }
    switch (head.kind) {
      case 'apply':
        assert(result.kind === 'done', 'apply answered with a scan result');
        this.appliedSequence = head.lastSequence;
        this.log.appliedThrough(this.appliedSequence, this.neededFrom());
        this.emit({ kind: 'writeApplied', sequence: head.lastSequence });
        this.issuePending();
        return;
      case 'cursor':
        assert(result.kind === 'done', 'a cursor write answered with a scan result');
        return;
      case 'load':
        assert(result.kind === 'scanned', 'load scan answered without entries');
        this.continueLoad(result);
        return;
      case 'snapshot':
        assert(result.kind === 'scanned', 'snapshot scan answered without entries');
        this.continueSnapshot(head.connectionId, result);
        return;
    }
  }

  handleTimeout(nowMs: number): void {
    this.clockMs = nowMs;
    for (const peer of [...this.peers.values()]) this.checkPeerTimers(peer, nowMs);
    this.expireKeys(nowMs);
  }

  /**
   * A newer epoch exists: another primary was promoted over this one. Its history ends here: no
   * more writes, and no secondary is streamed from it again. Writes already accepted still reach
   * its own storage.
   */
  private depose(epoch: number, reason: string): void {
    assert(epoch > this.epoch, 'deposed by an epoch not newer than ours');
    if (this.state === 'deposed' || this.state === 'closed') return;
    this.state = 'deposed';
    this.deposedByEpoch = epoch;
    this.emit({ kind: 'deposed', epoch, reason });
    for (const peer of [...this.peers.values()]) this.closePeer(peer, 'fenced', `primary deposed by epoch ${epoch}: ${reason}`);
  }

  /** Stops accepting writes and closes every link. Outstanding storage requests still complete. */
  close(nowMs: number): void {
    this.clockMs = nowMs;
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const peer of [...this.peers.values()]) this.closePeer(peer, 'shutdown', 'primary is shutting down');
  }

  // ---- outputs ----

  poll(): Output | undefined {
    const queued = this.outputs.shift();
    if (queued !== undefined) return queued;
    this.produce();
    return this.outputs.shift();
  }

  nextWakeMs(): number | undefined {
    // With no room for the expiry DELETEs, the storage completion that makes room wakes us instead.
    const canExpire = this.state === 'ready' && this.pending.length < this.limits.pendingWritesMax;
    let wakeMs = canExpire ? this.expiry.nextExpiryMs() : undefined;
    for (const peer of this.peers.values()) {
      const peerWakeMs = this.peerWakeMs(peer);
      if (wakeMs === undefined || peerWakeMs < wakeMs) wakeMs = peerWakeMs;
    }
    return wakeMs;
  }

  invariants(): void {
    this.log.invariants();
    this.expiry.invariants();
    assert(this.appliedSequence <= this.issuedSequence, 'applied beyond issued');
    assert(this.issuedSequence + this.pending.length === this.log.lastSequence, 'pending writes do not close the gap to the log');
    assert(this.pending.length <= this.limits.pendingWritesMax, 'pending writes above pendingWritesMax');
    // A full resync snapshots the storage and replays the log from the storage's next write (the log's appliedThrough).
    assert(this.log.covers(this.appliedSequence + 1), 'the log evicted a write its storage has not applied');
    let handshaking = 0;
    for (const peer of this.peers.values()) if (peer.isStranger) handshaking += 1;
    assert(handshaking <= this.limits.handshakesMax, 'more connections without a HELLO than handshakesMax');
    assert(this.peers.size - handshaking <= this.limits.connectionsMax, 'more secondaries connected than connectionsMax');
    assert(this.replicas.size <= this.limits.replicasMax, 'more replicas than replicasMax');
    const inboundMax = secondaryFrameBytesMaxOf(this.limits);
    for (const peer of this.peers.values()) {
      // Nothing past the handshake, not even a WELCOME, goes to a peer that has not proved the token.
      assert(peer.isStranger || peer.authenticated, `connection ${peer.link.connectionId} past its handshake without authenticating`);
      assert((peer.phase === 'auth') === (peer.pendingHello !== null), 'a pending HELLO outside the auth phase');
      assert(peer.bytesAcked <= peer.link.bytesSent, 'a peer acknowledged more than was sent');
      assert(peer.terms.snapshotBudgetBytes <= peer.terms.budgetBytes && peer.terms.budgetBytes <= this.limits.outboundBudgetBytes, 'a peer\'s budgets above ours');
      assert(peer.unackedBytes <= unackedBytesMax(this.limits, peer.terms.budgetBytes), `${peer.unackedBytes} bytes unacknowledged on a link, above its budget plus one frame`);
      if (peer.phase === 'stream') assert(peer.nextSequence <= this.appliedSequence + 1, 'streamed beyond applied');
      assert(peer.claimedThrough <= peer.announcedThrough, 'a peer is believed to hold a sequence never sent to it');
      // Checked here against the policy, not only by the link against the bound it was given.
      assert(peer.link.bufferedBytes < FRAME_HEADER_BYTES + inboundMax, 'a secondary\'s connection buffers more than the largest frame a secondary sends');
      peer.link.invariants();
    }
  }

  getStats(nowMs: number): PrimaryStats {
    const replicas = [...this.replicas.values()].map((record) => this.replicaStats(record, nowMs));
    return {
      mode: 'primary',
      replicationId: this.replicationId,
      epoch: this.epoch,
      deposedByEpoch: this.deposedByEpoch,
      previousReplicationId: this.previous?.replicationId ?? null,
      previousEndSequence: this.previous?.endSequence ?? null,
      sequenceNumber: this.log.lastSequence,
      appliedSequence: this.appliedSequence,
      operationLogSize: this.log.size,
      operationLogBytes: this.log.bytes,
      firstLogSequence: this.log.firstSequence,
      lastLogSequence: this.log.lastSequence,
      replicaCount: replicas.filter((replica) => replica.connected).length,
      replicas,
      fullResyncs: this.fullResyncs,
      partialResyncs: this.partialResyncs,
      expiredKeys: this.expiredKeys,
      pendingWrites: this.pending.length,
    };
  }

  // ---- writes and storage ----

  /** `wireBytes`: the operation's operationWireBytesMax, what the log sizes it by. */
  private append(op: Operation, wireBytes: number, nowMs: number): number {
    const entry: LogEntry = { sequence: this.log.lastSequence + 1, timestampMs: nowMs, op };
    this.log.append(entry, wireBytes, this.neededFrom());
    this.expiry.observe(op);
    this.pending.push(entry);
    this.issuePending();
    return entry.sequence;
  }

  /** One apply in flight at a time; what arrives meanwhile goes in the next (group commit). */
  private issuePending(): void {
    if (this.pending.length === 0 || this.inflight.some((request) => request.kind === 'apply')) return;
    if (this.state === 'failed') return;
    const batch = this.pending;
    this.pending = [];
    const last = batch[batch.length - 1];
    assert(last !== undefined && batch[0]?.sequence === this.issuedSequence + 1, 'pending writes out of order');
    this.issuedSequence = last.sequence;
    // The cursor names exactly what this storage holds, in which history: a persisted log is
    // reconciled with it, and should it rejoin as a secondary (after a failover), it continues only
    // where that is a prefix of the new history, and resyncs otherwise.
    const cursor = cursorOf(this.replicationId, last.sequence, this.epoch);
    this.request({ kind: 'apply', operations: batch.map((entry) => entry.op), cursor }, (requestId) => ({
      requestId,
      kind: 'apply',
      lastSequence: last.sequence,
    }));
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected request(request: StorageRequest, track: (requestId: number) => Inflight): void {
    const requestId = this.nextRequestId;
    this.nextRequestId += 1;
    this.inflight.push(track(requestId));
    this.outputs.push({ kind: 'storage', requestId, request });
  }

  private requestScan(position: ScanPosition, track: (requestId: number) => Inflight): void {
    const scan = { ...position, entriesMax: this.limits.snapshotChunkEntriesMax, bytesMax: this.limits.snapshotChunkBytesMax };
    this.request({ kind: 'scan', ...scan }, track);
  }

  private requestLoadScan(): void {
    this.requestScan(this.loadPosition, (requestId) => ({ requestId, kind: 'load' }));
  }

  /** Start-up: index the expiring entries already in storage before taking writes. */
  private continueLoad({ entries, done, resumeId }: ScanPage): void {
    for (const entry of entries) {
      if (entry.expiresAtMs !== null && this.expiry.size < this.limits.expiringKeysMax) {
        this.expiry.load(entry.path, { expiresAtMs: entry.expiresAtMs, db: entry.db, namespace: entry.namespace });
      }
    }
    const last = entries[entries.length - 1];
    if (last !== undefined) this.loadPosition = { afterPath: last.path, resumeId };
    if (!done) {
      this.requestLoadScan();
      return;
    }
    if (this.state !== 'loading') return;
    this.state = 'ready';
    this.emit({ kind: 'ready', replicationId: this.replicationId });
  }

  private failStorage(message: string): void {
    this.state = 'failed';
    this.storageFailure = message;
    this.emit({ kind: 'storageFailed', message });
    for (const peer of [...this.peers.values()]) this.closePeer(peer, 'storage', `primary storage failed: ${message}`);
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected expireKeys(nowMs: number): void {
    if (this.state !== 'ready') return;
    while (this.pending.length < this.limits.pendingWritesMax) {
      const path = this.expiry.takeExpired(nowMs);
      if (path === undefined) return;
      const op: Operation = { type: 'DELETE', path };
      const sequence = this.append(op, operationWireBytesMax(op), nowMs);
      this.expiredKeys += 1;
      this.emit({ kind: 'expired', path, sequence });
    }
  }

  // ---- links ----

  private handleFrame(peer: Peer, frame: Frame): void {
    if (frame.kind === 'error') {
      // Its sender closes right after; a stranger may not, and would keep a socket nothing counts.
      const reason = `secondary reported: ${frame.message}`;
      this.outputs.push({ kind: 'close', connectionId: peer.link.connectionId, code: frame.code, reason });
      this.forgetPeer(peer, frame.code, reason);
      return;
    }
    if (peer.phase === 'hello') {
      if (frame.kind !== 'hello') throw new ProtocolError(`expected HELLO, got ${frame.kind}`);
      this.handleHello(peer, frame);
      return;
    }
    if (peer.phase === 'auth') {
      if (frame.kind !== 'auth') throw new ProtocolError(`expected AUTH, got ${frame.kind}`);
      this.handleAuth(peer, frame);
      return;
    }
    if (peer.phase === 'sync') {
      if (frame.kind !== 'syncRequest') throw new ProtocolError(`expected SYNC_REQUEST, got ${frame.kind}`);
      this.handleSyncRequest(peer, frame);
      return;
    }
    if (frame.kind === 'ack') {
      if (frame.bytesReceived > peer.link.bytesSent) throw new ProtocolError('ACK covers more bytes than were sent');
      // Believed, a false sequence would show a replica as caught up that holds nothing.
      const claimed = Math.max(frame.receivedSequence, frame.appliedSequence, frame.durableSequence);
      if (claimed > peer.announcedThrough) throw new ProtocolError(`ACK of sequence ${claimed}, never sent on this connection (sent through ${peer.announcedThrough})`);
      peer.claimedThrough = Math.max(peer.claimedThrough, claimed);
      peer.bytesAcked = Math.max(peer.bytesAcked, frame.bytesReceived);
      // Heartbeats' bytes alone are no progress: a secondary whose disk hangs still reads and acknowledges them.
      const workAcked = frame.bytesReceived - peer.heartbeatBytesSent;
      if (workAcked > peer.workAckedMax) {
        peer.workAckedMax = workAcked;
        peer.progressMs = this.clockMs;
      }
      const record = this.recordOf(peer);
      const advanced = frame.appliedSequence !== record.appliedSequence || frame.durableSequence !== record.durableSequence;
      record.receivedSequence = frame.receivedSequence;
      record.appliedSequence = frame.appliedSequence;
      record.durableSequence = frame.durableSequence;
      record.lastHeartbeatMs = this.clockMs;
      if (advanced) this.emit({ kind: 'replicaAcked', replicaId: record.replicaId, appliedSequence: frame.appliedSequence, durableSequence: frame.durableSequence });
      return;
    }
    if (frame.kind === 'heartbeat') {
      this.recordOf(peer).lastHeartbeatMs = this.clockMs;
      return;
    }
    throw new ProtocolError(`unexpected ${frame.kind} while streaming`);
  }

  private handleHello(peer: Peer, hello: HelloFrame): void {
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      this.closePeer(peer, 'version', `protocol version ${hello.protocolVersion} not supported (want ${PROTOCOL_VERSION})`);
      return;
    }
    if (this.authTokens.length === 0) {
      peer.authenticated = true;
      this.admit(peer, hello, null);
      return;
    }
    if (hello.auth !== null) {
      this.closePeer(peer, 'auth', `replica ${hello.replicaId} sent a static proof (protocol 1's, replayable): upgrade it to answer a CHALLENGE`);
    } else if (hello.nonce === undefined) {
      this.closePeer(peer, 'auth', `replica ${hello.replicaId} sent no nonce: it holds no token, and this primary requires one`);
    } else {
      const primaryNonce = randomHexId(this.random);
      peer.pendingHello = { hello, primaryNonce };
      peer.phase = 'auth';
      peer.link.send({ kind: 'challenge', timestampMs: this.clockMs, nonce: primaryNonce }, this.outputs);
    }
  }

  /**
   * Only a proof over this connection's own nonce admits the peer: one replayed from another meets
   * another nonce. Protected for the test-only bug zoo (test/zoo).
   */
  protected handleAuth(peer: Peer, auth: AuthFrame): void {
    const pending = peer.pendingHello;
    assert(pending !== null && pending.hello.nonce !== undefined, 'auth phase without a challenge');
    const nonces = { primaryNonce: pending.primaryNonce, secondaryNonce: pending.hello.nonce };
    const token = this.authTokens.find((candidate) => proofsEqual(secondaryProof(candidate, nonces, pending.hello.replicaId), auth.proof));
    if (token === undefined) {
      this.closePeer(peer, 'auth', `authentication failed for replica ${pending.hello.replicaId}`);
      return;
    }
    peer.pendingHello = null;
    peer.authenticated = true;
    this.admit(peer, pending.hello, { token, nonces });
  }

  /** A secondary that has said HELLO (and proved a token): a slot, its record, the WELCOME. */
  private admit(peer: Peer, hello: HelloFrame, proved: { readonly token: string; readonly nonces: AuthNonces } | null): void {
    // Believed only here, past the token: a stranger must not depose the primary.
    if ((hello.epoch ?? 0) > this.epoch) {
      this.depose(hello.epoch ?? 0, `replica ${hello.replicaId} follows epoch ${hello.epoch}`);
      return;
    }
    const short = receiveLimitsShort(this.limits, hello.receiveLimits);
    if (short.length > 0) {
      // Admitted, it would be sent a write it must refuse, on every reconnection: told now, once per attempt.
      this.closePeer(peer, 'limits', `secondary ${hello.replicaId} takes less than this primary may send (${short.join(', ')}): raise them on the secondary`);
      return;
    }
    if (!this.hasReplicaSlot(hello.replicaId)) {
      this.closePeer(peer, 'capacity', `too many secondaries connected (connectionsMax ${this.limits.connectionsMax})`);
      return;
    }
    if (!this.admitReplica(peer, hello.replicaId)) return;
    peer.phase = 'sync';
    peer.terms = peerTermsOf(this.limits, this.timing, hello);
    const wireFormat = chosenWireFormat(this.wireFormat, hello.wireFormats);
    const lastSequence = this.log.lastSequence;
    const proof = proved === null ? null : primaryProof(proved.token, proved.nonces, hello.replicaId, this.replicationId, lastSequence);
    peer.link.send(
      {
        kind: 'welcome', timestampMs: this.clockMs, protocolVersion: PROTOCOL_VERSION, replicationId: this.replicationId,
        lastSequence, ...(isBinaryWireFormat(wireFormat) ? { wireFormat } : {}), ...(proof === null ? {} : { proof }),
        ...(this.epoch > 0 ? { epoch: this.epoch } : {}), ...(this.previous === null ? {} : { previous: this.previous }),
      },
      this.outputs,
    );
    // After the WELCOME, which is JSON whatever is chosen: every data frame follows it.
    // Each operation is encoded once for every peer and catch-up, in the format its peers take; a
    // primary with no peer encodes none (its log keeps the operations as written).
    if (isBinaryWireFormat(wireFormat)) {
      peer.link.useWireFormat(wireFormat);
      this.log.packOperations(this.limits);
    } else {
      this.log.keepEncodings();
    }
    this.emit({ kind: 'peerJoined', connectionId: peer.link.connectionId, replicaId: hello.replicaId, address: peer.address });
  }

  private get helloTimeoutMs(): number {
    return Math.min(this.timing.helloTimeoutMs, this.timing.handshakeTimeoutMs);
  }

  /** A secondary past its HELLO takes a slot, unless it replaces its own older connection. */
  private hasReplicaSlot(replicaId: string): boolean {
    let connected = 0;
    for (const peer of this.peers.values()) if (!peer.isStranger) connected += 1;
    return connected < this.limits.connectionsMax || this.replicas.get(replicaId)?.connectionId != null;
  }

  /**
   * One connection per replica: a newer one replaces an older (a half-open link, say). A HELLO late
   * on an older one (sent by a process that has since died and reconnected, say) replaces nothing.
   */
  private admitReplica(peer: Peer, replicaId: string): boolean {
    const existing = this.replicas.get(replicaId);
    const current = existing?.connectionId == null ? undefined : this.peers.get(existing.connectionId);
    if (current !== undefined && current.acceptedOrder > peer.acceptedOrder) {
      this.closePeer(peer, 'shutdown', 'a newer connection of the same replica is open');
      return false;
    }
    if (current !== undefined) this.closePeer(current, 'shutdown', 'replaced by a newer connection of the same replica');
    if (existing === undefined && !this.makeRoomForReplica()) {
      this.closePeer(peer, 'capacity', 'too many replicas tracked (replicasMax)');
      return false;
    }
    const record = existing ?? newReplicaRecord(replicaId);
    record.address = peer.address;
    record.connectionId = peer.link.connectionId;
    record.connectedAtMs = this.clockMs;
    record.lastHeartbeatMs = this.clockMs;
    this.replicas.set(replicaId, record);
    peer.replicaId = replicaId;
    return true;
  }

  private makeRoomForReplica(): boolean {
    if (this.replicas.size < this.limits.replicasMax) return true;
    let oldest: ReplicaRecord | undefined;
    for (const record of this.replicas.values()) {
      if (record.connectionId === null && (oldest === undefined || record.lastHeartbeatMs < oldest.lastHeartbeatMs)) oldest = record;
    }
    if (oldest === undefined) return false;
    this.replicas.delete(oldest.replicaId);
    return true;
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected handleSyncRequest(peer: Peer, request: SyncRequestFrame): void {
    const lineage = { replicationId: this.replicationId, previous: this.previous };
    const heldPrefix = request.fromSequence >= 1 && holdsPrefixOf(lineage, request.replicationId, request.fromSequence - 1);
    if (heldPrefix && this.log.covers(request.fromSequence)) {
      this.partialResyncs += 1;
      peer.phase = 'stream';
      peer.nextSequence = request.fromSequence;
      this.sendSyncResponse(peer, 'continue', request.fromSequence);
      return;
    }
    this.startSnapshot(peer);
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  /**
   * A fuzzy snapshot: storage is scanned page by page while writes go on. Everything handed to
   * storage before the first scan (S0) is in it; the last scan can see at most what was handed
   * to storage before it (S1). Replaying S0+1..S1 over it gives exactly the state at S1, because
   * every operation is absolute. The secondary installs it only then.
   */
  protected startSnapshot(peer: Peer): void {
    this.fullResyncs += 1;
    peer.phase = 'snapshot';
    const session: SnapshotSession = {
      fromSequence: this.issuedSequence + 1,
      position: SCAN_START,
      scanPending: false,
      issuedAtLastScan: this.issuedSequence,
      chunkCount: 0,
      entryCount: 0,
      digest: SNAPSHOT_DIGEST_INITIAL,
    };
    peer.snapshot = session;
    this.sendSyncResponse(peer, 'full_resync', session.fromSequence);
    this.requestSnapshotScan(peer, session);
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected sendSyncResponse(peer: Peer, mode: 'continue' | 'full_resync', fromSequence: number): void {
    peer.link.send({ kind: 'syncResponse', timestampMs: this.clockMs, mode, replicationId: this.replicationId, fromSequence }, this.outputs);
    peer.announcedThrough = fromSequence - 1;
    this.emit({ kind: 'resync', connectionId: peer.link.connectionId, mode, fromSequence });
  }

  private requestSnapshotScan(peer: Peer, session: SnapshotSession): void {
    session.scanPending = true;
    session.issuedAtLastScan = this.issuedSequence;
    const connectionId = peer.link.connectionId;
    this.requestScan(session.position, (requestId) => ({ requestId, kind: 'snapshot', connectionId }));
  }

  private continueSnapshot(connectionId: number, { entries, done, resumeId }: ScanPage): void {
    const peer = this.peers.get(connectionId);
    const session = peer?.snapshot;
    if (peer === undefined || session === null || session === undefined) return; // the link closed meanwhile
    session.scanPending = false;
    const last = entries[entries.length - 1];
    if (last !== undefined) {
      const sent = peer.link.send({ kind: 'snapshotChunk', timestampMs: this.clockMs, index: session.chunkCount, entries }, this.outputs);
      session.digest = chainDigest(session.digest, sent.checksum);
      session.chunkCount += 1;
      session.entryCount += entries.length;
      session.position = { afterPath: last.path, resumeId };
    }
    if (done) this.finishSnapshot(peer, session);
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected finishSnapshot(peer: Peer, session: SnapshotSession): void {
    const consistentSequence = session.issuedAtLastScan;
    peer.link.send(
      {
        kind: 'snapshotEnd',
        timestampMs: this.clockMs,
        chunkCount: session.chunkCount,
        entryCount: session.entryCount,
        digest: session.digest,
        consistentSequence,
      },
      this.outputs,
    );
    peer.snapshot = null;
    peer.phase = 'stream';
    peer.nextSequence = session.fromSequence;
    this.emit({ kind: 'snapshotSent', connectionId: peer.link.connectionId, entryCount: session.entryCount, consistentSequence });
  }

  /** Generates frames for every peer whose budget has room: one frame per peer per round. */
  private produce(): void {
    // Not a copy: a peer closed here is the one at hand, which a Map's iteration allows (it runs on every poll).
    for (const peer of this.peers.values()) {
      // Waiting on nothing of its own, it has not stalled: its clock runs from what is sent next.
      if (peer.unackedBytes === 0) peer.progressMs = this.clockMs;
      if (peer.phase === 'stream') this.streamTo(peer);
      else if (peer.phase === 'snapshot') this.continueSnapshotScan(peer);
    }
  }

  private hasRoom(peer: Peer, bytesMax: number, budgetBytes = peer.terms.budgetBytes): boolean {
    return peer.unackedBytes === 0 || peer.unackedBytes + bytesMax + FRAME_ENVELOPE_BYTES <= budgetBytes;
  }

  private continueSnapshotScan(peer: Peer): void {
    const session = peer.snapshot;
    assert(session !== null, 'snapshot phase without a session');
    if (!this.log.covers(session.fromSequence)) {
      // Its replay is gone: finishing the snapshot would only end in the same overrun.
      this.closePeer(peer, 'log_overrun', `full resync outlasted the log's backlog (needs ${session.fromSequence}, log starts at ${this.log.firstSequence}; replicaBacklogBytesMax)`);
      return;
    }
    if (session.scanPending || !this.hasRoom(peer, this.limits.snapshotChunkBytesMax, peer.terms.snapshotBudgetBytes)) return;
    this.requestSnapshotScan(peer, session);
  }

  private streamTo(peer: Peer): void {
    const from = peer.nextSequence;
    if (from > this.appliedSequence) {
      peer.budgetFullSinceMs = null;
      return;
    }
    if (!this.log.covers(from)) {
      this.closePeer(peer, 'log_overrun', `secondary fell behind the log (needs ${from}, log starts at ${this.log.firstSequence}; replicaBacklogBytesMax)`);
      return;
    }
    if (!this.hasRoom(peer, this.limits.batchBytesMax)) {
      peer.budgetFullSinceMs ??= this.clockMs;
      return;
    }
    peer.budgetFullSinceMs = null;
    const count = this.batchCount(from);
    // An OPERATION frame carries its entry's time; a BATCH the time it is made.
    const timestampMs = count === 1 ? this.log.timestampAt(from) : this.clockMs;
    const wireFormat = peer.link.wireFormat;
    const encoded = this.dataFrames.cached(from, count, timestampMs, wireFormat) ?? this.dataFrames.remember(from, count, timestampMs, wireFormat, this.encodeData(from, count, timestampMs, wireFormat));
    const sent = peer.link.sendEncoded(encoded, timestampMs, this.outputs);
    peer.nextSequence = from + count;
    peer.announcedThrough = peer.nextSequence - 1;
    const record = this.recordOf(peer);
    record.operationsSent += count;
    record.bytesSent += sent.frameBytes;
  }

  /** How many entries from `from` the next frame carries: at least one, then up to the batch bounds. */
  private batchCount(from: number): number {
    let count = 0;
    let bytes = 0;
    for (let sequence = from; sequence <= this.appliedSequence; sequence += 1) {
      const size = this.log.sizeAt(sequence);
      if (count > 0 && (count >= this.limits.batchEntriesMax || bytes + size > this.limits.batchBytesMax)) break;
      count += 1;
      bytes += size;
    }
    assert(count > 0, 'empty batch');
    return count;
  }

  /** A binary frame from the encodings the log keeps (writeEntries); a JSON one from the entries. */
  private encodeData(from: number, count: number, timestampMs: number, wireFormat: WireFormat): EncodedFrame {
    if (isBinaryWireFormat(wireFormat)) {
      return encodeBinaryEntries(count, timestampMs, (out) => this.log.writeEntries(from, count, out), this.limits, wireFormat);
    }
    const entries: LogEntry[] = [];
    for (let sequence = from; sequence < from + count; sequence += 1) entries.push(this.log.entryAt(sequence));
    const frame: Frame = count === 1 ? operationFrame(entries[0]!) : { kind: 'batch', timestampMs, entries };
    return encodeFrame(frame, this.limits, wireFormat);
  }

  private checkPeerTimers(peer: Peer, nowMs: number): void {
    const link = peer.link;
    const handshaking = peer.isStranger || peer.phase === 'sync';
    if (peer.isStranger && nowMs - link.openedAtMs >= this.helloTimeoutMs) {
      this.closePeer(peer, 'timeout', `${peer.phase === 'hello' ? 'no HELLO' : 'no AUTH'} in ${this.helloTimeoutMs} ms`);
    } else if (handshaking && nowMs - link.openedAtMs >= this.timing.handshakeTimeoutMs) {
      this.closePeer(peer, 'timeout', `handshake not finished in ${this.timing.handshakeTimeoutMs} ms`);
    } else if (nowMs - link.lastReceivedMs >= this.timing.replicationTimeoutMs) {
      this.closePeer(peer, 'timeout', `nothing received for ${nowMs - link.lastReceivedMs} ms`);
    } else if (peer.budgetFullSinceMs !== null && nowMs - peer.budgetFullSinceMs >= this.timing.replicationTimeoutMs) {
      this.closePeer(peer, 'budget', `outbound budget full for ${nowMs - peer.budgetFullSinceMs} ms`);
    } else if (!handshaking && nowMs - link.lastSentMs >= peer.terms.heartbeatIntervalMs) {
      const lastSequence = peer.phase === 'stream' ? peer.nextSequence - 1 : (peer.snapshot?.fromSequence ?? 1) - 1;
      peer.heartbeatBytesSent += link.send({ kind: 'heartbeat', timestampMs: nowMs, replicationId: this.replicationId, lastSequence }, this.outputs).frameBytes;
    }
  }

  private peerWakeMs(peer: Peer): number {
    const link = peer.link;
    if (peer.isStranger) return link.openedAtMs + this.helloTimeoutMs;
    if (peer.phase === 'sync') {
      return Math.min(link.openedAtMs + this.timing.handshakeTimeoutMs, link.lastReceivedMs + this.timing.replicationTimeoutMs);
    }
    let wakeMs = Math.min(link.lastReceivedMs + this.timing.replicationTimeoutMs, link.lastSentMs + peer.terms.heartbeatIntervalMs);
    if (peer.budgetFullSinceMs !== null) wakeMs = Math.min(wakeMs, peer.budgetFullSinceMs + this.timing.replicationTimeoutMs);
    return Math.min(wakeMs, this.pacingWakeMs(peer));
  }

  /** Writes held back for a peer go on once it stalls or what it needs grows too old: the driver learns so on a wake. */
  private pacingWakeMs(peer: Peer): number {
    if (this.log.bytesAfter(neededBy(peer) - 1) <= this.limits.logBytesMax) return Number.POSITIVE_INFINITY;
    const stallsAtMs = peer.unackedBytes > 0 ? peer.progressMs + this.timing.pacingStallMs : Number.POSITIVE_INFINITY;
    const wakeMs = Math.min(stallsAtMs, this.pacingEndsMs(peer));
    return wakeMs > this.clockMs ? wakeMs : Number.POSITIVE_INFINITY;
  }

  /** Tells the peer why (best effort), asks the driver to close, and forgets the link. */
  private closePeer(peer: Peer, code: ErrorCode, reason: string): void {
    peer.link.send({ kind: 'error', timestampMs: this.clockMs, code, message: truncate(reason, this.limits.nameLengthMax) }, this.outputs);
    this.outputs.push({ kind: 'close', connectionId: peer.link.connectionId, code, reason });
    this.forgetPeer(peer, code, reason);
  }

  private forgetPeer(peer: Peer, code: CloseCode, reason: string): void {
    this.peers.delete(peer.link.connectionId);
    if (peer.replicaId !== null) {
      const record = this.replicas.get(peer.replicaId);
      if (record !== undefined && record.connectionId === peer.link.connectionId) {
        record.connectionId = null;
        if (code !== 'shutdown' && code !== 'peer_closed' && code !== 'reset') record.errors += 1;
      }
    }
    this.emit({ kind: 'connectionClosed', connectionId: peer.link.connectionId, code, reason, address: peer.address });
  }

  private recordOf(peer: Peer): ReplicaRecord {
    const record = peer.replicaId === null ? undefined : this.replicas.get(peer.replicaId);
    assert(record !== undefined, 'a peer past hello has a replica record');
    return record;
  }

  private replicaStats(record: ReplicaRecord, nowMs: number): ReplicaStats {
    const peer = record.connectionId === null ? undefined : this.peers.get(record.connectionId);
    const applied = record.appliedSequence;
    const lagOperations = Math.max(0, this.log.lastSequence - applied);
    const oldestMissing = applied + 1;
    const lagMs = lagOperations === 0 ? 0 : Math.max(0, nowMs - this.timestampOf(oldestMissing));
    return {
      replicaId: record.replicaId,
      address: record.address,
      connected: peer !== undefined,
      lastHeartbeat: record.lastHeartbeatMs,
      lagMs,
      lagSeconds: lagMs / 1000,
      lagOperations,
      lagBytes: this.log.bytesAfter(applied),
      lastSequence: applied,
      receivedSequence: record.receivedSequence,
      appliedSequence: applied,
      durableSequence: record.durableSequence,
      operationsSent: record.operationsSent,
      bytesSent: record.bytesSent,
      errors: record.errors,
      queueSize: peer?.unackedBytes ?? 0,
      wireFormat: peer?.link.wireFormat ?? null,
    };
  }

  /** The oldest sequence a connected secondary still needs from the log: what it keeps beyond its bounds. */
  private neededFrom(): number {
    let needed = Number.POSITIVE_INFINITY;
    for (const peer of this.peers.values()) needed = Math.min(needed, neededBy(peer));
    return needed;
  }

  /**
   * The oldest sequence a secondary that is keeping up needs (one whose acknowledgements moved
   * within pacingStallMs, or that has nothing unacknowledged), unless it was written more than
   * pacingLagMsMax ago: writes wait rather than evict it. Without this, writes faster than a
   * secondary could apply them cut it off into a full resync, whose replay the next writes cut off
   * again, until the writes stopped (`npm run bench -- --value-bytes 10240`: 2 to 7 full resyncs
   * in a burst of 50,000 writes).
   */
  private pacedFrom(nowMs: number): number {
    let needed = Number.POSITIVE_INFINITY;
    for (const peer of this.peers.values()) if (this.paces(peer, nowMs)) needed = Math.min(needed, neededBy(peer));
    return needed;
  }

  /**
   * One that has acknowledged everything sent waits on this primary (for writes, for its scan), so
   * it keeps up however long that takes; produce() restarts its clock when it is sent more. None
   * holds writes back for what was written more than pacingLagMsMax ago.
   */
  private paces(peer: Peer, nowMs: number): boolean {
    if (nowMs >= this.pacingEndsMs(peer)) return false;
    return peer.unackedBytes === 0 || nowMs - peer.progressMs < this.timing.pacingStallMs;
  }

  /** When the oldest operation `peer` needs turns pacingLagMsMax old (Infinity: it needs none held). */
  private pacingEndsMs(peer: Peer): number {
    const needed = neededBy(peer);
    return needed <= this.log.lastSequence ? this.timestampOf(needed) + this.timing.pacingLagMsMax : Number.POSITIVE_INFINITY;
  }

  /** When an operation was written; one older than the log counts from the oldest one held. */
  private timestampOf(sequence: number): number {
    const held = Math.max(sequence, this.log.firstSequence);
    return held <= this.log.lastSequence ? this.log.timestampAt(held) : this.clockMs;
  }

  private emit(event: ReplicationEvent): void {
    this.outputs.push({ kind: 'event', event });
  }
}

/**
 * A log holding `entries`, the newest of a history that ends at `lastSequence` (a recovered one, or
 * the one a promoted secondary continues); its appends assert that they are consecutive.
 */
function logEndingAt(limits: Limits, entries: readonly LogEntry[], lastSequence: number): OperationLog {
  const log = new OperationLog(limits, lastSequence - entries.length);
  for (const entry of entries) log.append(entry, operationWireBytesMax(entry.op));
  return log;
}

function newReplicaRecord(replicaId: string): ReplicaRecord {
  return {
    replicaId,
    address: '',
    connectionId: null,
    connectedAtMs: 0,
    lastHeartbeatMs: 0,
    receivedSequence: 0,
    appliedSequence: 0,
    durableSequence: 0,
    operationsSent: 0,
    bytesSent: 0,
    errors: 0,
  };
}

function authTokensOf(setting: string | readonly string[] | null): readonly string[] {
  const tokens = setting === null ? [] : typeof setting === 'string' ? [setting] : [...setting];
  assert(tokens.every((token) => typeof token === 'string' && token.length > 0), 'authToken must be a non-empty string, or a list of them');
  assert(tokens.length <= AUTH_TOKENS_MAX, `at most ${AUTH_TOKENS_MAX} auth tokens`);
  return tokens;
}

function truncate(text: string, lengthMax: number): string {
  return text.length <= lengthMax ? text : `${text.slice(0, lengthMax - 1)}…`;
}

/** The host of a `host:port` address (the runtime's form; IPv6 hosts keep their colons). */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(address.slice(colon + 1)) ? address.slice(0, colon) : address;
}

/** What a peer still needs from the log: a stream its next operation, a full resync the replay from its snapshot's start. */
function neededBy(peer: Peer): number {
  if (peer.phase === 'stream') return peer.nextSequence;
  return peer.snapshot?.fromSequence ?? Number.POSITIVE_INFINITY;
}
