import { assert } from '../assert.js';
import { primaryProof, proofsEqual, secondaryProof } from '../auth.js';
import { backoffDelayMs } from '../backoff.js';
import { binaryFormatsOf, chainDigest, isBinaryWireFormat, SNAPSHOT_DIGEST_INITIAL, WIRE_FORMAT_SETTINGS, type WireFormatSetting } from '../codec/index.js';
import { ProtocolError, ReadOnlyError, WindowExceededError } from '../errors.js';
import { cursorOf, epochOf, holdsPrefixOf } from '../failover/lineage.js';
import type { Handover } from '../failover/promotion.js';
import type {
  ChallengeFrame,
  ErrorCode,
  Frame,
  HeartbeatFrame,
  SnapshotChunkFrame,
  SnapshotEndFrame,
  PreviousHistory,
  SyncResponseFrame,
  WelcomeFrame,
} from '../frame.js';
import { DEFAULT_LIMITS, DEFAULT_TIMING, PROTOCOL_VERSION, snapshotBudgetBytesOf, validateLimits, validateTiming, helloTermsOf, type Limits, type Timing } from '../limits.js';
import { Link, protocolErrorCode, unackedBytesMax, type ReceivedFrame } from '../link.js';
import { operationWireBytesMax } from '../codec/index.js';
import { OperationLog } from '../op-log.js';
import { PackedFrame } from '../packed-frame.js';
import type { LogEntry } from '../operation.js';
import { lostReason, OutputQueue, type LostHow, type Output, type ReplicationEvent, type StateMachine } from '../output.js';
import { randomHexId, type Random } from '../random.js';
import type { Cursor, StorageRequest, StorageResult } from '../storage-request.js';
import type { SecondaryStats } from './stats.js';
import { frameBytesOf, operationCount, type ApplyWork, type IssuedWork, type Work } from './work.js';

export interface SecondaryOptions {
  readonly nowMs: number;
  readonly random: Random;
  /** Persistent across restarts: the driver stores it beside the data. */
  readonly replicaId: string;
  /** Where the storage stands, as persisted with the data; null for empty storage. */
  readonly cursor: Cursor | null;
  readonly limits?: Partial<Limits>;
  readonly timing?: Partial<Timing>;
  /**
   * The shared token: with it the secondary answers the primary's CHALLENGE and refuses a primary
   * that cannot prove the token in its WELCOME (or asks for none). Without it, it refuses a CHALLENGE.
   */
  readonly authToken?: string | null;
  /** 'binary': offer binary-1 for the data frames in every HELLO. Default 'json', the original's. */
  readonly wireFormat?: WireFormatSetting;
}

/** 'auth': AUTH sent in answer to a CHALLENGE; the WELCOME must prove the primary holds the token too. */
type Phase = 'idle' | 'connecting' | 'hello' | 'auth' | 'sync' | 'snapshot' | 'stream' | 'closed';

interface Staging {
  readonly replicationId: string;
  readonly epoch: number;
  nextChunkIndex: number;
  entryCount: number;
  digest: string;
  /** S1, known from SNAPSHOT_END: the staged state is exact once operations up to it are in. */
  consistentSequence: number | null;
}

/**
 * The secondary as a sans-IO state machine. It applies strictly in sequence order, advances its
 * applied sequence only when storage confirms, and answers every doubt (a gap, a bad frame, a
 * silent primary, a changed history) by closing the link and resuming from what it has applied.
 */
export class Secondary implements StateMachine {
  readonly replicaId: string;
  /** Protected for the test-only bug zoo (test/zoo). */
  protected readonly limits: Limits;
  private readonly timing: Timing;
  private readonly random: Random;
  private readonly authToken: string | null;
  /** The current connection's nonces: ours from the HELLO, the primary's from its CHALLENGE. */
  private nonces: { readonly secondaryNonce: string; primaryNonce: string | null } | null = null;
  private readonly wireFormat: WireFormatSetting;
  private readonly outputs = new OutputQueue();
  /** Protected for the test-only bug zoo (test/zoo). */
  protected phase: Phase = 'idle';
  /** Protected for the test-only bug zoo (test/zoo). */
  protected link: Link | null = null;
  private nextConnectionId = 1;
  private connectingId = 0;
  private connectStartedMs = 0;
  private reconnectAtMs: number;
  private attempt = 0;
  private clockMs: number;
  // Where the live data stands.
  /** Protected for the test-only bug zoo (test/zoo). */
  protected historyId: string | null;
  /** The fencing epoch of the history held, as persisted with it: a primary of an older one is refused. */
  private epoch: number;
  private appliedSequence: number;
  /**
   * The last operations applied, bounded as the primary's log is: what this node serves its
   * peers from should it be promoted, so that they continue instead of taking a full resync.
   */
  private appliedLog: OperationLog;
  private durableSequence = 0;
  // The current connection's stream.
  private streamHistoryId: string | null = null;
  /** The epoch and the history the current connection's primary announced in its WELCOME. */
  private offered: { readonly epoch: number; readonly previous: PreviousHistory | null } | null = null;
  /** Protected for the test-only bug zoo (test/zoo). */
  protected receivedSequence = 0;
  private staging: Staging | null = null;
  private processedBytes = 0;
  /** Last sign of a snapshot moving (a chunk, its end, or our own storage finishing work). */
  private snapshotProgressMs = 0;
  private ackDirty = false;
  // Storage work, strictly one request at a time.
  private work: Work[] = [];
  /** The frame bytes `work` holds, kept beside it so that the bound on them is checked in O(1). */
  private workBytes = 0;
  private inflight: IssuedWork | null = null;
  private nextRequestId = 1;
  /** When the last storage request was issued (or the machine started): an idle storage is verified now and then. */
  private storageIssuedMs: number;
  private counters = {
    operationsReceived: 0,
    bytesReceived: 0,
    reconnections: 0,
    operationsApplied: 0,
    duplicatesIgnored: 0,
    gapsDetected: 0,
    storageFailures: 0,
    storageLosses: 0,
    windowsExceeded: 0,
    fullResyncs: 0,
    partialResyncs: 0,
  };
  private lastOperationTimeMs: number | null = null;
  private lastOperationReceivedMs: number | null = null;
  /** The highest sequence the primary is known to have (operations received, heartbeats), in the stream's history. */
  private primaryKnownSequence = 0;
  /** Since when (this node's clock) the applied sequence has been below primaryKnownSequence; null when caught up. */
  private behindSinceMs: number | null = null;

