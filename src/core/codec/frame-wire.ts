import { ProtocolError } from '../errors.js';
import type { BatchFrame, Frame, SnapshotChunkFrame } from '../frame.js';
import type { Limits } from '../limits.js';
import type { LogEntry, OperationType } from '../operation.js';
import {
  CONTROL_WIRE_TYPES, controlDataToWire, controlFrameFromWire, isControlWireType, type ControlWireType,
} from './control-wire.js';
import type { JsonObject, JsonValue } from './json.js';
import { isOperationType, operationFromWire, operationToWire, setDataFromWire, setDataToWire } from './operation-wire.js';
import { WireObject } from './wire-reader.js';
import { timestampFromWire, timestampToWire } from './wire-time.js';

/** A frame as it travels, minus its checksum: the four fields the checksum covers. */
export interface WireEnvelope {
  readonly type: string;
  readonly sequence: number;
  readonly timestamp: number;
  readonly data: JsonObject;
}

/** Data sequence numbers belong to operation frames only; every other frame says 0. */
const NO_SEQUENCE = 0;

export function frameToWire(frame: Frame): WireEnvelope {
  const timestamp = timestampToWire(frame.timestampMs);
  switch (frame.kind) {
    case 'operation':
      return logEntryToWire(frame);
    case 'batch':
      return batchToWire(frame);
    case 'snapshotChunk': {
      const data = { index: frame.index, entries: frame.entries.map(setDataToWire) };
      return { type: 'SNAPSHOT_CHUNK', sequence: NO_SEQUENCE, timestamp, data };
    }
    default:
      return { type: CONTROL_WIRE_TYPES[frame.kind], sequence: NO_SEQUENCE, timestamp, data: controlDataToWire(frame) };
  }
}

function batchToWire(frame: BatchFrame): WireEnvelope {
  const operations = frame.entries.map(logEntryToWire);
  const sequence = frame.entries[0]?.sequence ?? NO_SEQUENCE;
  return { type: 'BATCH', sequence, timestamp: timestampToWire(frame.timestampMs), data: { operations } };
}

function logEntryToWire(entry: LogEntry): WireEnvelope & JsonObject {
  const { type, data } = operationToWire(entry.op);
  return { type, sequence: entry.sequence, timestamp: timestampToWire(entry.timestampMs), data };
}

/**
 * Maps a checksum-verified envelope to a frame, checking the field set, the JSON types and the
 * envelope sequence. The caller then checks ranges and limits with checkFrame.
 */
export function frameFromWire(envelope: WireEnvelope, limits: Limits): Frame {
  const { type, sequence } = envelope;
  const timestampMs = timestampFromWire(envelope.timestamp);
  if (!isKnownWireType(type)) throw new ProtocolError(`unknown frame type ${JSON.stringify(type.slice(0, 64))}`);
  const data = WireObject.of(envelope.data, `${type} data`);
  if (isOperationType(type)) return { kind: 'operation', ...logEntryFromWire(type, sequence, timestampMs, data, limits) };
  if (type === 'BATCH') return batchFromWire(sequence, timestampMs, data, limits);
  if (sequence !== NO_SEQUENCE) throw new ProtocolError(`${type} sequence must be 0, got ${sequence}`);
  if (type === 'SNAPSHOT_CHUNK') return snapshotChunkFromWire(data, timestampMs, limits);
  return controlFrameFromWire(type, data, timestampMs);
}

function isKnownWireType(type: string): type is OperationType | 'BATCH' | 'SNAPSHOT_CHUNK' | ControlWireType {
  return isOperationType(type) || type === 'BATCH' || type === 'SNAPSHOT_CHUNK' || isControlWireType(type);
}

function logEntryFromWire(type: OperationType, sequence: number, timestampMs: number, data: WireObject, limits: Limits): LogEntry {
  return { sequence, timestampMs, op: operationFromWire(type, data, limits) };
}

function batchFromWire(sequence: number, timestampMs: number, data: WireObject, limits: Limits): BatchFrame {
  data.keys(['operations']);
  const items = data.array('operations');
  const max = limits.batchEntriesMax;
  if (items.length === 0 || items.length > max) throw data.error('operations', `must hold 1 to ${max} operations, got ${items.length}`);
  const entries = items.map((item, index) => batchItemFromWire(item, `BATCH data.operations[${index}]`, limits));
  if (sequence !== entries[0]?.sequence) {
    throw new ProtocolError(`BATCH sequence ${sequence} is not its first operation's ${entries[0]?.sequence}`);
  }
  return { kind: 'batch', timestampMs, entries };
}

const ITEM_KEYS = ['type', 'sequence', 'timestamp', 'data'];

function batchItemFromWire(item: JsonValue, where: string, limits: Limits): LogEntry {
  const wire = WireObject.of(item, where).keys(ITEM_KEYS);
  const type = wire.string('type');
  if (!isOperationType(type)) throw wire.error('type', `${JSON.stringify(type.slice(0, 64))} is not an operation type`);
  const timestampMs = timestampFromWire(wireTimestamp(wire));
  return logEntryFromWire(type, wire.number('sequence'), timestampMs, wire.object('data'), limits);
}

function snapshotChunkFromWire(data: WireObject, timestampMs: number, limits: Limits): SnapshotChunkFrame {
  data.keys(['index', 'entries']);
  const items = data.array('entries');
  const max = limits.snapshotChunkEntriesMax;
  if (items.length > max) throw data.error('entries', `must hold at most ${max} entries, got ${items.length}`);
  const entries = items.map((item, index) => {
    return setDataFromWire(WireObject.of(item, `SNAPSHOT_CHUNK data.entries[${index}]`), limits);
  });
  return { kind: 'snapshotChunk', timestampMs, index: data.number('index'), entries };
}

/** Negative seconds would round to a valid-looking millisecond, so they are refused here. */
export function wireTimestamp(wire: WireObject): number {
  const timestamp = wire.number('timestamp');
  if (!(timestamp >= 0)) throw wire.error('timestamp', `must be >= 0, got ${timestamp}`);
  return timestamp;
}
