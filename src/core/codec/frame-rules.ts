import type { ErrorCode, Frame, SnapshotChunkFrame } from '../frame.js';
import { AUTH_NONCE_HEX_CHARS, AUTH_PROOF_HEX_CHARS, RECEIVE_LIMIT_FIELDS, RECEIVE_LIMITS, type Limits } from '../limits.js';
import type { LogEntry, Operation, SetOperation } from '../operation.js';
import { isHex64 } from './checksum.js';
import { isBinaryWireFormat, WIRE_FORMAT_NAME_LENGTH_MAX, WIRE_FORMATS_OFFERED_MAX } from './wire-format.js';
import { TIMESTAMP_MS_MAX } from './wire-time.js';

/**
 * The validity rules of a frame, shared by both ends of the wire: the encoder asserts them (a
 * violation is our bug) and the decoder enforces them (a violation is the peer's fault). Only
 * `fail` differs. Messages name the wire field.
 */
export type Fail = (message: string) => Error;

const ERROR_CODES: Readonly<Record<ErrorCode, true>> = {
  protocol: true, checksum: true, frame_too_large: true, version: true, auth: true,
  unexpected_frame: true, gap: true, history: true, timeout: true, budget: true,
  log_overrun: true, storage: true, snapshot: true, capacity: true, shutdown: true, fenced: true, limits: true,
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

export function checkFrame(frame: Frame, limits: Limits, fail: Fail): void {
  const rules = new Rules(limits, fail);
  rules.timestampMs(frame.timestampMs, `${frame.kind}: timestamp`);
  switch (frame.kind) {
    case 'operation':
      rules.at(frame.op.type);
      return rules.logEntry(frame);
    case 'batch':
      return rules.batch(frame.entries);
    case 'hello':
      rules.sequence(frame.protocolVersion, 'HELLO data.protocol_version');
      rules.name(frame.replicaId, 'HELLO data.replica_id', true);
      rules.nullableName(frame.auth, 'HELLO data.auth');
      if (frame.nonce !== undefined) rules.hex(frame.nonce, AUTH_NONCE_HEX_CHARS, 'HELLO data.nonce');
      if (frame.epoch !== undefined) rules.epoch(frame.epoch, 'HELLO data.epoch');
      if (frame.windowBytes !== undefined) rules.sequence(frame.windowBytes, 'HELLO data.window_bytes', 1);
      if (frame.snapshotWindowBytes !== undefined) rules.sequence(frame.snapshotWindowBytes, 'HELLO data.snapshot_window_bytes', 1);
      for (const name of RECEIVE_LIMITS) {
        const value = frame.receiveLimits?.[name];
        if (value !== undefined) rules.sequence(value, `HELLO data.${RECEIVE_LIMIT_FIELDS[name]}`, 1);
      }
      if (frame.replicationTimeoutMs !== undefined) rules.sequence(frame.replicationTimeoutMs, 'HELLO data.replication_timeout_ms', 1);
      return rules.wireFormats(frame.wireFormats);
    case 'challenge':
      return rules.hex(frame.nonce, AUTH_NONCE_HEX_CHARS, 'CHALLENGE data.nonce');
    case 'auth':
      return rules.hex(frame.proof, AUTH_PROOF_HEX_CHARS, 'AUTH data.proof');
    case 'welcome':
      rules.sequence(frame.protocolVersion, 'WELCOME data.protocol_version');
      rules.name(frame.replicationId, 'WELCOME data.replication_id', true);
      rules.require(frame.wireFormat === undefined || isBinaryWireFormat(frame.wireFormat), 'WELCOME data.wire_format must be a binary format when present');
      if (frame.proof !== undefined) rules.hex(frame.proof, AUTH_PROOF_HEX_CHARS, 'WELCOME data.proof');
      if (frame.epoch !== undefined) rules.epoch(frame.epoch, 'WELCOME data.epoch');
      if (frame.previous !== undefined) {
        rules.name(frame.previous.replicationId, 'WELCOME data.previous_replication_id', true);
        rules.sequence(frame.previous.endSequence, 'WELCOME data.previous_end_sequence');
        rules.require(frame.previous.endSequence <= frame.lastSequence, 'WELCOME data.previous_end_sequence must not pass last_sequence');
      }
      return rules.sequence(frame.lastSequence, 'WELCOME data.last_sequence');
    case 'syncRequest':
      rules.nullableName(frame.replicationId, 'SYNC_REQUEST data.replication_id', true);
      return rules.sequence(frame.fromSequence, 'SYNC_REQUEST data.from_sequence');
    case 'syncResponse':
      rules.require(frame.mode === 'continue' || frame.mode === 'full_resync', 'SYNC_RESPONSE data.mode must be "continue" or "full_resync"');
      rules.name(frame.replicationId, 'SYNC_RESPONSE data.replication_id', true);
      return rules.sequence(frame.fromSequence, 'SYNC_RESPONSE data.from_sequence');
    case 'snapshotChunk':
      return rules.snapshotChunk(frame);
    case 'snapshotEnd':
      rules.sequence(frame.chunkCount, 'SNAPSHOT_END data.chunk_count');
      rules.sequence(frame.entryCount, 'SNAPSHOT_END data.entry_count');
      rules.require(isHex64(frame.digest), 'SNAPSHOT_END data.digest must be 64 lowercase hex characters');
      return rules.sequence(frame.consistentSequence, 'SNAPSHOT_END data.consistent_sequence');
    case 'ack':
      rules.sequence(frame.receivedSequence, 'ACK data.received_sequence');
      rules.sequence(frame.appliedSequence, 'ACK data.applied_sequence');
      rules.sequence(frame.durableSequence, 'ACK data.durable_sequence');
      return rules.sequence(frame.bytesReceived, 'ACK data.bytes_received');
    case 'heartbeat':
      rules.nullableName(frame.replicationId, 'HEARTBEAT data.replication_id', true);
      return rules.sequence(frame.lastSequence, 'HEARTBEAT data.last_sequence');
    case 'error':
      rules.require(typeof frame.code === 'string' && isErrorCode(frame.code), `ERROR data.code ${String(frame.code)} is not a known error code`);
      return rules.name(frame.message, 'ERROR data.message', false);
    default:
      return rules.require(false, `unknown frame kind ${String((frame as { kind: unknown }).kind)}`);
  }
}

/** The rules of one operation alone, for the op log and the batcher. */
export function checkOperation(op: Operation, limits: Limits, fail: Fail): void {
  const rules = new Rules(limits, fail);
  rules.at(op.type);
  rules.operation(op);
}

class Rules {
  /**
   * Where the operation being checked sits (`BATCH data.operations` and its index, or its type),
   * kept apart and joined only for a message: the place of every operation of a BATCH, and its
   * fields' names, were strings made for checks that pass.
   */
  private list = '';
  private index: number | null = null;

  constructor(
    private readonly limits: Limits,
    private readonly fail: Fail,
  ) {}

  /** Names the operation checked from now on; '' for none (the frame's own fields). */
  at(list: string, index: number | null = null): void {
    this.list = list;
    this.index = index;
  }

  private place(): string {
    return this.index === null ? this.list : `${this.list}[${this.index}]`;
  }

  /** A field's name in messages, after the operation's place: `BATCH data.operations[3] data.path`. */
  private placed(field: string): string {
    return this.list === '' ? field : `${this.place()} ${field}`;
  }

  require(condition: boolean, message: string): void {
    if (!condition) throw this.fail(message);
  }

  // The checks make their message only on failure: every frame passes them, several times an operation.
  sequence(value: number, field: string, min = 0): void {
    if (!(Number.isSafeInteger(value) && value >= min)) throw this.fail(`${this.placed(field)} must be a safe integer >= ${min}, got ${value}`);
  }

  /** Present only above 0 (absent is 0), so every epoch has one encoding. */
  epoch(value: number, field: string): void {
    this.sequence(value, field, 1);
  }

  timestampMs(value: number, field: string): void {
    const ok = Number.isSafeInteger(value) && value >= 0 && value <= TIMESTAMP_MS_MAX;
    if (!ok) throw this.fail(`${this.placed(field)} must be a whole number of milliseconds in [0, 2^50], got ${value}`);
  }

  /** `index`: the name's place in a list (a tag's), joined to `field` only for a message. */
  name(value: string, field: string, nonEmpty: boolean, index: number | null = null): void {
    const ok = typeof value === 'string' && value.length <= this.limits.nameLengthMax && (!nonEmpty || value.length > 0);
    if (ok) return;
    const named = index === null ? field : `${field}[${index}]`;
    throw this.fail(`${this.placed(named)} must be ${nonEmpty ? 'a non-empty string' : 'a string'} of at most ${this.limits.nameLengthMax} UTF-16 code units`);
  }

  nullableName(value: string | null, field: string, nonEmpty = false): void {
    if (value !== null) this.name(value, field, nonEmpty);
  }

  tags(tags: readonly string[], field: string): void {
    const ok = Array.isArray(tags) && tags.length <= this.limits.tagsMax;
    if (!ok) throw this.fail(`${this.placed(field)} must be an array of at most ${this.limits.tagsMax} tags`);
    // A loop, not forEach: its callback was a closure made for every operation checked.
    for (let index = 0; index < tags.length; index += 1) this.name(tags[index]!, field, false, index);
  }

  /** Bounded apart from nameLengthMax: the largest HELLO must still fit secondaryFrameBytesMax. */
  wireFormats(formats: readonly string[] | undefined): void {
    if (formats === undefined) return;
    const field = 'HELLO data.wire_formats';
    this.require(Array.isArray(formats) && formats.length <= WIRE_FORMATS_OFFERED_MAX, `${field} must be an array of at most ${WIRE_FORMATS_OFFERED_MAX} names`);
    formats.forEach((format, index) => {
      const ok = typeof format === 'string' && format.length > 0 && format.length <= WIRE_FORMAT_NAME_LENGTH_MAX;
      this.require(ok, `${field}[${index}] must be a non-empty string of at most ${WIRE_FORMAT_NAME_LENGTH_MAX} UTF-16 code units`);
    });
  }

  /** Nonces and proofs: exactly `length` lowercase hex characters. */
  hex(value: string, length: number, field: string): void {
    this.require(typeof value === 'string' && value.length === length && /^[0-9a-f]*$/.test(value), `${field} must be ${length} lowercase hex characters`);
  }

  expiresAtMs(value: number | null, field: string): void {
    if (value !== null) this.sequence(value, field);
  }

  logEntry(entry: LogEntry): void {
    this.sequence(entry.sequence, 'sequence', 1);
    this.timestampMs(entry.timestampMs, 'timestamp');
    this.operation(entry.op);
  }

  operation(op: Operation): void {
    switch (op.type) {
      case 'SET':
        return this.setOperation(op);
      case 'DELETE':
        return this.name(op.path, 'data.path', true);
      case 'SET_TTL':
        this.name(op.path, 'data.path', true);
        return this.expiresAtMs(op.expiresAtMs, 'data.expires_at_ms');
      case 'FLUSH':
        this.nullableName(op.db, 'data.db');
        return this.nullableName(op.namespace, 'data.namespace');
      case 'METADATA':
        this.name(op.path, 'data.path', true);
        return this.tags(op.tags, 'data.tags');
      default:
        return this.require(false, `${this.place()}: unknown operation type ${String((op as { type: unknown }).type)}`);
    }
  }

  setOperation(op: SetOperation): void {
    if (op.type !== 'SET') throw this.fail(`${this.place()} must be a SET operation`);
    this.name(op.path, 'data.path', true);
    this.name(op.key, 'data.key', false);
    this.name(op.db, 'data.db', false);
    this.name(op.namespace, 'data.namespace', false);
    this.tags(op.tags, 'data.tags');
    this.expiresAtMs(op.expiresAtMs, 'data.expires_at_ms');
    const ok = op.value instanceof Uint8Array && op.value.length <= this.limits.valueBytesMax;
    if (!ok) throw this.fail(`${this.placed('data.value')} must be at most ${this.limits.valueBytesMax} bytes`);
  }

  batch(entries: readonly LogEntry[]): void {
    const max = this.limits.batchEntriesMax;
    this.require(entries.length >= 1 && entries.length <= max, `BATCH data.operations must hold 1 to ${max} operations, got ${entries.length}`);
    entries.forEach((entry, index) => {
      this.at('BATCH data.operations', index);
      this.logEntry(entry);
      if (index > 0) this.consecutive(entries[index - 1]!, entry);
    });
  }

  consecutive(previous: LogEntry, entry: LogEntry): void {
    const ok = entry.sequence === previous.sequence + 1;
    if (!ok) throw this.fail(`${this.placed('sequence')} ${entry.sequence} does not follow ${previous.sequence}`);
  }

  snapshotChunk(frame: SnapshotChunkFrame): void {
    this.sequence(frame.index, 'SNAPSHOT_CHUNK data.index');
    const max = this.limits.snapshotChunkEntriesMax;
    this.require(frame.entries.length <= max, `SNAPSHOT_CHUNK data.entries must hold at most ${max} entries, got ${frame.entries.length}`);
    frame.entries.forEach((entry, index) => {
      this.at('SNAPSHOT_CHUNK data.entries', index);
      this.setOperation(entry);
    });
  }
}
