import { assert } from '../../core/assert.js';
import { operationWireBytesMax } from '../../core/codec/index.js';
import { operationFromBinary, writeOperation } from '../../core/codec/operation-binary.js';
import { ByteReader, encodeSized, writeParts, type ByteSink } from '../../core/codec/binary-bytes.js';
import { LogCorruptError, ProtocolError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { LogEntry, Operation } from '../../core/operation.js';
import { markedFrame, markedShape, type FrameShape } from '../record-frame.js';

/** A record of the operation log (docs/OPERATION-LOG.md): consecutive operations, or the mark of a clean shutdown. */
export type LogRecord =
  | { readonly kind: 'operations'; readonly writtenAtMs: number; readonly firstSequence: number; readonly operations: readonly Operation[] }
  | { readonly kind: 'closed'; readonly writtenAtMs: number; readonly lastSequence: number };

const KIND_OPERATIONS = 1;
const KIND_CLOSED = 2;
/** A CLOSED record's payload is at least its kind, time and sequence, one byte each. */
const LOG_PAYLOAD_BYTES_MIN = 3;
/** Each record is marked (src/storage/record-frame.ts): a damaged length in the middle of a segment cannot pass for a torn tail. */
export const LOG_RECORD_SHAPE: FrameShape = markedShape(LOG_PAYLOAD_BYTES_MIN);

/** The record's frame as chunks for one gathered write. */
export function encodeLogRecord(record: LogRecord): Uint8Array[] {
  return markedFrame([encodeSized((out) => writeRecord(out, record))]);
}

/** The operations are written in place, not encoded one by one and copied. */
function writeRecord(out: ByteSink, record: LogRecord): void {
  if (record.kind === 'closed') {
    writeParts(out, [KIND_CLOSED, record.writtenAtMs, record.lastSequence]);
    return;
  }
  writeParts(out, [KIND_OPERATIONS, record.writtenAtMs, record.firstSequence, record.operations.length]);
  for (const op of record.operations) writeOperation(out, op);
}

/** A payload whose CRC matched: anything wrong in it is a bug or tampering, never a torn write. */
export function decodeLogRecord(payload: Uint8Array, limits: Limits, where: string): LogRecord {
  // A plain view, so that values come out as Uint8Array copies, not Buffers.
  const bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.length);
  const reader = new ByteReader(bytes, bytes.length, where);
  try {
    const record = readRecord(reader, limits);
    reader.finish();
    return record;
  } catch (error) {
    if (error instanceof ProtocolError) throw new LogCorruptError(`corrupt record in ${where}: ${error.message}`);
    throw error;
  }
}

function readRecord(reader: ByteReader, limits: Limits): LogRecord {
  const kind = reader.varint('kind');
  const writtenAtMs = reader.varint('writtenAtMs');
  if (kind === KIND_CLOSED) return { kind: 'closed', writtenAtMs, lastSequence: reader.varint('lastSequence') };
  if (kind !== KIND_OPERATIONS) throw reader.error('kind', `${kind} is not a record kind`);
  const firstSequence = reader.varint('firstSequence');
  if (firstSequence < 1) throw reader.error('firstSequence', 'is 0');
  const count = reader.varint('count');
  // Each operation takes at least one byte: a count beyond the bytes left is refused before any allocation.
  if (count < 1 || count > reader.remainingBytes) throw reader.error('count', `${count} does not fit the record`);
  const operations: Operation[] = [];
  for (let index = 0; index < count; index += 1) {
    reader.at('operations', index);
    operations.push(operationFromBinary(reader, limits));
  }
  return { kind: 'operations', writtenAtMs, firstSequence, operations };
}

/** The log entries of an OPERATIONS record. */
export function entriesOf(record: Extract<LogRecord, { kind: 'operations' }>): LogEntry[] {
  assert(record.operations.length > 0, 'an operations record holds operations');
  return record.operations.map((op, index) => ({ sequence: record.firstSequence + index, timestampMs: record.writtenAtMs, op }));
}

/** Consecutive slices of at most `bytesMax` encoded bytes each (an operation larger goes alone): one record each. */
export function recordChunks(operations: readonly Operation[], bytesMax: number): Operation[][] {
  const chunks: Operation[][] = [];
  let chunk: Operation[] = [];
  let bytes = 0;
  for (const op of operations) {
    const size = operationWireBytesMax(op);
    if (chunk.length > 0 && bytes + size > bytesMax) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(op);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
