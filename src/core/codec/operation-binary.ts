import type { Limits } from '../limits.js';
import type { Operation, OperationType, SetOperation } from '../operation.js';
import { ByteWriter, partsBytes, writeParts, type ByteReader, type Part } from './binary-bytes.js';

/**
 * One operation in a binary frame (docs/PROTOCOL.md, "Binary data frames"): its type code, then
 * its fields in a fixed order. It delimits itself, so frames place it as it is.
 */
export const OPERATION_CODES = { SET: 1, DELETE: 2, SET_TTL: 3, FLUSH: 4, METADATA: 5 } as const satisfies Record<OperationType, number>;

/** A UTF-16 code unit takes at most 3 bytes of UTF-8 (a pair, two units, takes 4). */
const UTF8_BYTES_PER_CODE_UNIT_MAX = 3;

/** Refused before decoding; the exact bound, in code units, is checked with the frame's other limits. */
function nameBytesMaxOf(limits: Limits): number {
  return limits.nameLengthMax * UTF8_BYTES_PER_CODE_UNIT_MAX;
}

export function operationToBinary(op: Operation): Uint8Array {
  const parts = operationParts(op);
  const size = partsBytes(parts);
  const writer = new ByteWriter(new Uint8Array(size));
  writeParts(writer, parts);
  writer.finish(size);
  return writer.bytes;
}

function operationParts(op: Operation): Part[] {
  const code = OPERATION_CODES[op.type];
  switch (op.type) {
    case 'SET':
      return [code, op.path, op.key, op.db, op.namespace, ...tagsParts(op.tags), ...nullableParts(op.expiresAtMs), op.value];
    case 'DELETE':
      return [code, op.path];
    case 'SET_TTL':
      return [code, op.path, ...nullableParts(op.expiresAtMs)];
    case 'FLUSH':
      return [code, ...nullableParts(op.db), ...nullableParts(op.namespace)];
    case 'METADATA':
      return [code, op.path, ...tagsParts(op.tags)];
  }
}

function tagsParts(tags: readonly string[]): Part[] {
  return [tags.length, ...tags];
}

/** A presence flag (0 or 1), then the value when present. */
function nullableParts(value: number | string | null): Part[] {
  if (value === null) return [0];
  return [1, value];
}

/**
 * Types and the bounds that make reading cheap (lengths, counts); the exact limits are checked on
 * the whole frame afterwards (frame-rules.ts), as for JSON.
 */
export function operationFromBinary(reader: ByteReader, limits: Limits): Operation {
  const code = reader.u8('type');
  switch (code) {
    case OPERATION_CODES.SET:
      return setFromBinary(reader, limits);
    case OPERATION_CODES.DELETE:
      return { type: 'DELETE', path: readName(reader, 'path', limits) };
    case OPERATION_CODES.SET_TTL:
      return { type: 'SET_TTL', path: readName(reader, 'path', limits), expiresAtMs: reader.nullableVarint('expires_at_ms') };
    case OPERATION_CODES.FLUSH:
      return { type: 'FLUSH', db: reader.nullableString('db', nameBytesMaxOf(limits)), namespace: reader.nullableString('namespace', nameBytesMaxOf(limits)) };
    case OPERATION_CODES.METADATA:
      return { type: 'METADATA', path: readName(reader, 'path', limits), tags: tagsFromBinary(reader, limits) };
    default:
      throw reader.error('type', `${code} is not an operation type`);
  }
}

/** A SET's fields after its type code. */
function setFromBinary(reader: ByteReader, limits: Limits): SetOperation {
  return {
    type: 'SET',
    path: readName(reader, 'path', limits),
    key: readName(reader, 'key', limits),
    db: readName(reader, 'db', limits),
    namespace: readName(reader, 'namespace', limits),
    tags: tagsFromBinary(reader, limits),
    expiresAtMs: reader.nullableVarint('expires_at_ms'),
    value: reader.lengthPrefixed('value', limits.valueBytesMax),
  };
}

function readName(reader: ByteReader, field: string, limits: Limits): string {
  return reader.string(field, nameBytesMaxOf(limits));
}

/** A snapshot entry: an operation that must be a SET. */
export function setOperationFromBinary(reader: ByteReader, limits: Limits): SetOperation {
  const code = reader.u8('type');
  if (code !== OPERATION_CODES.SET) throw reader.error('type', `${code} is not a SET (${OPERATION_CODES.SET})`);
  return setFromBinary(reader, limits);
}

function tagsFromBinary(reader: ByteReader, limits: Limits): string[] {
  const count = reader.varint('tags');
  if (count > limits.tagsMax) throw reader.error('tags', `holds ${count} tags, above ${limits.tagsMax}`);
  const tags: string[] = [];
  for (let index = 0; index < count; index += 1) tags.push(readName(reader, 'tags', limits));
  return tags;
}
