import type { Limits } from '../limits.js';
import { NO_TAGS, type Operation, type OperationType, type SetOperation } from '../operation.js';
import type { ByteReader, ByteSink } from './binary-bytes.js';

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

/**
 * Its type code, then its fields, written where they go: a frame writes its operations in place
 * (an array of parts and a buffer per operation were a tenth of a busy primary's time).
 */
export function writeOperation(out: ByteSink, op: Operation): void {
  out.varint(OPERATION_CODES[op.type]);
  switch (op.type) {
    case 'SET':
      out.text(op.path);
      out.text(op.key);
      out.text(op.db);
      out.text(op.namespace);
      writeTags(out, op.tags);
      writeNullable(out, op.expiresAtMs);
      out.lengthPrefixed(op.value);
      return;
    case 'DELETE':
      out.text(op.path);
      return;
    case 'SET_TTL':
      out.text(op.path);
      writeNullable(out, op.expiresAtMs);
      return;
    case 'FLUSH':
      writeNullable(out, op.db);
      writeNullable(out, op.namespace);
      return;
    case 'METADATA':
      out.text(op.path);
      writeTags(out, op.tags);
      return;
  }
}

function writeTags(out: ByteSink, tags: readonly string[]): void {
  out.varint(tags.length);
  // Indexed: for-of made an iterator and its results for every operation's tags, most often none (NO_TAGS).
  for (let index = 0; index < tags.length; index += 1) out.text(tags[index]!);
}

/** A presence flag (0 or 1), then the value when present. */
function writeNullable(out: ByteSink, value: number | string | null): void {
  if (value === null) {
    out.varint(0);
    return;
  }
  out.varint(1);
  if (typeof value === 'number') out.varint(value);
  else out.text(value);
}

/**
 * Types and the bounds that make reading cheap (lengths, counts); the exact limits are checked on
 * the whole frame afterwards (frame-rules.ts), as for JSON.
 */
export function operationFromBinary(reader: ByteReader, limits: Limits, previous?: Operation): Operation {
  const code = reader.u8('type');
  switch (code) {
    case OPERATION_CODES.SET:
      return setFromBinary(reader, limits, previous?.type === 'SET' ? previous : undefined);
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

/** A SET's fields after its type code; names equal to the key's path or to the SET before share their strings. */
function setFromBinary(reader: ByteReader, limits: Limits, previous: SetOperation | undefined): SetOperation {
  const path = readName(reader, 'path', limits);
  return {
    type: 'SET',
    path,
    key: readName(reader, 'key', limits, path),
    db: readName(reader, 'db', limits, previous?.db),
    namespace: readName(reader, 'namespace', limits, previous?.namespace),
    tags: tagsFromBinary(reader, limits),
    expiresAtMs: reader.nullableVarint('expires_at_ms'),
    value: reader.lengthPrefixed('value', limits.valueBytesMax),
  };
}

function readName(reader: ByteReader, field: string, limits: Limits, same?: string): string {
  return reader.string(field, nameBytesMaxOf(limits), same);
}

/** A snapshot entry: an operation that must be a SET. */
export function setOperationFromBinary(reader: ByteReader, limits: Limits, previous?: SetOperation): SetOperation {
  const code = reader.u8('type');
  if (code !== OPERATION_CODES.SET) throw reader.error('type', `${code} is not a SET (${OPERATION_CODES.SET})`);
  return setFromBinary(reader, limits, previous);
}

function tagsFromBinary(reader: ByteReader, limits: Limits): readonly string[] {
  const count = reader.varint('tags');
  if (count > limits.tagsMax) throw reader.error('tags', `holds ${count} tags, above ${limits.tagsMax}`);
  if (count === 0) return NO_TAGS;
  const tags: string[] = [];
  for (let index = 0; index < count; index += 1) tags.push(readName(reader, 'tags', limits));
  return tags;
}
