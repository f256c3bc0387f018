import { ProtocolError } from '../errors.js';
import type { Limits } from '../limits.js';
import { OPERATION_TYPES, type Operation, type OperationType, type SetOperation } from '../operation.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { JsonObject } from './json.js';
import type { WireObject } from './wire-reader.js';

/** The wire `type` and `data` of one operation (docs/PROTOCOL.md, "Operations"). */
export interface OperationWire {
  readonly type: OperationType;
  readonly data: JsonObject;
}

export function isOperationType(type: string): type is OperationType {
  return (OPERATION_TYPES as readonly string[]).includes(type);
}

export function operationToWire(op: Operation): OperationWire {
  switch (op.type) {
    case 'SET':
      return { type: 'SET', data: setDataToWire(op) };
    case 'DELETE':
      return { type: 'DELETE', data: { path: op.path } };
    case 'SET_TTL':
      return { type: 'SET_TTL', data: { path: op.path, expires_at_ms: op.expiresAtMs } };
    case 'FLUSH':
      return { type: 'FLUSH', data: { db: op.db, namespace: op.namespace } };
    case 'METADATA':
      return { type: 'METADATA', data: { path: op.path, tags: op.tags } };
  }
}

/** A SET's data; also the form of one snapshot entry. Optional fields are left out when empty. */
export function setDataToWire(op: SetOperation): JsonObject {
  return {
    path: op.path,
    key: op.key,
    value: encodeBase64(op.value),
    db: op.db,
    namespace: op.namespace,
    ...(op.tags.length > 0 ? { tags: op.tags } : {}),
    ...(op.expiresAtMs !== null ? { expires_at_ms: op.expiresAtMs } : {}),
    _value_encoded: true,
  };
}

/** Types only: ranges and limits are checked on the whole frame afterwards (frame-rules.ts). */
export function operationFromWire(type: OperationType, data: WireObject, limits: Limits): Operation {
  switch (type) {
    case 'SET':
      return setDataFromWire(data, limits);
    case 'DELETE':
      data.keys(['path']);
      return { type, path: data.string('path') };
    case 'SET_TTL':
      data.keys(['path', 'expires_at_ms']);
      return { type, path: data.string('path'), expiresAtMs: data.nullableNumber('expires_at_ms') };
    case 'FLUSH':
      data.keys(['db', 'namespace']);
      return { type, db: data.nullableString('db'), namespace: data.nullableString('namespace') };
    case 'METADATA':
      data.keys(['path', 'tags']);
      return { type, path: data.string('path'), tags: data.stringArray('tags') };
  }
}

const SET_REQUIRED = ['path', 'key', 'value', 'db', 'namespace'];
const SET_OPTIONAL = ['tags', 'expires_at_ms', '_value_encoded'];

export function setDataFromWire(data: WireObject, limits: Limits): SetOperation {
  data.keys(SET_REQUIRED, SET_OPTIONAL);
  return {
    type: 'SET',
    path: data.string('path'),
    key: data.string('key'),
    value: valueFromWire(data, limits),
    db: data.string('db'),
    namespace: data.string('namespace'),
    tags: data.has('tags') ? data.stringArray('tags') : [],
    expiresAtMs: data.has('expires_at_ms') ? data.nullableNumber('expires_at_ms') : null,
  };
}

const utf8 = new TextEncoder();
// With the u flag a pair is one code point, so only an unpaired surrogate matches.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * Base64 when `_value_encoded` is true. The original also sent text values as a plain string,
 * meaning its UTF-8 bytes; we accept that form but never send it.
 */
function valueFromWire(data: WireObject, limits: Limits): Uint8Array {
  const text = data.string('value');
  const encoded = data.has('_value_encoded') && data.boolean('_value_encoded');
  // Refuse before decoding: the exact byte count is checked with the frame's other limits.
  const textMax = encoded ? Math.ceil(limits.valueBytesMax / 3) * 4 : limits.valueBytesMax;
  if (text.length > textMax) throw data.error('value', `is larger than ${limits.valueBytesMax} bytes`);
  if (encoded) return decodeValue(data, text);
  if (LONE_SURROGATE.test(text)) throw new ProtocolError(`${data.where}.value is not well-formed Unicode`);
  return utf8.encode(text);
}

function decodeValue(data: WireObject, text: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    throw data.error('value', `is not canonical base64: ${error.message}`);
  }
}
