import { describe, expect, it } from 'vitest';
import {
  CONTROL_WIRE_TYPES, controlDataToWire, controlFrameFromWire, isControlWireType, type ControlFrame, type ControlWireType,
} from '../../../../src/core/codec/control-wire.js';
import type { JsonObject } from '../../../../src/core/codec/json.js';
import { WireObject } from '../../../../src/core/codec/wire-reader.js';
import { ProtocolError } from '../../../../src/core/errors.js';

const T = 1_000;
const nonce = 'a'.repeat(32);
const proof = 'b'.repeat(64);

/** Every control frame with every optional field set, and its wire data. */
function fullFrames(): [ControlFrame, JsonObject][] {
  return [
    [{ kind: 'hello', timestampMs: T, protocolVersion: 1, replicaId: 'r', auth: 'token-name', wireFormats: ['binary-1', 'x'], nonce, epoch: 3 },
      { protocol_version: 1, replica_id: 'r', auth: 'token-name', wire_formats: ['binary-1', 'x'], nonce, epoch: 3 }],
    [{ kind: 'challenge', timestampMs: T, nonce }, { nonce }],
    [{ kind: 'auth', timestampMs: T, proof }, { proof }],
    [{ kind: 'welcome', timestampMs: T, protocolVersion: 1, replicationId: 'w', lastSequence: 9, wireFormat: 'binary-1', proof, epoch: 2, previous: { replicationId: 'v', endSequence: 7 } },
      { protocol_version: 1, replication_id: 'w', last_sequence: 9, wire_format: 'binary-1', proof, epoch: 2, previous_replication_id: 'v', previous_end_sequence: 7 }],
    [{ kind: 'syncRequest', timestampMs: T, replicationId: 'w', fromSequence: 4 }, { replication_id: 'w', from_sequence: 4 }],
    [{ kind: 'syncResponse', timestampMs: T, mode: 'continue', replicationId: 'w', fromSequence: 4 }, { mode: 'continue', replication_id: 'w', from_sequence: 4 }],
    [{ kind: 'snapshotEnd', timestampMs: T, chunkCount: 1, entryCount: 2, digest: proof, consistentSequence: 3 },
      { chunk_count: 1, entry_count: 2, digest: proof, consistent_sequence: 3 }],
    [{ kind: 'ack', timestampMs: T, receivedSequence: 4, appliedSequence: 3, durableSequence: 2, bytesReceived: 1 },
      { received_sequence: 4, applied_sequence: 3, durable_sequence: 2, bytes_received: 1 }],
    [{ kind: 'heartbeat', timestampMs: T, replicationId: null, lastSequence: 5 }, { replication_id: null, last_sequence: 5 }],
    [{ kind: 'error', timestampMs: T, code: 'fenced', message: 'm' }, { code: 'fenced', message: 'm' }],
  ];
}

function fromWire(kind: ControlFrame['kind'], data: JsonObject): ControlFrame {
  const type: ControlWireType = CONTROL_WIRE_TYPES[kind];
  return controlFrameFromWire(type, WireObject.of(data, `${type} data`), T);
}

