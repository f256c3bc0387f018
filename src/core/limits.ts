import { assert } from './assert.js';

/**
 * Every limit of the library, in one place. Each is a default that a node's options may lower
 * or raise within the assertions of validateLimits().
 */
export interface Limits {
  /** Largest frame body (the JSON after the 4-byte length prefix). Checked before buffering. */
  frameBytesMax: number;
  /**
   * Largest frame a primary accepts from a secondary (at most frameBytesMax). A secondary sends only control frames
   * (HELLO, SYNC_REQUEST, ACK, HEARTBEAT, ERROR), so anything larger is refused as soon as its
   * length prefix arrives, whether or not the peer has authenticated: a stranger announcing
   * frameBytesMax on each of its connections would hold that much of the primary's memory each.
   */
  secondaryFrameBytesMax: number;
  /** Largest value of a single SET. */
  valueBytesMax: number;
  /** Longest storage path, key, db or namespace, in UTF-16 code units. */
  nameLengthMax: number;
  /** Most tags on one entry. */
  tagsMax: number;
  /** Most operations in one BATCH frame. */
  batchEntriesMax: number;
  /** Bound on a BATCH frame's operations (operationWireBytesMax); a larger single one goes alone. */
  batchBytesMax: number;
  /**
   * Operation log retention, by count (the original's max_operation_log, 10,000 there). Large by
   * default, a bound on the index only: logBytesMax decides, so that the log holds a time's worth
   * of small writes as well as of large ones.
   */
  logEntriesMax: number;
  /** Operation log retention, by the encoded size of the operations: the bound that decides by default. */
  logBytesMax: number;
  /**
   * Bytes the log may keep beyond logEntriesMax and logBytesMax for connected secondaries still
   * catching up (a full resync's snapshot and replay, a slow stream), like Redis' replica output
   * buffer limit (256 MB per replica; this is one log for all of them). A stalled secondary that
   * needs more is closed with log_overrun and resyncs; one that keeps up holds writes back instead.
   * Counted by the operations' JSON bound, about twice what binary frames carry of small values:
   * at 64 MiB a secondary stopped for 3 s under 100,000 writes/s of 100 B fell out of the log,
   * where Redis' replica resumed (`npm run bench -- --writes 400000 --pause-secondary-ms 3000`).
   */
  replicaBacklogBytesMax: number;
  /** Writes accepted by the primary but not yet handed to storage. */
  pendingWritesMax: number;
  /**
   * Operations in one storage request of a secondary: consecutive frames merge into one request
   * (group commit) up to this, so a slow disk still moves the applied sequence every request.
   */
  storageRequestEntriesMax: number;
  /** Bytes sent to one secondary and not yet acknowledged: its outbound budget. */
  outboundBudgetBytes: number;
  /**
   * The outbound budget of a secondary in a full resync (at most outboundBudgetBytes counts): a
   * secondary decodes each snapshot chunk as it arrives and holds its entries, as objects several
   * times their wire bytes, until its storage has them, and a snapshot always has more to send. A
   * chunk goes whenever nothing is unacknowledged, so one larger than this still goes, alone.
   */
  snapshotBudgetBytes: number;
  /** Entries in one snapshot chunk. */
  snapshotChunkEntriesMax: number;
  /** Bound on a snapshot chunk's entries (operationWireBytesMax); a larger single one goes alone. */
  snapshotChunkBytesMax: number;
  /** Secondaries the primary tracks (connected or not) in its statistics. */
  replicasMax: number;
  /** Secondaries connected at once, past their HELLO (and their AUTH when auth is on). */
  connectionsMax: number;
  /**
   * Connections that have not sent their HELLO (with a token: proved it in AUTH) yet, beside
   * connectionsMax: a flood of them cannot take a secondary's slot. One more closes the oldest of
   * them (a secondary's HELLO follows its connect within a round trip; a stranger's never comes).
   */
  handshakesMax: number;
  /** Connections from one host that have not finished their HELLO (and AUTH) yet; one more is refused. */
  handshakesPerHostMax: number;
  /** Keys with an expiry that the primary indexes. */
  expiringKeysMax: number;
  /** Outputs one pump() drains before it must yield: a guard against a runaway state machine. */
  pumpOutputsMax: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  frameBytesMax: 16 * 1024 * 1024,
  secondaryFrameBytesMax: 64 * 1024,
  valueBytesMax: 8 * 1024 * 1024,
  nameLengthMax: 4096,
  tagsMax: 256,
  batchEntriesMax: 1024,
  batchBytesMax: 256 * 1024,
  logEntriesMax: 1_000_000,
  logBytesMax: 16 * 1024 * 1024,
  replicaBacklogBytesMax: 256 * 1024 * 1024,
  pendingWritesMax: 10_000,
  storageRequestEntriesMax: 4_096,
  outboundBudgetBytes: 16 * 1024 * 1024,
  snapshotBudgetBytes: 4 * 1024 * 1024,
  snapshotChunkEntriesMax: 512,
  snapshotChunkBytesMax: 256 * 1024,
  replicasMax: 256,
  connectionsMax: 256,
  handshakesMax: 64,
  handshakesPerHostMax: 8,
  expiringKeysMax: 1_000_000,
  pumpOutputsMax: 100_000,
});

