import { StorageFailedError } from '../../core/errors.js';
import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { FRAME_HEADER_BYTES, markedFrame, markedShape, type FrameShape } from '../record-frame.js';
import { RECORD_VALUE_SHARED_BYTES_MIN } from './limits.js';
import { decodeCursor, encodeCursor, parseJsonObject } from '../stored-json.js';

/**
 * One record of the append-only file: a batch of operations and the cursor persisted with them
 * (null: the cursor stays as it was). On disk (src/storage/record-frame.ts):
 *   "NLR1" (the record marker), payload bytes (u32 LE), CRC-32 of the payload (u32 LE), payload
 * (files of the first format, NADBAOF1, have no marker) and the payload is
 *   header bytes (u32 LE), header JSON { cursor, ops }, the SET values in order of the ops
 * where each op is the operation without its value, a SET's with `valueBytes` in its place.
 */
export interface BatchRecord {
  readonly operations: readonly Operation[];
  readonly cursor: Cursor | null;
}

const U32_BYTES = 4;

/** How this file's records are framed: with a marker, and a payload at least its header's length field. */
export const RECORD_SHAPE: FrameShape = markedShape(U32_BYTES);
/**
 * The first format's (NADBAOF1): no marker. Every payload's header JSON begins `{"cursor":`
 * (encodeRecord's key order), after the frame header and the header's length: the search for a
 * good record after a bad one looks there, as it looks for the marker in the current format.
 */
export const UNMARKED_RECORD_SHAPE: FrameShape = { marked: false, payloadBytesMin: U32_BYTES, landmark: { bytes: Buffer.from('{"cursor":'), at: FRAME_HEADER_BYTES + U32_BYTES } };

type OpHeader = Exclude<Operation, { type: 'SET' }> | (Omit<Extract<Operation, { type: 'SET' }>, 'value'> & { readonly valueBytes: number });

/**
 * The record's bytes, as chunks for one gathered write. Values of at least
 * RECORD_VALUE_SHARED_BYTES_MIN are chunks as they are; the smaller ones between them are copied
 * into one chunk, as a rewrite's records hold thousands: a chunk each made one CRC call each and
 * one entry each of the gathered write.
 */
export function encodeRecord(record: BatchRecord): Uint8Array[] {
  const values: Uint8Array[] = [];
  const ops = record.operations.map((op): OpHeader => {
    if (op.type !== 'SET') return op;
    values.push(op.value);
    // Listed, not spread from op: a spread copies an object key by key, for every entry of a rewrite.
    return { type: 'SET', path: op.path, key: op.key, db: op.db, namespace: op.namespace, tags: op.tags, expiresAtMs: op.expiresAtMs, valueBytes: op.value.length };
  });
  const header = Buffer.from(JSON.stringify({ cursor: record.cursor === null ? null : encodeCursor(record.cursor), ops }));
  const headerLength = Buffer.alloc(U32_BYTES);
  headerLength.writeUInt32LE(header.length);
  return markedFrame([headerLength, header, ...valueChunks(values)]);
}

/** The values in order, each run of small ones as one chunk. */
function valueChunks(values: readonly Uint8Array[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  for (const value of values) {
    if (value.length < RECORD_VALUE_SHARED_BYTES_MIN) {
      run.push(value);
      continue;
    }
    if (run.length > 0) chunks.push(Buffer.concat(run));
    run = [];
    chunks.push(value);
  }
  if (run.length > 0) chunks.push(Buffer.concat(run));
  return chunks;
}

/** A payload whose CRC matched: anything wrong in it is a bug or tampering, never a torn write. */
export function decodeRecord(payload: Buffer, where: string): BatchRecord {
  const headerBytes = payload.readUInt32LE(0);
  if (U32_BYTES + headerBytes > payload.length) throw corrupt(where, 'its header runs past its end');
  const json = payload.subarray(U32_BYTES, U32_BYTES + headerBytes).toString('utf8');
  const header = parseHeader(json, where);
  let offset = U32_BYTES + headerBytes;
  const operations = header.ops.map((raw): Operation => {
    const op = operationOf(raw, where);
    if (op.type !== 'SET') return op;
    // A view: the payload is a read of its own, which nothing writes over, and the keyspace copies what it keeps of it.
    const value = new Uint8Array(payload.buffer, payload.byteOffset + offset, op.valueBytes);
    offset += op.valueBytes;
    // Listed, not spread: a spread copies an object key by key, for every entry of a file being opened.
    return { type: 'SET', path: op.path, key: op.key, value, db: op.db, namespace: op.namespace, tags: op.tags, expiresAtMs: op.expiresAtMs };
  });
  if (offset !== payload.length) throw corrupt(where, 'its values do not fill it');
  return { operations, cursor: header.cursor === null ? null : decodeCursor(header.cursor, where) };
}

function parseHeader(json: string, where: string): { cursor: string | null; ops: unknown[] } {
  const header = parseJsonObject(json, () => corrupt(where, 'its header is not a JSON object'));
  if (!(header.cursor === null || typeof header.cursor === 'string') || !Array.isArray(header.ops)) throw corrupt(where, 'its header has no cursor and ops');
  return { cursor: header.cursor, ops: header.ops };
}

/** The checks are functions of the module, not closures made per operation: a file of a million entries makes a million. */
function operationOf(raw: unknown, where: string): OpHeader {
  if (typeof raw !== 'object' || raw === null) throw invalidOperation(raw, where);
  const op = raw as Record<string, unknown>;
  if (!isValidOperation(op)) throw invalidOperation(raw, where);
  return op as unknown as OpHeader;
}

function isValidOperation(op: Record<string, unknown>): boolean {
  switch (op.type) {
    case 'SET':
      return isString(op.path) && isString(op.key) && isString(op.db) && isString(op.namespace) && isStrings(op.tags) && isExpiry(op.expiresAtMs)
        && Number.isSafeInteger(op.valueBytes) && (op.valueBytes as number) >= 0;
    case 'DELETE':
      return isString(op.path);
    case 'SET_TTL':
      return isString(op.path) && isExpiry(op.expiresAtMs);
    case 'METADATA':
      return isString(op.path) && isStrings(op.tags);
    case 'FLUSH':
      return (op.db === null || isString(op.db)) && (op.namespace === null || isString(op.namespace));
    default:
      return false;
  }
}

function isString(field: unknown): boolean {
  return typeof field === 'string';
}

function isStrings(field: unknown): boolean {
  return Array.isArray(field) && field.every(isString);
}

function isExpiry(field: unknown): boolean {
  return field === null || Number.isSafeInteger(field);
}

/** Quotes at most 200 characters of what it found. */
function invalidOperation(raw: unknown, where: string): StorageFailedError {
  return corrupt(where, `it holds an invalid operation ${JSON.stringify(raw).slice(0, 200)}`);
}

function corrupt(where: string, why: string): StorageFailedError {
  return new StorageFailedError(`corrupt record in ${where}: ${why}`);
}
