import { operationWireBytesMax } from './codec/index.js';
import { InvalidOperationError, LimitExceededError } from './errors.js';
import { shown } from './shown.js';
import { FRAME_ENVELOPE_BYTES, type Limits } from './limits.js';
import type { Operation } from './operation.js';
import { isWellFormedText } from './string-methods.js';

/**
 * Checks a write before the primary accepts it: a bad one is refused, never half-replicated.
 * Returns its bound on the wire (operationWireBytesMax), which the log then sizes it by.
 */
export function validateOperation(op: Operation, limits: Limits): number {
  switch (op.type) {
    case 'SET':
      checkPath(op.path, limits);
      // Most writes' key is their path (writeData's always), checked just above.
      if (op.key !== op.path) checkName('key', op.key, limits);
      checkName('db', op.db, limits);
      checkName('namespace', op.namespace, limits);
      checkTags(op.tags, limits);
      checkExpiry(op.expiresAtMs);
      if (op.value.length > limits.valueBytesMax) {
        throw new LimitExceededError(`value of ${op.value.length} bytes exceeds valueBytesMax (${limits.valueBytesMax})`);
      }
      break;
    case 'DELETE':
      checkPath(op.path, limits);
      break;
    case 'SET_TTL':
      checkPath(op.path, limits);
      checkExpiry(op.expiresAtMs);
      break;
    case 'METADATA':
      checkPath(op.path, limits);
      checkTags(op.tags, limits);
      break;
    case 'FLUSH':
      if (op.db !== null) checkName('db', op.db, limits);
      if (op.namespace !== null) checkName('namespace', op.namespace, limits);
      break;
  }
  const wireBytes = operationWireBytesMax(op);
  if (wireBytes + FRAME_ENVELOPE_BYTES > limits.frameBytesMax) {
    throw new LimitExceededError(`operation of up to ${wireBytes} wire bytes does not fit frameBytesMax (${limits.frameBytesMax})`);
  }
  return wireBytes;
}

function checkPath(path: string, limits: Limits): void {
  // The type first: a null path's length was a bare TypeError.
  checkName('path', path, limits);
  if (path.length === 0) throw new InvalidOperationError('path must not be empty');
}

function checkName(field: string, value: string, limits: Limits): void {
  if (typeof value !== 'string') throw new InvalidOperationError(`${field} must be a string, got ${shown(value)}`);
  // A lone surrogate has no UTF-8 form: files and Redis keys could not hold it on any node. The
  // builtin answers a one-byte string without reading it, where a regular expression scanned each
  // of a write's four names (about 25 ns a name).
  if (!isWellFormedText(value)) throw new InvalidOperationError(`${field} is not well-formed Unicode (a lone surrogate)`);
  if (value.length > limits.nameLengthMax) {
    throw new LimitExceededError(`${field} of ${value.length} characters exceeds nameLengthMax (${limits.nameLengthMax})`);
  }
}

function checkTags(tags: readonly string[], limits: Limits): void {
  if (tags.length > limits.tagsMax) throw new LimitExceededError(`${tags.length} tags exceed tagsMax (${limits.tagsMax})`);
  // Indexed: for-of made an iterator and its results for every write's tags, most often none.
  for (let index = 0; index < tags.length; index += 1) checkName('tag', tags[index]!, limits);
}

function checkExpiry(expiresAtMs: number | null): void {
  if (expiresAtMs !== null && !(Number.isSafeInteger(expiresAtMs) && expiresAtMs >= 0)) {
    throw new InvalidOperationError(`expiresAtMs must be null or a non-negative integer, got ${expiresAtMs}`);
  }
}