export interface Timing {
  /** Heartbeat period on an otherwise idle link (the original's heartbeat_interval, 5 s). */
  heartbeatIntervalMs: number;
  /** A link silent for this long is dead: closed, and the secondary reconnects. */
  replicationTimeoutMs: number;
  /** Time from connect to the end of the handshake. */
  handshakeTimeoutMs: number;
  /**
   * Time from connect to the HELLO, and with a token to its AUTH, on the primary (at most
   * handshakeTimeoutMs): a connection that does not prove itself is closed soon, and its slot freed.
   */
  helloTimeoutMs: number;
  /** Reconnection backoff: full jitter over min(cap, base * 2^attempt). */
  reconnectBaseMs: number;
  reconnectCapMs: number;
  /**
   * A secondary whose acknowledgements moved within this time, or that has nothing unacknowledged,
   * paces the primary's writes: when it needs the log's whole backlog, writes wait for it rather
   * than cut it off into a full resync (which, while the writes outran it, cut it off again). One
   * silent for longer with bytes unacknowledged is stalled: the writes go on without it, and the
   * backlog bound closes its link as before.
   */
  pacingStallMs: number;
  /**
   * A secondary holds writes back only while the oldest operation it needs was written at most
   * this long ago: pacing carries the writers through a burst at a secondary's pace, not for ever.
   * Without it one that acknowledged a trickle would hold every writer to that trickle; with it the
   * slowest pace a secondary can impose is about the backlog's bytes over this time.
   */
  pacingLagMsMax: number;
}

export const DEFAULT_TIMING: Readonly<Timing> = Object.freeze({
  heartbeatIntervalMs: 5_000,
  replicationTimeoutMs: 15_000,
  handshakeTimeoutMs: 10_000,
  helloTimeoutMs: 2_000,
  reconnectBaseMs: 100,
  reconnectCapMs: 30_000,
  pacingStallMs: 1_000,
  pacingLagMsMax: 30_000,
});

/** The length prefix: 4 bytes, unsigned, big-endian. */
export const FRAME_HEADER_BYTES = 4;
export const PROTOCOL_VERSION = 1;
/** A handshake nonce (HELLO, CHALLENGE): 128 random bits as lowercase hex, as randomHexId draws them. */
export const AUTH_NONCE_HEX_CHARS = 32;
/** An HMAC-SHA256 proof (AUTH, WELCOME) as lowercase hex. */
export const AUTH_PROOF_HEX_CHARS = 64;
/** Tokens a primary accepts at once (a rotation needs two): each costs an HMAC per AUTH. */
export const AUTH_TOKENS_MAX = 8;
/** Room for a frame's envelope around its operations: an operation is accepted only if it fits. */
export const FRAME_ENVELOPE_BYTES = 4096;
/**
 * Paged scans a backend keeps for the next page to resume (resumable-scans.ts): one per full
 * resync in progress, each holding up to the keyspace's paths. Beyond it the oldest is
 * dropped, and its scan starts over from its next page's afterPath.
 */