  constructor(options: SecondaryOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    validateLimits(this.limits);
    validateTiming(this.timing);
    assert(options.replicaId.length > 0, 'replicaId must not be empty');
    this.replicaId = options.replicaId;
    this.random = options.random;
    this.authToken = options.authToken ?? null;
    assert(this.authToken !== '', 'authToken must not be empty');
    this.wireFormat = options.wireFormat ?? 'json';
    assert(WIRE_FORMAT_SETTINGS.includes(this.wireFormat), `wireFormat must be one of ${WIRE_FORMAT_SETTINGS.join(', ')}, got ${String(this.wireFormat)}`);
    this.clockMs = options.nowMs;
    this.storageIssuedMs = options.nowMs;
    this.reconnectAtMs = options.nowMs;
    this.historyId = options.cursor?.replicationId ?? null;
    this.appliedSequence = options.cursor?.sequence ?? 0;
    this.epoch = epochOf(options.cursor);
    this.appliedLog = new OperationLog(this.limits, this.appliedSequence);
  }

  get position(): Cursor | null {
    return this.historyId === null ? null : cursorOf(this.historyId, this.appliedSequence, this.epoch);
  }

  /** No storage request in flight: a closed secondary can then hand over to the primary it becomes. */
  get isIdle(): boolean {
    return this.inflight === null;
  }

  /** Promotion (failover/promotion.ts): what the primary this node becomes starts from. Only once closed and idle. */
  handover(): Handover {
    assert(this.phase === 'closed' && this.inflight === null, 'hand over only a closed secondary with no storage work in flight');
    const position = this.position;
    if (position === null) return { position, entries: [] };
    const entries: LogEntry[] = [];
    for (let sequence = this.appliedLog.firstSequence; sequence <= this.appliedLog.lastSequence; sequence += 1) entries.push(this.appliedLog.entryAt(sequence));
    return { position, entries };
  }

  /** A secondary is read-only: every write is refused. */
  submitWrite(_op: unknown, _nowMs: number): never {
    throw new ReadOnlyError('Cannot write to secondary replica');
  }

  // ---- inputs ----

  handleConnected(connectionId: number, nowMs: number): void {
    this.clockMs = nowMs;
    if (this.phase !== 'connecting' || connectionId !== this.connectingId) {
      this.outputs.push({ kind: 'close', connectionId, code: 'shutdown', reason: 'connection no longer wanted' });
      return;
    }
    this.link = new Link(connectionId, this.limits, nowMs);
    this.phase = 'hello';
    this.nonces = this.authToken === null ? null : { secondaryNonce: randomHexId(this.random), primaryNonce: null };
    // A JSON-only HELLO without a token is the original's, byte for byte: no empty offer.
    const offered = binaryFormatsOf(this.wireFormat);
    const offer = offered.length > 0 ? { wireFormats: [...offered] } : {};
    const nonce = this.nonces === null ? {} : { nonce: this.nonces.secondaryNonce };
    // An older primary learns from it that it was deposed; absent at 0, so the HELLO stays the original's.
    const epoch = this.epoch > 0 ? { epoch: this.epoch } : {};
    this.send({ kind: 'hello', timestampMs: nowMs, protocolVersion: PROTOCOL_VERSION, replicaId: this.replicaId, auth: null, ...offer, ...nonce, ...epoch, ...helloTermsOf(this.limits, this.timing) });
  }

  handleConnectFailed(connectionId: number, reason: string, nowMs: number): void {
    this.clockMs = nowMs;
    if (this.phase !== 'connecting' || connectionId !== this.connectingId) return;
    this.emit({ kind: 'connectionClosed', connectionId, code: 'connect_failed', reason: `connect failed: ${reason}` });
    this.scheduleReconnect();
  }

