import type {
  AckFrame, AuthFrame, ChallengeFrame, ErrorFrame, HeartbeatFrame, HelloFrame, PreviousHistory, SnapshotEndFrame,
  SyncRequestFrame, SyncResponseFrame, WelcomeFrame,
} from '../frame.js';
import { RECEIVE_LIMIT_FIELDS, RECEIVE_LIMITS, type ReceiveLimit } from '../limits.js';
import { isErrorCode } from './frame-rules.js';
import type { JsonObject } from './json.js';
import { BINARY_WIRE_FORMATS, isBinaryWireFormat } from './wire-format.js';
import type { WireObject } from './wire-reader.js';

/**
 * The frames that carry no data operation: their wire `data` both ways. Each *FromWire checks
 * the exact field set and the JSON types; frame-rules.ts checks the ranges.
 */
export type ControlFrame =
  | HelloFrame | ChallengeFrame | AuthFrame | WelcomeFrame | SyncRequestFrame | SyncResponseFrame | SnapshotEndFrame
  | AckFrame | HeartbeatFrame | ErrorFrame;

export const CONTROL_WIRE_TYPES = {
  hello: 'HELLO',
  challenge: 'CHALLENGE',
  auth: 'AUTH',
  welcome: 'WELCOME',
  syncRequest: 'SYNC_REQUEST',
  syncResponse: 'SYNC_RESPONSE',
  snapshotEnd: 'SNAPSHOT_END',
  ack: 'ACK',
  heartbeat: 'HEARTBEAT',
  error: 'ERROR',
} as const satisfies Record<ControlFrame['kind'], string>;

export type ControlWireType = (typeof CONTROL_WIRE_TYPES)[ControlFrame['kind']];

export function controlDataToWire(frame: ControlFrame): JsonObject {
  switch (frame.kind) {
    case 'hello':
      return {
        protocol_version: frame.protocolVersion, replica_id: frame.replicaId, auth: frame.auth,
        ...(frame.wireFormats === undefined ? {} : { wire_formats: frame.wireFormats }),
        ...(frame.nonce === undefined ? {} : { nonce: frame.nonce }),
        ...(frame.epoch === undefined ? {} : { epoch: frame.epoch }),
        ...(frame.windowBytes === undefined ? {} : { window_bytes: frame.windowBytes }),
        ...(frame.snapshotWindowBytes === undefined ? {} : { snapshot_window_bytes: frame.snapshotWindowBytes }),
        ...receiveLimitsToWire(frame.receiveLimits),
        ...(frame.replicationTimeoutMs === undefined ? {} : { replication_timeout_ms: frame.replicationTimeoutMs }),
      };
    case 'challenge':
      return { nonce: frame.nonce };
    case 'auth':
      return { proof: frame.proof };
    case 'welcome':
      return {
        protocol_version: frame.protocolVersion, replication_id: frame.replicationId, last_sequence: frame.lastSequence,
        ...(frame.wireFormat === undefined ? {} : { wire_format: frame.wireFormat }),
        ...(frame.proof === undefined ? {} : { proof: frame.proof }),
        ...(frame.epoch === undefined ? {} : { epoch: frame.epoch }),
        ...(frame.previous === undefined ? {} : {
          previous_replication_id: frame.previous.replicationId, previous_end_sequence: frame.previous.endSequence,
        }),
      };
    case 'syncRequest':
      return { replication_id: frame.replicationId, from_sequence: frame.fromSequence };
    case 'syncResponse':
      return { mode: frame.mode, replication_id: frame.replicationId, from_sequence: frame.fromSequence };
    case 'snapshotEnd':
      return {
        chunk_count: frame.chunkCount, entry_count: frame.entryCount, digest: frame.digest,
        consistent_sequence: frame.consistentSequence,
      };
    case 'ack':
      return {
        received_sequence: frame.receivedSequence, applied_sequence: frame.appliedSequence,
        durable_sequence: frame.durableSequence, bytes_received: frame.bytesReceived,
      };
    case 'heartbeat':
      return { replication_id: frame.replicationId, last_sequence: frame.lastSequence };
    case 'error':
      return { code: frame.code, message: frame.message };
  }
}