export const RESUMABLE_SCANS_MAX = 8;
/**
 * A keyspace keeps a value up to this size as one-byte text (compact-entry.ts): 100 bytes cost
 * about 120 that way, and about 440 as a Uint8Array of their own. Larger values stay bytes.
 */
export const COMPACT_VALUE_BYTES_MAX = 1_024;
/**
 * A larger value that arrives as a view of a decoded frame's buffer is kept as that view when the
 * rest of the buffer is at most this share of the value (compact-entry.ts); else it is copied out,
 * so that a value never keeps more than an eighth of itself alive beyond its bytes. The same share
 * bounds the slack of an encoding returned in the array the encoder grew into (binary-bytes.ts).
 */
export const VIEW_SLACK_SHARE = 1 / 8;
/**
 * A keyspace's small values of plain entries live in chunks outside the heap (value-arena.ts),
 * each new one as large as the live values, within these bounds: an empty keyspace costs nothing,
 * a small one little, and a value's location (slot times the largest chunk, plus its offset)
 * stays a small integer for 8,192 chunks, 2 GiB.
 */
export const ARENA_CHUNK_BYTES_MIN = 4 * 1_024;
export const ARENA_CHUNK_BYTES_MAX = 256 * 1_024;
/**
 * The largest value of a plain entry kept in the arena: what its two-byte length can say. Kept
 * as an ArrayBuffer each, values of 10 KiB cost a secondary an allocation, a page fault or more
 * and a finalisation each, and their external memory set off a full collection every few tens of
 * MiB, which marked every one of them (`npm run bench -- --value-bytes 10240`).
 */
export const ARENA_VALUE_BYTES_MAX = 0xffff;
/**
 * A primary's log keeps each operation with a value up to LOG_PACKED_VALUE_BYTES_MAX as its binary
 * encoding, in chunks of LOG_CHUNK_BYTES (op-log.ts), not as the entry, the operation and the value's
 * view it was written as: the collector copied those, every scavenge, for as long as the log held
 * them. A larger value stays as it was written: beside its bytes its objects cost little, and
 * copying it into a chunk cost more (values of 10 KiB: about 4% more CPU per write, paired).
 */
export const LOG_CHUNK_BYTES = 256 * 1_024;
export const LOG_PACKED_VALUE_BYTES_MAX = 4 * 1_024;
/**
 * Distinct dbs, namespaces and tags a keyspace shares one copy of. Beyond it a name is kept as
 * it came: memory, not meaning, depends on it.
 */
export const SHARED_NAMES_MAX = 4_096;
/**
 * A write's value up to VALUE_SLAB_SHARE_BYTES_MAX is copied into a shared slab of this size
 * (byte-slab.ts) rather than into an ArrayBuffer of its own: a backing store per small value cost
 * the primary about 0.6 µs a write in allocation and collection. A value holds its slab while it lives.
 */
export const VALUE_SLAB_BYTES = 64 * 1_024;
export const VALUE_SLAB_SHARE_BYTES_MAX = 1_024;

/** Nesting of a JSON frame's body the decoder walks: deeper than any valid frame (envelope, data, operations, item, data, tags). */
export const JSON_DEPTH_MAX = 8;
/** Operations a persisted log's replay at open() hands the storage in one apply. */
export const REPLAY_BATCH_ENTRIES = 4_096;
/**
 * The binary encoder's scratch (binary-bytes.ts), where a long name is encoded once to learn
 * whether it is ASCII: three bytes per code unit of the default nameLengthMax. A longer name is
 * sized by a loop over its code units instead, slower and the same.
 */