  handleBytes(connectionId: number, bytes: Uint8Array, nowMs: number): void {
    this.clockMs = nowMs;
    const link = this.link;
    if (link === null || link.connectionId !== connectionId) return;
    try {
      link.receive(bytes, nowMs);
      for (let received = link.nextFrame(); received !== undefined; received = link.nextFrame()) {
        this.counters.bytesReceived += received.frameBytes;
        this.handleFrame(received);
        if (this.link !== link) return;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.closeLink(protocolErrorCode(error), error.message);
    }
  }

  handleDisconnected(connectionId: number, nowMs: number, how: LostHow = 'peer_closed'): void {
    this.clockMs = nowMs;
    if (this.link?.connectionId !== connectionId) return;
    this.link = null;
    this.emit({ kind: 'connectionClosed', connectionId, code: how, reason: lostReason(how) });
    this.scheduleReconnect();
  }

  handleStorageDone(requestId: number, result: StorageResult, nowMs: number): void {
    this.clockMs = nowMs;
    const done = this.inflight;
    assert(done !== null && done.requestId === requestId, `storage completed out of order: ${requestId}`);
    this.inflight = null;
    if (result.kind === 'failed') {
      if (result.lost === true) this.forgetPosition();
      this.failStorage(result.message);
      return;
    }
    assert(result.kind === 'done', 'a secondary never scans');
    this.completeWork(done, result.durable);
    this.issueWork();
  }

  handleTimeout(nowMs: number): void {
    this.clockMs = nowMs;
    switch (this.phase) {
      case 'idle':
        if (nowMs >= this.reconnectAtMs && this.inflight === null) this.connect(nowMs);
        return;
      case 'connecting':
      case 'hello':
      case 'auth':
      case 'sync':
        if (nowMs - this.connectStartedMs >= this.timing.handshakeTimeoutMs) {
          this.closeLink('timeout', `handshake not finished in ${this.timing.handshakeTimeoutMs} ms`);
        }
        return;
      case 'snapshot':
      case 'stream':
        this.checkStreamTimers(nowMs);
        return;
      case 'closed':
        return;
    }
  }

  close(nowMs: number): void {
    this.clockMs = nowMs;
    if (this.phase === 'closed') return;
    const linked = this.link !== null || this.phase === 'connecting';
    this.phase = 'closed';
    if (linked) this.closeLink('shutdown', 'secondary is shutting down');
    this.dropWork();
  }

  // ---- outputs ----

  poll(): Output | undefined {
    const queued = this.outputs.shift();
    if (queued !== undefined) return queued;
    this.flushAck();
    return this.outputs.shift();
  }

  nextWakeMs(): number | undefined {
    switch (this.phase) {
      case 'idle':
        return this.inflight === null ? this.reconnectAtMs : undefined;
      case 'connecting':
      case 'hello':
      case 'auth':
      case 'sync':
        return this.connectStartedMs + this.timing.handshakeTimeoutMs;
      case 'snapshot':
      case 'stream': {
        const link = this.link;
        assert(link !== null, 'streaming without a link');
        // Only a snapshot waiting on the primary can stall; our own storage work is progress.
        const watchSnapshot = this.phase === 'snapshot' && this.inflight === null;
        const silenceMs = watchSnapshot ? Math.min(link.lastReceivedMs, this.snapshotProgressMs) : link.lastReceivedMs;
        return Math.min(silenceMs + this.timing.replicationTimeoutMs, link.lastSentMs + this.timing.heartbeatIntervalMs, this.storageVerifyAtMs());
      }
      case 'closed':
        return undefined;
    }
  }

  invariants(): void {
    assert(this.durableSequence <= this.appliedSequence || this.historyId === null, 'durable beyond applied');
    assert(this.inflight !== null || this.work.length === 0, 'storage work waiting with nothing in flight');
    const request = this.inflight?.request;
    if (request?.kind === 'apply' || request?.kind === 'stageApply') {
      // Above the limit only when one frame alone holds more.
      const { storageRequestEntriesMax, batchEntriesMax, snapshotChunkEntriesMax } = this.limits;
      assert(request.operations.length <= Math.max(storageRequestEntriesMax, batchEntriesMax, snapshotChunkEntriesMax), 'a storage request above storageRequestEntriesMax');
    }
    const linked = this.phase === 'hello' || this.phase === 'auth' || this.phase === 'sync' || this.phase === 'snapshot' || this.phase === 'stream';
    assert(linked === (this.link !== null), `phase ${this.phase} and link disagree`);
    assert(this.phase !== 'snapshot' || this.staging !== null, 'snapshot phase without staging');
    if (this.link !== null) assert(this.processedBytes <= this.link.bytesReceived, 'processed more bytes than received');
    if (this.phase === 'stream' && this.staging === null && this.streamHistoryId === this.historyId) {
      assert(this.receivedSequence >= this.appliedSequence, 'received behind applied in a live stream');
    }
    this.appliedLog.invariants();
    assert(this.appliedLog.lastSequence === this.appliedSequence, 'the applied log does not end at the applied sequence');
    this.link?.invariants();
    this.workInvariants();
  }

  /**
   * Flow control, seen from here: work holds the bytes of the frames it came from until storage
   * is done with it, and the primary sends no more than its window, so what waits for storage
   * never exceeds the window. A secondary that acknowledged on receipt would break this first.
   */
  private workInvariants(): void {
    assert(this.work.length > 0 || this.workBytes === 0, 'work bytes counted with no work queued');
    const inflight = this.inflight;
    // A connection opens only once storage is idle: work in flight belongs to the current link.
    if (inflight !== null && this.link !== null) assert(inflight.connectionId === this.link.connectionId, 'storage work in flight for an earlier link');
    // checkWindow takes a data frame only while at most its window is held: the window and that frame.
    const windowBytes = this.phase === 'snapshot' ? snapshotBudgetBytesOf(this.limits) : this.limits.outboundBudgetBytes;
    assert(this.heldBytes <= unackedBytesMax(this.limits, windowBytes), `storage work holds ${this.heldBytes} frame bytes, above its window of ${windowBytes} plus one frame`);
  }

  getStats(nowMs: number): SecondaryStats {
    const since = this.lastOperationReceivedMs === null ? null : (nowMs - this.lastOperationReceivedMs) / 1000;
    const connected = this.phase === 'stream' || this.phase === 'snapshot';
    return {
      mode: 'secondary',
      replicaId: this.replicaId,
      replicationId: this.historyId,
      epoch: this.epoch,
      sequenceNumber: this.appliedSequence,
      operationLogSize: this.appliedLog.size,
      fullResyncs: this.counters.fullResyncs,
      partialResyncs: this.counters.partialResyncs,
      primary: {
        connected,
        phase: this.phase,
        operationsReceived: this.counters.operationsReceived,
        bytesReceived: this.counters.bytesReceived,
        reconnections: this.counters.reconnections,
        lastOperationTime: this.lastOperationTimeMs,
        secondsSinceLastOperation: since,
        lastAppliedSequence: this.appliedSequence,
        knownPrimarySequence: this.primaryKnownSequence,
        lagOperations: Math.max(0, this.primaryKnownSequence - this.appliedSequence),
        behindForMs: this.behindSinceMs === null ? 0 : nowMs - this.behindSinceMs,
        receivedSequence: this.receivedSequence,
        durableSequence: this.durableSequence,
        operationsApplied: this.counters.operationsApplied,
        duplicatesIgnored: this.counters.duplicatesIgnored,
        gapsDetected: this.counters.gapsDetected,
        storageFailures: this.counters.storageFailures,
        storageLosses: this.counters.storageLosses,
        windowsExceeded: this.counters.windowsExceeded,
        wireFormat: connected ? (this.link?.wireFormat ?? null) : null,
      },
    };
  }

  // ---- the link ----

  private connect(nowMs: number): void {
    if (this.nextConnectionId > 1) this.counters.reconnections += 1;
    this.connectingId = this.nextConnectionId;
    this.nextConnectionId += 1;
    this.connectStartedMs = nowMs;
    this.phase = 'connecting';
    this.outputs.push({ kind: 'connect', connectionId: this.connectingId });
  }

  private handleFrame(received: ReceivedFrame): void {
    const frame = received.frame;
    if (frame.kind === 'error') {
      this.closeLink(frame.code, `primary reported: ${frame.message}`);
      return;
    }
    switch (this.phase) {
      case 'hello':
        this.release(received.frameBytes);
        if (frame.kind === 'challenge') this.handleChallenge(frame);
        else this.handleWelcome(expectKind(frame, 'welcome'));
        return;
      case 'auth':
        this.release(received.frameBytes);
        this.handleWelcome(expectKind(frame, 'welcome'));
        return;
      case 'sync':
        this.release(received.frameBytes);
        this.handleSyncResponse(expectKind(frame, 'syncResponse'));
        return;
      case 'snapshot':
        if (frame.kind === 'snapshotChunk') this.checkWindow(frame.kind, snapshotBudgetBytesOf(this.limits));
        this.handleSnapshotFrame(received);
        this.linkWorks();
        return;
      case 'stream':
        if (frame.kind === 'operation' || frame.kind === 'batch') this.checkWindow(frame.kind, this.limits.outboundBudgetBytes);
        this.handleStreamFrame(received);
        this.linkWorks();
        return;
      default:
        throw new ProtocolError(`unexpected ${frame.kind} in phase ${this.phase}`);
    }
  }

  /**
   * A frame past the SYNC_RESPONSE was taken, and the link is still up: the next reconnection
   * starts its backoff anew. Not at the SYNC_RESPONSE itself: a primary that closes right after it
   * (a full resync whose replay it no longer holds, a newer connection of ours) was retried at the
   * base delay, dozens of times a second, for as long as its reason lasted. Nor after a frame that
   * closed the link (a gap, say): its reconnection is already scheduled, on the backoff as it was.
   */
  private linkWorks(): void {
    if (this.link !== null) this.attempt = 0;
  }

  /**
   * The window granted in the HELLO (helloTermsOf), enforced: a primary sends a data frame only while
   * what is unacknowledged leaves room for a whole batch or chunk within it, and what storage
   * holds here was unacknowledged when the frame was sent. A primary that outruns the window would
   * have decoded work pile up here without bound; its frame is refused before any of it is taken.
   */
  private checkWindow(kind: 'snapshotChunk' | 'operation' | 'batch', windowBytes: number): void {
    const heldBytes = this.heldBytes;
    if (heldBytes <= windowBytes) return;
    this.counters.windowsExceeded += 1;
    throw new WindowExceededError(`primary sent a ${kind} frame while storage holds ${heldBytes} bytes of frames, above the window of ${windowBytes}`);
  }

  /** The bytes of the frames whose work storage has not finished: queued, or in the request in flight. */
  private get heldBytes(): number {
    return this.workBytes + (this.inflight?.frameBytes ?? 0);
  }

  private handleChallenge(challenge: ChallengeFrame): void {
    if (this.authToken === null || this.nonces === null) {
      this.closeLink('auth', 'primary requires a token, and this secondary holds none');
      return;
    }
    this.nonces.primaryNonce = challenge.nonce;
    const nonces = { primaryNonce: challenge.nonce, secondaryNonce: this.nonces.secondaryNonce };
    this.phase = 'auth';
    this.send({ kind: 'auth', timestampMs: this.clockMs, proof: secondaryProof(this.authToken, nonces, this.replicaId) });
  }

  private handleWelcome(welcome: WelcomeFrame): void {
    if (welcome.protocolVersion !== PROTOCOL_VERSION) {
      this.closeLink('version', `primary speaks protocol ${welcome.protocolVersion}, we speak ${PROTOCOL_VERSION}`);
      return;
    }
    const refusal = this.primaryRefusal(welcome);
    if (refusal !== null) {
      this.closeLink('auth', refusal);
      return;
    }
    const primaryEpoch = welcome.epoch ?? 0;
    if (primaryEpoch < this.epoch) {
      // A deposed primary: whatever it writes now belongs to no history this node may follow.
      this.emit({ kind: 'fenced', primaryEpoch, epoch: this.epoch });
      this.closeLink('fenced', `primary of epoch ${primaryEpoch}, and this secondary follows epoch ${this.epoch}`);
      return;
    }
    this.offered = { epoch: primaryEpoch, previous: welcome.previous ?? null };
    if (welcome.wireFormat !== undefined) {
      if (!binaryFormatsOf(this.wireFormat).includes(welcome.wireFormat)) throw new ProtocolError(`primary chose wire format ${welcome.wireFormat}, which was not offered`);
      assert(this.link !== null, 'welcome without a link');
      this.link.useWireFormat(welcome.wireFormat);
    }
    this.phase = 'sync';
    this.send({ kind: 'syncRequest', timestampMs: this.clockMs, replicationId: this.historyId, fromSequence: this.appliedSequence + 1 });
  }

  /**
   * Why the WELCOME does not prove the primary holds our token; null when it does or we hold none.
   * Protected for the test-only bug zoo (test/zoo).
   */
  protected primaryRefusal(welcome: WelcomeFrame): string | null {
    if (this.authToken === null) return welcome.proof === undefined ? null : 'primary sent a proof, and this secondary holds no token';
    const nonces = this.nonces;
    assert(nonces !== null, 'a token without nonces');
    if (nonces.primaryNonce === null) return 'primary asked for no token: refusing a primary that cannot prove it holds ours';
    const expected = primaryProof(this.authToken, { primaryNonce: nonces.primaryNonce, secondaryNonce: nonces.secondaryNonce }, this.replicaId, welcome.replicationId, welcome.lastSequence);
    if (welcome.proof === undefined || !proofsEqual(expected, welcome.proof)) return 'primary failed to prove the token';
    return null;
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected handleSyncResponse(response: SyncResponseFrame): void {
    // Each connection starts its stream here (none survives a close): the primary's position is learnt anew.
    this.primaryKnownSequence = 0;
    this.streamHistoryId = response.replicationId;
    this.receivedSequence = response.fromSequence - 1;
    this.noteLag();
    const link = this.link;
    assert(link !== null, 'sync response without a link');
    this.emit({ kind: 'resync', connectionId: link.connectionId, mode: response.mode, fromSequence: response.fromSequence });
    const offered = this.offered;
    assert(offered !== null, 'sync response before a WELCOME');
    if (response.mode === 'continue') {
      this.continueInto(response, offered);
      return;
    }
    this.counters.fullResyncs += 1;
    this.phase = 'snapshot';
    this.snapshotProgressMs = this.clockMs;
    this.staging = {
      replicationId: response.replicationId, epoch: offered.epoch, nextChunkIndex: 0, entryCount: 0, digest: SNAPSHOT_DIGEST_INITIAL, consistentSequence: null,
    };
    this.enqueue({ kind: 'stageBegin' });
  }

  /**
   * A continue is only believed where it makes sense: from our own next sequence, in our history
   * or in one that continues it from at least where we stand (a promoted primary's). Moving to that
   * history, the new position and epoch are persisted at once, before anything of it is applied.
   */
  private continueInto(response: SyncResponseFrame, offered: { readonly epoch: number; readonly previous: PreviousHistory | null }): void {
    const lineage = { replicationId: response.replicationId, previous: offered.previous };
    const asked = response.fromSequence === this.appliedSequence + 1 && holdsPrefixOf(lineage, this.historyId, this.appliedSequence);
    if (!asked) throw new ProtocolError(`continue from ${response.fromSequence} of another history than asked`);
    this.counters.partialResyncs += 1;
    this.phase = 'stream';
    if (response.replicationId === this.historyId && offered.epoch === this.epoch) return;
    this.historyId = response.replicationId;
    this.epoch = Math.max(this.epoch, offered.epoch);
    this.enqueue({ kind: 'adopt', cursor: cursorOf(response.replicationId, this.appliedSequence, this.epoch) });
  }

  private handleSnapshotFrame(received: ReceivedFrame): void {
    const frame = received.frame;
    if (frame.kind === 'snapshotChunk') this.handleChunk(frame, received);
    else if (frame.kind === 'snapshotEnd') this.handleSnapshotEnd(frame, received.frameBytes);
    else if (frame.kind === 'heartbeat') this.handleHeartbeat(frame, received.frameBytes);
    else throw new ProtocolError(`unexpected ${frame.kind} during a snapshot`);
  }

  private handleChunk(chunk: SnapshotChunkFrame, received: ReceivedFrame): void {
    const staging = this.staging;
    assert(staging !== null, 'snapshot chunk without staging');
    if (chunk.index !== staging.nextChunkIndex) {
      throw new ProtocolError(`snapshot chunk ${chunk.index} where ${staging.nextChunkIndex} was due`);
    }
    staging.nextChunkIndex += 1;
    this.snapshotProgressMs = this.clockMs;
    staging.entryCount += chunk.entries.length;
    staging.digest = chainDigest(staging.digest, received.checksum);
    this.enqueue({ kind: 'stageApply', operations: chunk.entries, frameBytes: received.frameBytes });
  }

  private handleSnapshotEnd(end: SnapshotEndFrame, frameBytes: number): void {
    const staging = this.staging;
    assert(staging !== null, 'snapshot end without staging');
    this.release(frameBytes);
    const complete = end.chunkCount === staging.nextChunkIndex && end.entryCount === staging.entryCount && end.digest === staging.digest;
    if (!complete) {
      this.closeLink('snapshot', `snapshot incomplete: ${staging.nextChunkIndex}/${end.chunkCount} chunks, ${staging.entryCount}/${end.entryCount} entries, digest ${end.digest === staging.digest ? 'ok' : 'differs'}`);
      return;
    }
    if (end.consistentSequence < this.receivedSequence) {
      throw new ProtocolError(`snapshot consistent at ${end.consistentSequence}, before its start ${this.receivedSequence}`);
    }
    staging.consistentSequence = end.consistentSequence;
    this.phase = 'stream';
    this.commitStagingIfComplete();
  }

  private handleStreamFrame(received: ReceivedFrame): void {
    const frame = received.frame;
    if (frame.kind === 'operation') this.acceptEntries([frame], received.frameBytes, this.packed(received, frame.sequence, 1));
    else if (frame.kind === 'batch') this.acceptEntries(frame.entries, received.frameBytes, this.packed(received, frame.entries[0]!.sequence, frame.entries.length));
    else if (frame.kind === 'heartbeat') this.handleHeartbeat(frame, received.frameBytes);
    else throw new ProtocolError(`unexpected ${frame.kind} while streaming`);
  }

  /** A binary data frame as the bytes it came in, for the applied log; null for JSON (its values are decoded copies, not views). */
  private packed(received: ReceivedFrame, firstSequence: number, count: number): PackedFrame | null {
    return isBinaryWireFormat(this.link?.wireFormat) ? new PackedFrame(received.body, firstSequence, count, this.limits) : null;
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected handleHeartbeat(heartbeat: HeartbeatFrame, frameBytes: number): void {
    this.release(frameBytes);
    if (heartbeat.replicationId !== this.streamHistoryId) {
      this.closeLink('history', `primary moved to history ${heartbeat.replicationId}`);
    } else if (this.phase === 'stream' && heartbeat.lastSequence > this.receivedSequence) {
      this.counters.gapsDetected += 1;
      this.closeLink('gap', `primary sent up to ${heartbeat.lastSequence}, received ${this.receivedSequence}`);
    } else {
      this.primaryKnownSequence = Math.max(this.primaryKnownSequence, heartbeat.lastSequence);
      this.noteLag();
    }
  }

  /** Keeps the lag the stats report: how far behind the primary this node knows it is, and since when. */
  private noteLag(): void {
    this.primaryKnownSequence = Math.max(this.primaryKnownSequence, this.receivedSequence);
    if (this.appliedSequence >= this.primaryKnownSequence) this.behindSinceMs = null;
    else this.behindSinceMs ??= this.clockMs;
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  /** In order only: a duplicate is dropped, a gap ends the link; nothing is applied out of turn. */
  protected acceptEntries(entries: readonly LogEntry[], frameBytes: number, packed: PackedFrame | null): void {
    const fresh: LogEntry[] = [];
    for (const entry of entries) {
      if (entry.sequence <= this.receivedSequence) {
        this.counters.duplicatesIgnored += 1;
        continue;
      }
      if (entry.sequence !== this.receivedSequence + 1) {
        this.counters.gapsDetected += 1;
        this.closeLink('gap', `expected sequence ${this.receivedSequence + 1}, got ${entry.sequence}`);
        return;
      }
      this.receivedSequence = entry.sequence;
      fresh.push(entry);
      this.counters.operationsReceived += 1;
      this.lastOperationTimeMs = entry.timestampMs;
      this.lastOperationReceivedMs = this.clockMs;
    }
    if (fresh.length === 0) {
      this.release(frameBytes);
      return;
    }
    this.noteLag();
    // Receipt alone is not acknowledged: the ACK that storage's completion of this work brings reports
    // it. At a steady rate every frame had two ACKs, each encoded, hashed and written here and decoded
    // by the primary, for a received sequence that only its stats show.
    this.routeEntries(fresh, frameBytes, packed);
  }

  /** Operations up to S1 go to the staged snapshot; everything after it to the live data. */
  private routeEntries(entries: LogEntry[], frameBytes: number, packed: PackedFrame | null): void {
    const staged = this.staging?.consistentSequence;
    const toStaging = staged === undefined || staged === null ? [] : entries.filter((entry) => entry.sequence <= staged);
    const toLive = entries.slice(toStaging.length);
    if (toStaging.length > 0) {
      this.enqueue({ kind: 'stageApply', operations: toStaging.map((entry) => entry.op), frameBytes: toLive.length === 0 ? frameBytes : 0 });
      this.commitStagingIfComplete();
    }
    if (toLive.length > 0) this.enqueue({ kind: 'apply', entries: toLive, frameBytes, packed });
  }

  private commitStagingIfComplete(): void {
    const staging = this.staging;
    if (staging === null || staging.consistentSequence === null || this.receivedSequence < staging.consistentSequence) return;
    this.enqueue({ kind: 'stageCommit', cursor: cursorOf(staging.replicationId, staging.consistentSequence, staging.epoch) });
    this.staging = null;
  }

  private checkStreamTimers(nowMs: number): void {
    const link = this.link;
    assert(link !== null, 'streaming without a link');
    if (nowMs - link.lastReceivedMs >= this.timing.replicationTimeoutMs) {
      this.closeLink('timeout', `nothing from the primary for ${nowMs - link.lastReceivedMs} ms`);
    } else if (this.snapshotStalled(nowMs)) {
      // Heartbeats alone do not keep a snapshot alive: a lost chunk or end must not hang it.
      this.closeLink('timeout', `snapshot made no progress for ${nowMs - this.snapshotProgressMs} ms`);
    } else if (nowMs - link.lastSentMs >= this.timing.heartbeatIntervalMs) {
      this.send({ kind: 'heartbeat', timestampMs: nowMs, replicationId: this.historyId, lastSequence: this.appliedSequence });
    }
    if (nowMs >= this.storageVerifyAtMs()) this.enqueue({ kind: 'verify' });
  }

  /**
   * A storage that lost its data (a Redis restarted empty) is found at its next request; on a quiet
   * primary there may be none for hours, and reads would be refused all that time. So a storage
   * idle for a heartbeat interval is asked whether it still holds its data. Infinity: not idle.
   */
  private storageVerifyAtMs(): number {
    if (this.phase !== 'stream' || this.inflight !== null || this.work.length > 0) return Number.POSITIVE_INFINITY;
    return this.storageIssuedMs + this.timing.heartbeatIntervalMs;
  }

  private snapshotStalled(nowMs: number): boolean {
    return this.phase === 'snapshot' && this.inflight === null && nowMs - this.snapshotProgressMs >= this.timing.replicationTimeoutMs;
  }

  private flushAck(): void {
    if (!this.ackDirty || this.link === null || (this.phase !== 'stream' && this.phase !== 'snapshot')) return;
    this.ackDirty = false;
    const sameHistory = this.historyId === this.streamHistoryId;
    this.send({
      kind: 'ack',
      timestampMs: this.clockMs,
      receivedSequence: this.receivedSequence,
      appliedSequence: sameHistory ? this.appliedSequence : 0,
      durableSequence: sameHistory ? this.durableSequence : 0,
      bytesReceived: this.processedBytes,
    });
  }

  private send(frame: Frame): void {
    assert(this.link !== null, 'send without a link');
    this.link.send(frame, this.outputs);
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected release(frameBytes: number): void {
    this.processedBytes += frameBytes;
    if (frameBytes > 0) this.ackDirty = true;
  }

  /** Ends the link (telling the primary why) and schedules a reconnection. */
  private closeLink(code: ErrorCode, reason: string): void {
    const link = this.link;
    const connectionId = link?.connectionId ?? this.connectingId;
    if (link !== null) link.send({ kind: 'error', timestampMs: this.clockMs, code, message: reason.slice(0, this.limits.nameLengthMax) }, this.outputs);
    this.outputs.push({ kind: 'close', connectionId, code, reason });
    this.emit({ kind: 'connectionClosed', connectionId, code, reason });
    this.link = null;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.link = null;
    this.dropWork();
    this.staging = null;
    this.streamHistoryId = null;
    this.offered = null;
    this.processedBytes = 0;
    this.ackDirty = false;
    if (this.phase === 'closed') return;
    this.phase = 'idle';
    const delayMs = backoffDelayMs({ baseMs: this.timing.reconnectBaseMs, capMs: this.timing.reconnectCapMs }, this.attempt, this.random);
    this.attempt += 1;
    this.reconnectAtMs = this.clockMs + delayMs;
    this.emit({ kind: 'reconnectScheduled', atMs: this.reconnectAtMs, attempt: this.attempt });
  }

  // ---- storage ----

  /** Protected for the test-only bug zoo (test/zoo). */
  protected enqueue(item: Work): void {
    this.work.push(item);
    this.workBytes += frameBytesOf(item);
    this.issueWork();
  }

  private dropWork(): void {
    this.work = [];
    this.workBytes = 0;
  }

  /**
   * One request at a time; consecutive applies (or stage applies) merge into one, group commit,
   * up to storageRequestEntriesMax operations: a frame is never split, so the first always goes.
   */
  private issueWork(): void {
    if (this.inflight !== null || this.link === null) return;
    const head = this.work[0];
    if (head === undefined) return;
    const connectionId = this.link.connectionId;
    const mergeable = head.kind === 'apply' || head.kind === 'stageApply';
    let merged = 1;
    let operations = operationCount(head);
    for (let next = this.work[merged]; mergeable && next?.kind === head.kind; next = this.work[merged]) {
      if (operations + operationCount(next) > this.limits.storageRequestEntriesMax) break;
      operations += operationCount(next);
      merged += 1;
    }
    const items = this.work.splice(0, merged);
    const frameBytes = items.reduce((total, item) => total + frameBytesOf(item), 0);
    this.workBytes -= frameBytes;
    const applies = items.filter((item) => item.kind === 'apply');
    const entries = joined(applies, (item) => item.entries);
    this.issue(this.requestFor(items, entries), connectionId, frameBytes, applies);
  }

  /** `entries`: those of the apply items, in order. */
  private requestFor(items: Work[], entries: readonly LogEntry[]): StorageRequest {
    const head = items[0];
    assert(head !== undefined, 'no work to issue');
    switch (head.kind) {
      case 'stageBegin':
        return { kind: 'stageBegin' };
      case 'stageCommit':
        return { kind: 'stageCommit', cursor: head.cursor };
      case 'adopt':
        return { kind: 'apply', operations: [], cursor: head.cursor };
      case 'verify':
        return { kind: 'apply', operations: [], cursor: null };
      case 'stageApply':
        return { kind: 'stageApply', operations: joined(items, (item) => (item.kind === 'stageApply' ? item.operations : [])) };
      case 'apply': {
        const last = entries[entries.length - 1];
        assert(last !== undefined && this.streamHistoryId !== null, 'apply without entries or history');
        return { kind: 'apply', operations: entries.map((entry) => entry.op), cursor: cursorOf(this.streamHistoryId, last.sequence, this.epoch) };
      }
    }
  }

  private issue(request: StorageRequest, connectionId: number, frameBytes: number, applies: readonly ApplyWork[]): void {
    const requestId = this.nextRequestId;
    this.nextRequestId += 1;
    this.inflight = { requestId, connectionId, request, frameBytes, applies };
    this.storageIssuedMs = this.clockMs;
    this.outputs.push({ kind: 'storage', requestId, request });
  }

  /** Protected for the test-only bug zoo (test/zoo). */
  protected completeWork(done: IssuedWork, durable: boolean): void {
    this.snapshotProgressMs = this.clockMs;
    if (this.link?.connectionId === done.connectionId) this.release(done.frameBytes);
    const request = done.request;
    if (request.kind === 'apply' && request.operations.length > 0) {
      assert(request.cursor !== null, 'apply without a cursor');
      const sequence = request.cursor.sequence;
      assert(request.cursor.replicationId === this.historyId, 'applied operations of another history');
      assert(sequence > this.appliedSequence, 'applied sequence would go backwards');
      this.appliedSequence = sequence;
      if (durable) this.durableSequence = sequence;
      this.counters.operationsApplied += request.operations.length;
      for (const apply of done.applies) this.logApplied(apply);
      this.emit({ kind: 'applied', sequence });
    } else if (request.kind === 'stageCommit') {
      this.historyId = request.cursor.replicationId;
      this.appliedSequence = request.cursor.sequence;
      this.durableSequence = durable ? request.cursor.sequence : 0;
      assert(epochOf(request.cursor) >= this.epoch, 'a snapshot of an older epoch installed');
      this.epoch = epochOf(request.cursor);
      this.appliedLog = new OperationLog(this.limits, request.cursor.sequence);
      this.emit({ kind: 'snapshotInstalled', replicationId: request.cursor.replicationId, sequence: request.cursor.sequence });
    }
    this.noteLag();
    this.ackDirty = this.link !== null;
  }

  private logApplied({ entries, packed }: ApplyWork): void {
    // Indexed: for-of made an iteration result for every operation applied.
    for (let index = 0; index < entries.length; index += 1) {
      const entry = entries[index]!;
      this.appliedLog.append(entry, operationWireBytesMax(entry.op), Number.POSITIVE_INFINITY, packed);
    }
  }

  /** Storage that lost its data holds no position in any history: the next sync is a full resync. */
  private forgetPosition(): void {
    this.historyId = null;
    this.appliedSequence = 0;
    this.durableSequence = 0;
    // Its operations belong to the history lost with the data: none may be served, nor counted.
    this.appliedLog = new OperationLog(this.limits, 0);
    this.counters.storageLosses += 1;
  }

  private failStorage(message: string): void {
    this.counters.storageFailures += 1;
    this.emit({ kind: 'storageFailed', message });
    if (this.link !== null) this.closeLink('storage', `secondary storage failed: ${message}`);
    else this.dropWork();
  }

  private emit(event: ReplicationEvent): void {
    this.outputs.push({ kind: 'event', event });
  }
}

function expectKind<K extends Frame['kind']>(frame: Frame, kind: K): Extract<Frame, { kind: K }> {
  if (frame.kind !== kind) throw new ProtocolError(`expected ${kind}, got ${frame.kind}`);
  return frame as Extract<Frame, { kind: K }>;
}

/** Each item's list, in order: a loop, where flatMap (its generic flattening) took about 110 ns an entry, 14 times as long. */
function joined<W extends Work, T>(items: readonly W[], listOf: (item: W) => readonly T[]): T[] {
  const all: T[] = [];
  for (const item of items) for (const element of listOf(item)) all.push(element);
  return all;
}
