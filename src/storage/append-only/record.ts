import { crc32 } from 'node:zlib';
import { assert } from '../../core/assert.js';
import { StorageFailedError } from '../../core/errors.js';
import type { Operation } from '../../core/operation.js';
import type { Cursor } from '../../core/storage-request.js';
import { decodeCursor, encodeCursor, parseJsonObject } from '../stored-json.js';
import { RECORD_BYTES_MAX } from './limits.js';

/**
 * One record of the append-only file: a batch of operations and the cursor persisted with them
 * (null: the cursor stays as it was). On disk:
 *   payload bytes (u32 LE), CRC-32 of the payload (u32 LE), payload
 * and the payload is
 *   header bytes (u32 LE), header JSON { cursor, ops }, the SET values in order of the ops
 * where each op is the operation without its value, a SET's with `valueBytes` in its place.
 */
export interface BatchRecord {
  readonly operations: readonly Operation[];
  readonly cursor: Cursor | null;
}

export const FRAME_HEADER_BYTES = 8;
const U32_BYTES = 4;

type OpHeader = Exclude<Operation, { type: 'SET' }> | (Omit<Extract<Operation, { type: 'SET' }>, 'value'> & { readonly valueBytes: number });

/** The record's bytes, as chunks for one gathered write (values are not copied). */
export function encodeRecord(record: BatchRecord): Uint8Array[] {
  const values: Uint8Array[] = [];
  const ops = record.operations.map((op): OpHeader => {
    if (op.type !== 'SET') return op;
    values.push(op.value);
    const { value, ...rest } = op;
    return { ...rest, valueBytes: value.length };
  });
  const header = Buffer.from(JSON.stringify({ cursor: record.cursor === null ? null : encodeCursor(record.cursor), ops }));
  const headerLength = Buffer.alloc(U32_BYTES);
  headerLength.writeUInt32LE(header.length);
  return framed([headerLength, header, ...values]);
}

/** A payload's frame: its length and CRC-32, then the payload (the operation log frames its records so too). */
export function framed(payload: Uint8Array[]): Uint8Array[] {
  const payloadBytes = payload.reduce((total, chunk) => total + chunk.length, 0);
  assert(payloadBytes <= RECORD_BYTES_MAX, `a record of ${payloadBytes} bytes exceeds RECORD_BYTES_MAX`);
  const frame = Buffer.alloc(FRAME_HEADER_BYTES);
  frame.writeUInt32LE(payloadBytes, 0);
  frame.writeUInt32LE(crcOf(payload), U32_BYTES);
  return [frame, ...payload];
}

/**
 * The CRC-32 of chunks as of one buffer. Empty chunks are skipped: zlib's crc32 of a zero-length
 * view may see a null pointer, and for a null pointer it answers 0, not the running CRC.
 */
function crcOf(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  for (const chunk of chunks) if (chunk.length > 0) crc = crc32(chunk, crc);
  return crc;
}

/** What the bytes at the start of `bytes` hold: a whole record, too few bytes for one, or a bad one. */
export type Framed =
  | { readonly kind: 'record'; readonly payload: Buffer; readonly frameBytes: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'bad'; readonly why: string; readonly frameBytes: number };

/** `payloadBytesMin`: the shortest payload a record can have (this file's: its header's length field). */
export function frameAt(bytes: Buffer, payloadBytesMin = U32_BYTES): Framed {
  if (bytes.length < FRAME_HEADER_BYTES) return { kind: 'incomplete' };
  const payloadBytes = bytes.readUInt32LE(0);
  const frameBytes = FRAME_HEADER_BYTES + payloadBytes;
  if (payloadBytes < payloadBytesMin || payloadBytes > RECORD_BYTES_MAX) return { kind: 'bad', why: `a record length of ${payloadBytes} bytes`, frameBytes };
  if (bytes.length < frameBytes) return { kind: 'incomplete' };
  const payload = bytes.subarray(FRAME_HEADER_BYTES, frameBytes);
  if (crc32(payload) !== bytes.readUInt32LE(U32_BYTES)) return { kind: 'bad', why: 'a CRC-32 mismatch', frameBytes };
  return { kind: 'record', payload, frameBytes };
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
    const { valueBytes, ...rest } = op;
    const value = new Uint8Array(payload.subarray(offset, offset + valueBytes));
    offset += valueBytes;
    return { ...rest, value };
  });
  if (offset !== payload.length) throw corrupt(where, 'its values do not fill it');
  return { operations, cursor: header.cursor === null ? null : decodeCursor(header.cursor, where) };
}

function parseHeader(json: string, where: string): { cursor: string | null; ops: unknown[] } {
  const header = parseJsonObject(json, () => corrupt(where, 'its header is not a JSON object'));
  if (!(header.cursor === null || typeof header.cursor === 'string') || !Array.isArray(header.ops)) throw corrupt(where, 'its header has no cursor and ops');
  return { cursor: header.cursor, ops: header.ops };
}

function operationOf(raw: unknown, where: string): OpHeader {
  if (typeof raw !== 'object' || raw === null) throw invalidOperation(raw, where);
  const op = raw as Record<string, unknown>;
  const isString = (field: string): boolean => typeof op[field] === 'string';
  const isStrings = (field: string): boolean => Array.isArray(op[field]) && (op[field] as unknown[]).every((item) => typeof item === 'string');
  const isExpiry = op.expiresAtMs === null || Number.isSafeInteger(op.expiresAtMs);
  const isNameOrAll = (field: string): boolean => op[field] === null || isString(field);
  let valid: boolean;
  switch (op.type) {
    case 'SET':
      valid = isString('path') && isString('key') && isString('db') && isString('namespace') && isStrings('tags') && isExpiry
        && Number.isSafeInteger(op.valueBytes) && (op.valueBytes as number) >= 0;
      break;
    case 'DELETE':
      valid = isString('path');
      break;
    case 'SET_TTL':
      valid = isString('path') && isExpiry;
      break;
    case 'METADATA':
      valid = isString('path') && isStrings('tags');
      break;
    case 'FLUSH':
      valid = isNameOrAll('db') && isNameOrAll('namespace');
      break;
    default:
      valid = false;
  }
  if (!valid) throw invalidOperation(raw, where);
  return op as unknown as OpHeader;
}

/** Quotes at most 200 characters of what it found. */
function invalidOperation(raw: unknown, where: string): StorageFailedError {
  return corrupt(where, `it holds an invalid operation ${JSON.stringify(raw).slice(0, 200)}`);
}

function corrupt(where: string, why: string): StorageFailedError {
  return new StorageFailedError(`corrupt record in ${where}: ${why}`);
}