export const NAME_SCRATCH_BYTES = 3 * 4_096;
/**
 * Where the binary encoder writes a frame before copying it out (binary-bytes.ts): a full BATCH
 * fits, whose operations batchBytesMax (256 KiB by default) counts at their JSON bound, above
 * their binary size. A larger frame (a large value) is written in an array of its own.
 */
export const ENCODE_SCRATCH_BYTES = 256 * 1_024;
/**
 * Encoded frames of up to FRAME_SLAB_SHARE_BYTES_MAX bytes are views of slabs of this size
 * (frame-bytes.ts, byte-slab.ts); larger frames have arrays of their own, so a slab holds at least 16 of them.
 */
export const FRAME_SLAB_BYTES = 64 * 1_024;
export const FRAME_SLAB_SHARE_BYTES_MAX = 4 * 1_024;

export function validateLimits(limits: Limits): void {
  for (const [name, value] of Object.entries(limits)) {
    assert(Number.isSafeInteger(value) && value > 0, `limit ${name} must be a positive integer, got ${value}`);
  }
  assert(limits.frameBytesMax <= 0xffff_ffff, 'frameBytesMax must fit the 4-byte length prefix');
  // A value travels base64-encoded inside a frame (names are checked write by write).
  assert(Math.ceil(limits.valueBytesMax / 3) * 4 + FRAME_ENVELOPE_BYTES <= limits.frameBytesMax, 'frameBytesMax must hold the largest value');
  assert(limits.batchBytesMax + FRAME_ENVELOPE_BYTES <= limits.frameBytesMax, 'a full batch must fit a frame');
  assert(limits.snapshotChunkBytesMax + FRAME_ENVELOPE_BYTES <= limits.frameBytesMax, 'a full chunk must fit a frame');
  // A burst of pending writes is applied as one batch: the log must still hold all of it after.
  assert(limits.pendingWritesMax <= limits.logEntriesMax, 'pendingWritesMax must not exceed logEntriesMax');
  assert(limits.handshakesPerHostMax <= limits.handshakesMax, 'handshakesPerHostMax must not exceed handshakesMax');
  assert(limits.outboundBudgetBytes >= limits.frameBytesMax, 'outboundBudgetBytes must hold the largest frame');
  // A HELLO's two names at their longest, every code unit escaped as \uXXXX; an ERROR's message is one name.
  // Its offered wire formats (8 names of 32 code units at most, under 2 KiB escaped) fit the envelope's allowance.
  const helloBytesMax = 2 * ESCAPED_CODE_UNIT_BYTES * limits.nameLengthMax + FRAME_ENVELOPE_BYTES;
  assert(secondaryFrameBytesMaxOf(limits) >= Math.min(limits.frameBytesMax, helloBytesMax), 'secondaryFrameBytesMax must hold the largest HELLO');
}

/** A secondary's budget during a full resync: snapshotBudgetBytes, never more than outboundBudgetBytes. */
export function snapshotBudgetBytesOf(limits: Limits): number {
  return Math.min(limits.snapshotBudgetBytes, limits.outboundBudgetBytes);
}

/**
 * The limits a secondary's decoder holds every data frame to, with their HELLO fields. A primary
 * whose own are larger may accept a write, or make a frame, that such a secondary must refuse, and
 * would send it again on every reconnection: it refuses that secondary at the handshake instead.
 */
export const RECEIVE_LIMIT_FIELDS = {
  frameBytesMax: 'frame_bytes_max',
  valueBytesMax: 'value_bytes_max',
  nameLengthMax: 'name_length_max',
  tagsMax: 'tags_max',
  batchEntriesMax: 'batch_entries_max',
  snapshotChunkEntriesMax: 'snapshot_chunk_entries_max',
} as const satisfies Partial<Record<keyof Limits, string>>;

