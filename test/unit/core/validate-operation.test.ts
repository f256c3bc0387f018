import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOperationError, LimitExceededError } from '../../../src/core/errors.js';
import { DEFAULT_LIMITS, FRAME_ENVELOPE_BYTES, type Limits } from '../../../src/core/limits.js';
import type { Operation, SetOperation } from '../../../src/core/operation.js';
import { validateOperation } from '../../../src/core/validate-operation.js';
import { operationWireBytesMax } from '../../../src/core/codec/index.js';
import { operationArb } from '../../support/arbitraries.js';

const small: Limits = { ...DEFAULT_LIMITS, nameLengthMax: 8, tagsMax: 2, valueBytesMax: 16 };

function set(fields: Partial<SetOperation> = {}): SetOperation {
  return { type: 'SET', path: 'p', key: 'k', value: new Uint8Array(4), db: 'db', namespace: 'ns', tags: ['t'], expiresAtMs: null, ...fields };
}

const accepts = (op: Operation, limits: Limits = small): void => expect(() => validateOperation(op, limits)).not.toThrow();
const refuses = (op: Operation, error: typeof InvalidOperationError | typeof LimitExceededError, limits: Limits = small): void => {
  expect(() => validateOperation(op, limits)).toThrow(error);
};

describe('validateOperation', () => {
  it('accepts ordinary operations of every type', () => {
    accepts(set());
    accepts(set({ expiresAtMs: 0, tags: [], value: new Uint8Array(0), key: '', db: '', namespace: '' }));
    accepts({ type: 'DELETE', path: 'p' });
    accepts({ type: 'SET_TTL', path: 'p', expiresAtMs: 1_700_000_000_000 });
    accepts({ type: 'SET_TTL', path: 'p', expiresAtMs: null });
    accepts({ type: 'METADATA', path: 'p', tags: ['a', 'b'] });
  });

  it.each([
    ['SET', set({ path: '' })],
    ['DELETE', { type: 'DELETE', path: '' }],
    ['SET_TTL', { type: 'SET_TTL', path: '', expiresAtMs: null }],
    ['METADATA', { type: 'METADATA', path: '', tags: [] }],
  ] as [string, Operation][])('refuses an empty path in %s', (_type, op) => {
    refuses(op, InvalidOperationError);
  });

  it('accepts names of exactly nameLengthMax and refuses one more', () => {
    const atMax = 'x'.repeat(8);
    const over = 'x'.repeat(9);
    accepts(set({ path: atMax, key: atMax, db: atMax, namespace: atMax, tags: [atMax] }));
    for (const field of ['path', 'key', 'db', 'namespace'] as const) refuses(set({ [field]: over }), LimitExceededError);
    refuses(set({ tags: [over] }), LimitExceededError);
    refuses({ type: 'DELETE', path: over }, LimitExceededError);
    refuses({ type: 'SET_TTL', path: over, expiresAtMs: null }, LimitExceededError);
    refuses({ type: 'METADATA', path: over, tags: [] }, LimitExceededError);
    refuses({ type: 'METADATA', path: 'p', tags: [over] }, LimitExceededError);
    refuses({ type: 'FLUSH', db: over, namespace: null }, LimitExceededError);
    refuses({ type: 'FLUSH', db: null, namespace: over }, LimitExceededError);
  });

  it('counts name length in UTF-16 code units', () => {
    accepts(set({ path: '\u{1F600}'.repeat(4) }));
    refuses(set({ path: `${'\u{1F600}'.repeat(4)}x` }), LimitExceededError);
  });

  it('refuses more than tagsMax tags', () => {
    accepts(set({ tags: ['a', 'b'] }));
    refuses(set({ tags: ['a', 'b', 'c'] }), LimitExceededError);
    accepts({ type: 'METADATA', path: 'p', tags: ['a', 'b'] });
    refuses({ type: 'METADATA', path: 'p', tags: ['a', 'b', 'c'] }, LimitExceededError);
  });

  it('refuses a value over valueBytesMax', () => {
    accepts(set({ value: new Uint8Array(16) }));
    refuses(set({ value: new Uint8Array(17) }), LimitExceededError);
  });

  it.each([1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])('refuses expiresAtMs %s', (expiresAtMs) => {
    refuses(set({ expiresAtMs }), InvalidOperationError);
    refuses({ type: 'SET_TTL', path: 'p', expiresAtMs }, InvalidOperationError);
  });

  it('accepts the largest safe integer expiry', () => {
    accepts(set({ expiresAtMs: Number.MAX_SAFE_INTEGER }));
  });

  it('accepts FLUSH with nulls, names, or empty names', () => {
    accepts({ type: 'FLUSH', db: null, namespace: null });
    accepts({ type: 'FLUSH', db: 'db', namespace: null });
    accepts({ type: 'FLUSH', db: null, namespace: 'ns' });
    accepts({ type: 'FLUSH', db: '', namespace: '' });
  });

  it('refuses a name that is not a string', () => {
    refuses(set({ key: 42 as unknown as string }), InvalidOperationError);
    refuses({ type: 'FLUSH', db: 7 as unknown as string, namespace: null }, InvalidOperationError);
  });

  it('refuses an operation that cannot fit a frame', () => {
    const limits: Limits = { ...DEFAULT_LIMITS, frameBytesMax: FRAME_ENVELOPE_BYTES + 1024 };
    accepts(set({ value: new Uint8Array(300) }), limits);
    refuses(set({ value: new Uint8Array(600) }), LimitExceededError, limits);
  });

  it('accepts an operation that fills a frame exactly, and refuses it one byte short', () => {
    const op = set({ value: new Uint8Array(300) });
    const exact: Limits = { ...DEFAULT_LIMITS, frameBytesMax: FRAME_ENVELOPE_BYTES + operationWireBytesMax(op) };
    accepts(op, exact);
    refuses(op, LimitExceededError, { ...exact, frameBytesMax: exact.frameBytesMax - 1 });
  });

  it.each<[string, Operation, string]>([
    ['an empty path', { type: 'DELETE', path: '' }, 'path must not be empty'],
    ['a long path', { type: 'DELETE', path: 'p'.repeat(9) }, 'path of 9 characters exceeds nameLengthMax (8)'],
    ['a long key', set({ key: 'k'.repeat(9) }), 'key of 9 characters exceeds nameLengthMax (8)'],
    ['a long db', set({ db: 'd'.repeat(9) }), 'db of 9 characters exceeds nameLengthMax (8)'],
    ['a long namespace', set({ namespace: 'n'.repeat(9) }), 'namespace of 9 characters exceeds nameLengthMax (8)'],
    ['a long tag', set({ tags: ['t'.repeat(9)] }), 'tag of 9 characters exceeds nameLengthMax (8)'],
    ['a FLUSH of a long db', { type: 'FLUSH', db: 'd'.repeat(9), namespace: null }, 'db of 9 characters exceeds nameLengthMax (8)'],
    ['a FLUSH of a long namespace', { type: 'FLUSH', db: null, namespace: 'n'.repeat(9) }, 'namespace of 9 characters exceeds nameLengthMax (8)'],
    ['too many tags', set({ tags: ['a', 'b', 'c'] }), '3 tags exceed tagsMax (2)'],
    ['a value too large', set({ value: new Uint8Array(17) }), 'value of 17 bytes exceeds valueBytesMax (16)'],
    ['a key that is not a string', set({ key: 42 as unknown as string }), 'key must be a string'],
    ['a lone surrogate', { type: 'DELETE', path: 'a\ud800' }, 'path is not well-formed Unicode (a lone surrogate)'],
    ['a negative expiry', { type: 'SET_TTL', path: 'p', expiresAtMs: -1 }, 'expiresAtMs must be null or a non-negative integer, got -1'],
  ])('says what is wrong with %s', (_what, op, message) => {
    expect(() => validateOperation(op, small)).toThrow(message);
  });

  it('says by how much an operation misses its frame', () => {
    const limits: Limits = { ...DEFAULT_LIMITS, frameBytesMax: FRAME_ENVELOPE_BYTES + 1024 };
    const op = set({ value: new Uint8Array(600) });
    expect(() => validateOperation(op, limits)).toThrow(`operation of up to ${operationWireBytesMax(op)} wire bytes does not fit frameBytesMax (${limits.frameBytesMax})`);
  });

  it('accepts every operation of the shared arbitraries whose names are well-formed Unicode, and gives its wire bound', () => {
    // The codec's arbitraries include lone surrogates on purpose (the wire carries them); writes
    // holding one are refused, as the next test shows.
    fc.assert(fc.property(operationArb.filter(hasWellFormedNames), (op) => {
      expect(validateOperation(op, DEFAULT_LIMITS)).toBe(operationWireBytesMax(op));
    }), { numRuns: 300 });
  });

  it('refuses a lone surrogate in a name, accepts a pair', () => {
    expect(() => validateOperation({ type: 'DELETE', path: 'a\ud800' }, DEFAULT_LIMITS)).toThrow(InvalidOperationError);
    expect(() => validateOperation({ type: 'DELETE', path: '\udc00b' }, DEFAULT_LIMITS)).toThrow(InvalidOperationError);
    expect(() => validateOperation({ type: 'DELETE', path: 'a\ud83d\ude00' }, DEFAULT_LIMITS)).not.toThrow();
  });
});

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasWellFormedNames(op: Operation): boolean {
  const names = Object.values(op).flat().filter((value): value is string => typeof value === 'string');
  return names.every((name) => !LONE_SURROGATE.test(name));
}