export function controlFrameFromWire(type: ControlWireType, data: WireObject, timestampMs: number): ControlFrame {
  switch (type) {
    case 'HELLO':
      data.keys(['protocol_version', 'replica_id', 'auth'], ['wire_formats', 'nonce', 'epoch', 'window_bytes', 'snapshot_window_bytes', ...RECEIVE_LIMIT_WIRE_NAMES, 'replication_timeout_ms']);
      return {
        kind: 'hello', timestampMs, protocolVersion: data.number('protocol_version'),
        replicaId: data.string('replica_id'), auth: data.nullableString('auth'),
        ...(data.has('wire_formats') ? { wireFormats: data.stringArray('wire_formats') } : {}),
        ...(data.has('nonce') ? { nonce: data.string('nonce') } : {}),
        ...(data.has('epoch') ? { epoch: data.number('epoch') } : {}),
        ...(data.has('window_bytes') ? { windowBytes: data.number('window_bytes') } : {}),
        ...(data.has('snapshot_window_bytes') ? { snapshotWindowBytes: data.number('snapshot_window_bytes') } : {}),
        ...receiveLimitsFromWire(data),
        ...(data.has('replication_timeout_ms') ? { replicationTimeoutMs: data.number('replication_timeout_ms') } : {}),
      };
    case 'CHALLENGE':
      data.keys(['nonce']);
      return { kind: 'challenge', timestampMs, nonce: data.string('nonce') };
    case 'AUTH':
      data.keys(['proof']);
      return { kind: 'auth', timestampMs, proof: data.string('proof') };
    case 'WELCOME':
      return welcomeFromWire(data, timestampMs);
    case 'SYNC_REQUEST':
      data.keys(['replication_id', 'from_sequence']);
      return {
        kind: 'syncRequest', timestampMs, replicationId: data.nullableString('replication_id'),
        fromSequence: data.number('from_sequence'),
      };
    case 'SYNC_RESPONSE':
      return syncResponseFromWire(data, timestampMs);
    case 'SNAPSHOT_END':
      data.keys(['chunk_count', 'entry_count', 'digest', 'consistent_sequence']);
      return {
        kind: 'snapshotEnd', timestampMs, chunkCount: data.number('chunk_count'),
        entryCount: data.number('entry_count'), digest: data.string('digest'),
        consistentSequence: data.number('consistent_sequence'),
      };
    case 'ACK':
      data.keys(['received_sequence', 'applied_sequence', 'durable_sequence', 'bytes_received']);
      return {
        kind: 'ack', timestampMs, receivedSequence: data.number('received_sequence'),
        appliedSequence: data.number('applied_sequence'), durableSequence: data.number('durable_sequence'),
        bytesReceived: data.number('bytes_received'),
      };
    case 'HEARTBEAT':
      data.keys(['replication_id', 'last_sequence']);
      return {
        kind: 'heartbeat', timestampMs, replicationId: data.nullableString('replication_id'),
        lastSequence: data.number('last_sequence'),
      };
    case 'ERROR':
      return errorFromWire(data, timestampMs);
  }
}

const RECEIVE_LIMIT_WIRE_NAMES: readonly string[] = Object.values(RECEIVE_LIMIT_FIELDS);

/** A HELLO's receive limits as flat fields, each present only when given. */
function receiveLimitsToWire(limits: HelloFrame['receiveLimits']): JsonObject {
  const fields: Record<string, number> = {};
  for (const name of RECEIVE_LIMITS) {
    const value = limits?.[name];
    if (value !== undefined) fields[RECEIVE_LIMIT_FIELDS[name]] = value;
  }
  return fields;
}

/** `receiveLimits` only when a field is present, so that a HELLO without any decodes as it was made. */
function receiveLimitsFromWire(data: WireObject): Pick<HelloFrame, 'receiveLimits'> {
  const limits: Partial<Record<ReceiveLimit, number>> = {};
  for (const name of RECEIVE_LIMITS) if (data.has(RECEIVE_LIMIT_FIELDS[name])) limits[name] = data.number(RECEIVE_LIMIT_FIELDS[name]);
  return Object.keys(limits).length === 0 ? {} : { receiveLimits: limits };
}

function welcomeFromWire(data: WireObject, timestampMs: number): WelcomeFrame {
  data.keys(['protocol_version', 'replication_id', 'last_sequence'], ['wire_format', 'proof', 'epoch', 'previous_replication_id', 'previous_end_sequence']);
  const welcome: WelcomeFrame = {
    kind: 'welcome', timestampMs, protocolVersion: data.number('protocol_version'),
    replicationId: data.string('replication_id'), lastSequence: data.number('last_sequence'),
    ...(data.has('proof') ? { proof: data.string('proof') } : {}),
    ...(data.has('epoch') ? { epoch: data.number('epoch') } : {}),
    ...previousFromWire(data),
  };
  if (!data.has('wire_format')) return welcome;
  const wireFormat = data.string('wire_format');
  if (!isBinaryWireFormat(wireFormat)) throw data.error('wire_format', `must be one of ${BINARY_WIRE_FORMATS.map((format) => `"${format}"`).join(', ')} when present`);
  return { ...welcome, wireFormat };
}

/** Both previous fields or neither: a promoted primary names the history it continues and where it ended. */
function previousFromWire(data: WireObject): { previous?: PreviousHistory } {
  const named = data.has('previous_replication_id');
  if (named !== data.has('previous_end_sequence')) throw data.error('previous_end_sequence', 'must come with previous_replication_id, and only with it');
  if (!named) return {};
  return { previous: { replicationId: data.string('previous_replication_id'), endSequence: data.number('previous_end_sequence') } };
}

function errorFromWire(data: WireObject, timestampMs: number): ErrorFrame {
  data.keys(['code', 'message']);
  const code = data.string('code');
  if (!isErrorCode(code)) throw data.error('code', `${JSON.stringify(code.slice(0, 64))} is not a known error code`);
  return { kind: 'error', timestampMs, code, message: data.string('message') };
}

function syncResponseFromWire(data: WireObject, timestampMs: number): SyncResponseFrame {
  data.keys(['mode', 'replication_id', 'from_sequence']);
  const mode = data.string('mode');
  if (mode !== 'continue' && mode !== 'full_resync') throw data.error('mode', 'must be "continue" or "full_resync"');
  return {
    kind: 'syncResponse', timestampMs, mode, replicationId: data.string('replication_id'),
    fromSequence: data.number('from_sequence'),
  };
}

/** Every decoded frame asks: a set made once, not a list of values made per call. */
const CONTROL_WIRE_TYPE_SET: ReadonlySet<string> = new Set(Object.values(CONTROL_WIRE_TYPES));

export function isControlWireType(type: string): type is ControlWireType {
  return CONTROL_WIRE_TYPE_SET.has(type);
}