export type ReceiveLimit = keyof typeof RECEIVE_LIMIT_FIELDS;
export const RECEIVE_LIMITS = Object.keys(RECEIVE_LIMIT_FIELDS) as readonly ReceiveLimit[];

/**
 * Heartbeats a link carries within a secondary's replicationTimeoutMs, as the defaults do (5 s and
 * 15 s): a primary heartbeats a secondary whose timeout is shorter than its own heartbeatIntervalMs
 * allows more often than that, rather than have it close the link as silent on every idle stretch.
 * (The other way needs nothing: a secondary acknowledges each heartbeat as it reads it.)
 */
export const HEARTBEATS_PER_PEER_TIMEOUT = 3;
/**
 * The most often a secondary's HELLO can have the primary heartbeat it: without a floor, any peer
 * that may say HELLO could ask for a heartbeat a millisecond on each of its connections. The
 * primary's own heartbeatIntervalMs, its operator's choice, may still be shorter.
 */
export const PEER_HEARTBEAT_INTERVAL_MIN_MS = 100;

/**
 * What a secondary's HELLO says of its configuration: its windows (outboundBudgetBytes and the
 * snapshot budget), the limits its decoder holds data frames to, and its replicationTimeoutMs. Each
 * is absent where it is the default, so that a secondary on the defaults says the HELLO an older
 * primary knows, and a primary reads an absent one as the default.
 */
export interface HelloTerms {
  readonly windowBytes?: number;
  readonly snapshotWindowBytes?: number;
  readonly receiveLimits?: Partial<Record<ReceiveLimit, number>>;
  readonly replicationTimeoutMs?: number;
}

export function helloTermsOf(limits: Limits, timing: Timing): HelloTerms {
  const terms: { -readonly [K in keyof HelloTerms]: HelloTerms[K] } = {};
  if (limits.outboundBudgetBytes !== DEFAULT_LIMITS.outboundBudgetBytes) terms.windowBytes = limits.outboundBudgetBytes;
  const snapshotWindowBytes = snapshotBudgetBytesOf(limits);
  if (snapshotWindowBytes !== DEFAULT_LIMITS.snapshotBudgetBytes) terms.snapshotWindowBytes = snapshotWindowBytes;
  const receiveLimits: Partial<Record<ReceiveLimit, number>> = {};
  for (const name of RECEIVE_LIMITS) if (limits[name] !== DEFAULT_LIMITS[name]) receiveLimits[name] = limits[name];
  if (Object.keys(receiveLimits).length > 0) terms.receiveLimits = receiveLimits;
  if (timing.replicationTimeoutMs !== DEFAULT_TIMING.replicationTimeoutMs) terms.replicationTimeoutMs = timing.replicationTimeoutMs;
  return terms;
}

/** What a primary keeps to on one secondary's connection, from its own configuration and the secondary's HELLO terms. */
export interface PeerTerms {
  /** Bytes unacknowledged outside a full resync, and in one: the smaller of ours and the secondary's windows, which it enforces (`budget`). */
  readonly budgetBytes: number;
  readonly snapshotBudgetBytes: number;
  /** How often its idle link is heartbeaten: ours, or often enough for its timeout (HEARTBEATS_PER_PEER_TIMEOUT), not below PEER_HEARTBEAT_INTERVAL_MIN_MS. */
  readonly heartbeatIntervalMs: number;
}

