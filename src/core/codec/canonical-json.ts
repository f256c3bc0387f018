import { AssertionError, assert } from '../assert.js';
import { isJsonObject } from './json.js';
import { codeUnitAt } from '../string-methods.js';

/**
 * The one serialisation the checksum covers, and the one every frame body is written in:
 * Python's json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=True), except that
 * numbers take JavaScript's shortest round-trip form (docs/PROTOCOL.md).
 *
 * Escaping everything outside printable ASCII keeps the output pure ASCII, so lone surrogates in
 * a string survive the trip through UTF-8 unchanged.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // The message only on failure: every number of every frame passes here.
      if (!Number.isFinite(value)) throw new AssertionError(`canonicalJson: ${value} is not a finite number`);
      // What JSON.stringify writes for a finite number (Number::toString), without its generic path.
      return String(value);
    case 'string':
      return quoteAscii(value);
    default:
      return canonicalContainer(value);
  }
}

function canonicalContainer(value: unknown): string {
  // Array.from visits holes as undefined, which the assertion then rejects.
  if (Array.isArray(value)) return `[${Array.from(value as unknown[], canonicalJson).join(',')}]`;
  assert(isJsonObject(value), `canonicalJson: ${typeof value} is not a JSON value`);
  // The default sort compares UTF-16 code units, the same order on every implementation.
  const keys = Object.keys(value).sort();
  const members = keys.map((key) => `${quoteAscii(key)}:${canonicalJson(value[key])}`);
  return `{${members.join(',')}}`;
}

// Everything but printable ASCII, quote and backslash. Code units, not code points (no u flag).
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const NEEDS_ESCAPE_ALL = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

export function quoteAscii(text: string): string {
  // Values are megabytes of base64 that need no escaping: one scan, no copy.
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  return `"${text.replace(NEEDS_ESCAPE_ALL, escapeCodeUnit)}"`;
}

function escapeCodeUnit(unit: string): string {
  return SHORT_ESCAPES[unit] ?? `\\u${codeUnitAt(unit, 0).toString(16).padStart(4, '0')}`;
}