function refusal(kind: ControlFrame['kind'], data: JsonObject): string {
  try {
    fromWire(kind, data);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('control frames on the wire', () => {
  it('write every field, optional ones included, under its wire name, and read it back', () => {
    for (const [frame, data] of fullFrames()) {
      expect(controlDataToWire(frame), frame.kind).toStrictEqual(data);
      expect(fromWire(frame.kind, data), frame.kind).toStrictEqual(frame);
    }
  });

  it('leave absent optional fields absent both ways, not present and undefined', () => {
    const hello: ControlFrame = { kind: 'hello', timestampMs: T, protocolVersion: 1, replicaId: 'r', auth: null };
    const welcome: ControlFrame = { kind: 'welcome', timestampMs: T, protocolVersion: 1, replicationId: 'w', lastSequence: 9 };
    expect(controlDataToWire(hello)).toStrictEqual({ protocol_version: 1, replica_id: 'r', auth: null });
    expect(controlDataToWire(welcome)).toStrictEqual({ protocol_version: 1, replication_id: 'w', last_sequence: 9 });
    expect(fromWire('hello', { protocol_version: 1, replica_id: 'r', auth: null })).toStrictEqual(hello);
    expect(fromWire('welcome', { protocol_version: 1, replication_id: 'w', last_sequence: 9 })).toStrictEqual(welcome);
  });

  it('refuse a field that is not the kind\'s, whether the kind has optional fields or not', () => {
    expect(refusal('hello', { protocol_version: 1, replica_id: 'r', auth: null, proof })).toBe('HELLO data.proof is not a known field');
    expect(refusal('welcome', { protocol_version: 1, replication_id: 'w', last_sequence: 9, nonce })).toBe('WELCOME data.nonce is not a known field');
    const extra = { extra: 1 };
    for (const [frame, data] of fullFrames()) {
      const type = CONTROL_WIRE_TYPES[frame.kind];
      expect(refusal(frame.kind, { ...data, ...extra }), frame.kind).toBe(`${type} data.extra is not a known field`);
    }
  });

  it('refuse a missing field of every kind', () => {
    for (const [frame, data] of fullFrames()) {
      const [first] = Object.keys(data);
      const { [first!]: _dropped, ...rest } = data;
      expect(refusal(frame.kind, rest), frame.kind).toBe(`${CONTROL_WIRE_TYPES[frame.kind]} data.${first} is missing`);
    }
  });

  it('refuse a wire format other than binary-2 or binary-1 in WELCOME, and a wire format list of non-strings in HELLO', () => {
    const welcome = { protocol_version: 1, replication_id: 'w', last_sequence: 9 };
    for (const other of ['json', 'binary-3', 'BINARY-2']) {
      expect(refusal('welcome', { ...welcome, wire_format: other })).toBe('WELCOME data.wire_format must be one of "binary-2", "binary-1" when present');
    }
    expect(refusal('welcome', { ...welcome, wire_format: 1 })).toBe('WELCOME data.wire_format must be a string');
    expect(refusal('hello', { protocol_version: 1, replica_id: 'r', auth: null, wire_formats: [1] })).toBe('HELLO data.wire_formats[0] must be a string');
  });

  it('refuse one previous field without the other', () => {
    const welcome = { protocol_version: 1, replication_id: 'w', last_sequence: 9 };
    const message = 'WELCOME data.previous_end_sequence must come with previous_replication_id, and only with it';
    expect(refusal('welcome', { ...welcome, previous_replication_id: 'v' })).toBe(message);
    expect(refusal('welcome', { ...welcome, previous_end_sequence: 7 })).toBe(message);
  });

  it('refuse an unknown sync mode and an unknown error code, whose message stays short', () => {
    expect(refusal('syncResponse', { mode: 'partial', replication_id: 'w', from_sequence: 0 })).toBe('SYNC_RESPONSE data.mode must be "continue" or "full_resync"');
    expect(fromWire('syncResponse', { mode: 'full_resync', replication_id: 'w', from_sequence: 0 })).toMatchObject({ mode: 'full_resync' });
    expect(refusal('error', { code: 'x'.repeat(100), message: '' })).toBe(`ERROR data.code "${'x'.repeat(64)}" is not a known error code`);
  });
});

describe('isControlWireType', () => {
  it('knows the control types and nothing else', () => {
    expect(Object.values(CONTROL_WIRE_TYPES).every(isControlWireType)).toBe(true);
    expect(Object.values(CONTROL_WIRE_TYPES)).toHaveLength(10);
    expect(['SET', 'BATCH', 'SNAPSHOT_CHUNK', 'hello', '', 'constructor'].some(isControlWireType)).toBe(false);
  });
});