export function peerTermsOf(limits: Limits, timing: Timing, terms: HelloTerms): PeerTerms {
  const budgetBytes = Math.min(limits.outboundBudgetBytes, terms.windowBytes ?? DEFAULT_LIMITS.outboundBudgetBytes);
  const snapshotWindowBytes = terms.snapshotWindowBytes ?? DEFAULT_LIMITS.snapshotBudgetBytes;
  const peerTimeoutMs = terms.replicationTimeoutMs ?? DEFAULT_TIMING.replicationTimeoutMs;
  const forPeerMs = Math.max(PEER_HEARTBEAT_INTERVAL_MIN_MS, Math.floor(peerTimeoutMs / HEARTBEATS_PER_PEER_TIMEOUT));
  return {
    budgetBytes,
    snapshotBudgetBytes: Math.min(snapshotBudgetBytesOf(limits), snapshotWindowBytes, budgetBytes),
    heartbeatIntervalMs: Math.min(timing.heartbeatIntervalMs, forPeerMs),
  };
}

/** The limits a primary holds above what a secondary takes (absent from its HELLO: the defaults), as `name secondary < primary`. */
export function receiveLimitsShort(limits: Limits, takes: HelloTerms['receiveLimits']): string[] {
  const short: string[] = [];
  for (const name of RECEIVE_LIMITS) {
    const taken = takes?.[name] ?? DEFAULT_LIMITS[name];
    if (taken < limits[name]) short.push(`${name} ${taken} < ${limits[name]}`);
  }
  return short;
}

/** What a primary accepts from a secondary: secondaryFrameBytesMax, never more than frameBytesMax. */
export function secondaryFrameBytesMaxOf(limits: Limits): number {
  return Math.min(limits.secondaryFrameBytesMax, limits.frameBytesMax);
}

/** The most bytes one UTF-16 code unit takes in the canonical JSON: `\uXXXX`. */
export const ESCAPED_CODE_UNIT_BYTES = 6;

export function validateTiming(timing: Timing): void {
  for (const [name, value] of Object.entries(timing)) {
    assert(Number.isSafeInteger(value) && value > 0, `timing ${name} must be a positive integer, got ${value}`);
  }
  assert(timing.heartbeatIntervalMs < timing.replicationTimeoutMs, 'heartbeatIntervalMs must be below replicationTimeoutMs');
  assert(timing.reconnectBaseMs <= timing.reconnectCapMs, 'reconnectBaseMs must not exceed reconnectCapMs');
}

/** The persisted operation log's bounds (docs/OPERATION-LOG.md); the in-memory log's are in Limits. */
export interface PersistedLogLimits {
  /** A segment past this is closed (synced) and the next one begun. */
  logSegmentBytesMax: number;
  /** Encoded operations in one record; a single larger operation goes alone. */
  logRecordBytesMax: number;
  /** Retention: closed segments are removed, oldest first, while the log holds more bytes than this. */
  persistedLogBytesMax: number;
  /** Retention by count: the in-memory log's logEntriesMax, as persisted records. */
  persistedLogEntriesMax: number;
  /** Retention by age: a closed segment whose last record is older is removed (Redis' repl-backlog-ttl, 1 h). */
  persistedLogAgeMsMax: number;
  /** `everysec`: the log is synced this often. */
  logSyncIntervalMs: number;
}

export const DEFAULT_PERSISTED_LOG_LIMITS: Readonly<PersistedLogLimits> = Object.freeze({
  logSegmentBytesMax: 16 * 1024 * 1024,
  logRecordBytesMax: 4 * 1024 * 1024,
  persistedLogBytesMax: 64 * 1024 * 1024,
  persistedLogEntriesMax: DEFAULT_LIMITS.logEntriesMax,
  persistedLogAgeMsMax: 60 * 60 * 1000,
  logSyncIntervalMs: 1_000,
});

export function validatePersistedLogLimits(limits: PersistedLogLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    assert(Number.isSafeInteger(value) && value > 0, `persisted log limit ${name} must be a positive integer, got ${value}`);
  }
  assert(limits.logRecordBytesMax <= limits.logSegmentBytesMax, 'logRecordBytesMax must not exceed logSegmentBytesMax');
  assert(limits.logSegmentBytesMax <= limits.persistedLogBytesMax, 'logSegmentBytesMax must not exceed persistedLogBytesMax');
}
