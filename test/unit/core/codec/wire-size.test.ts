import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteAscii } from '../../../../src/core/codec/canonical-json.js';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { operationWireBytesMax } from '../../../../src/core/codec/wire-size.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import type { LogEntry, Operation, SetOperation } from '../../../../src/core/operation.js';

const limits = DEFAULT_LIMITS;
const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;
// Longest timestamp text: 13 integer digits and 3 decimals.
const LONG_TIMESTAMP_MS = 2 ** 50 - 377;
/** Around a BATCH's or SNAPSHOT_CHUNK's items, as operationWireBytesMax documents. */
const CONTAINER_BYTES_MAX = 256;

const worstName = (length: number): string => '\u0001'.repeat(length);
const worstSet: SetOperation = {
  type: 'SET',
  path: worstName(limits.nameLengthMax),
  key: worstName(limits.nameLengthMax),
  value: new Uint8Array(1000),
  db: worstName(limits.nameLengthMax),
  namespace: worstName(limits.nameLengthMax),
  tags: Array.from({ length: 64 }, () => worstName(100)),
  expiresAtMs: MAX_SEQUENCE,
};
const emptySet: SetOperation = { type: 'SET', path: 'p', key: '', value: new Uint8Array(), db: '', namespace: '', tags: [], expiresAtMs: MAX_SEQUENCE };
const operations: Operation[] = [
  worstSet,
  emptySet,
  { ...emptySet, value: new Uint8Array(1), tags: [''] },
  { ...emptySet, value: new Uint8Array(2), key: 'plain ascii key', path: 'a/b/c' },
  { type: 'DELETE', path: worstName(limits.nameLengthMax) },
  { type: 'DELETE', path: 'p' },
  { type: 'SET_TTL', path: 'p', expiresAtMs: MAX_SEQUENCE },
  { type: 'SET_TTL', path: '\ud800', expiresAtMs: null },
  { type: 'FLUSH', db: null, namespace: null },
  { type: 'FLUSH', db: worstName(50), namespace: '"\\' },
  { type: 'METADATA', path: 'p', tags: Array.from({ length: limits.tagsMax }, () => '') },
  { type: 'METADATA', path: worstName(10), tags: [] },
];
const entry = (op: Operation, sequence = MAX_SEQUENCE): LogEntry => ({ sequence, timestampMs: LONG_TIMESTAMP_MS, op });
const frameBytes = (frame: Frame): number => encodeFrame(frame, limits).bytes.length;

describe('operationWireBytesMax', () => {
  it.each(operations.map((op) => [op.type, op] as const))('bounds the whole one-operation frame (%s)', (_type, op) => {
    expect(frameBytes({ kind: 'operation', ...entry(op) })).toBeLessThanOrEqual(operationWireBytesMax(op));
  });

  it('bounds each operation\'s share of a BATCH', () => {
    const entries = operations.map((op, index) => entry(op, MAX_SEQUENCE - operations.length + 1 + index));
    const bound = operations.reduce((total, op) => total + operationWireBytesMax(op), 0);
    expect(frameBytes({ kind: 'batch', timestampMs: LONG_TIMESTAMP_MS, entries })).toBeLessThanOrEqual(bound + CONTAINER_BYTES_MAX);
    const single = frameBytes({ kind: 'batch', timestampMs: LONG_TIMESTAMP_MS, entries: [entry(emptySet)] });
    expect(single).toBeLessThanOrEqual(operationWireBytesMax(emptySet) + CONTAINER_BYTES_MAX);
  });

  it('bounds each SET\'s share of a SNAPSHOT_CHUNK', () => {
    const sets = [worstSet, emptySet, emptySet];
    const bound = sets.reduce((total, op) => total + operationWireBytesMax(op), 0);
    const frame: Frame = { kind: 'snapshotChunk', timestampMs: LONG_TIMESTAMP_MS, index: MAX_SEQUENCE, entries: sets };
    expect(frameBytes(frame)).toBeLessThanOrEqual(bound + CONTAINER_BYTES_MAX);
  });

  it('counts the base64 size of the value exactly', () => {
    expect(operationWireBytesMax({ ...emptySet, value: new Uint8Array(3000) }) - operationWireBytesMax(emptySet)).toBe(4000);
    expect(operationWireBytesMax({ ...emptySet, value: new Uint8Array(3001) }) - operationWireBytesMax(emptySet)).toBe(4004);
  });

  it('counts printable ASCII names exactly and anything else six bytes a code unit', () => {
    const ascii = operationWireBytesMax({ type: 'DELETE', path: 'abcd' });
    expect(operationWireBytesMax({ type: 'DELETE', path: 'abcde' }) - ascii).toBe(1);
    expect(operationWireBytesMax({ type: 'DELETE', path: 'abcd\u00e9' }) - ascii).toBe(5 * 6 - 4);
  });

  // The log's byte bound rests on this count: any change to it would change what a log keeps.
  it('counts a printable ASCII name as its quoted JSON, quotes and backslashes escaped, and any other name 6x', () => {
    const empty = operationWireBytesMax({ type: 'DELETE', path: '' });
    const names = fc.oneof(fc.string({ unit: fc.constantFrom('a', '"', '\\', ' ', '~', '\u001f', '\u007f', '\u00e9') }), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(names, (name) => {
        const printable = /^[\x20-\x7e]*$/.test(name);
        const expected = printable ? quoteAscii(name).length : name.length * 6 + 2;
        expect(operationWireBytesMax({ type: 'DELETE', path: name }) - empty).toBe(expected - 2);
      }),
    );
  });

  // A SET counts a key equal to its path once, and a db or namespace equal to the last one counted by its count then:
  // whatever came before, each name counts as it does alone.
  it('counts each of a SET\'s names as it counts alone, whatever SETs came before', () => {
    const empty = operationWireBytesMax({ type: 'DELETE', path: '' });
    const alone = (name: string): number => operationWireBytesMax({ type: 'DELETE', path: name }) - empty;
    const name = fc.constantFrom('', 'a', 'ab', 'a"', 'a\u00e9', 'default');
    const set = fc.record({ path: name, key: name, db: name, namespace: name }).map((names): SetOperation => ({ ...emptySet, ...names }));
    fc.assert(
      fc.property(fc.array(set, { minLength: 1, maxLength: 8 }), (sets) => {
        for (const op of sets) {
          expect(operationWireBytesMax(op) - operationWireBytesMax(emptySet)).toBe(alone(op.path) + alone(op.key) + alone(op.db) + alone(op.namespace) - alone('p'));
        }
      }),
    );
  });

  it('counts a FLUSH\'s names as any other, and a null one as an empty one', () => {
    const none = operationWireBytesMax({ type: 'FLUSH', db: null, namespace: null });
    expect(operationWireBytesMax({ type: 'FLUSH', db: 'abc', namespace: null }) - none).toBe(3);
    expect(operationWireBytesMax({ type: 'FLUSH', db: null, namespace: 'abcd' }) - none).toBe(4);
    expect(operationWireBytesMax({ type: 'FLUSH', db: '', namespace: '' })).toBe(none);
  });

  it('is not wildly above the real size for an ordinary SET', () => {
    const op: SetOperation = { ...emptySet, path: 'users/alice', key: 'alice', value: new Uint8Array(100), db: 'main', namespace: 'users' };
    const real = frameBytes({ kind: 'operation', sequence: 1, timestampMs: 1_700_000_000_000, op });
    expect(operationWireBytesMax(op) - real).toBeLessThan(512);
  });
});
