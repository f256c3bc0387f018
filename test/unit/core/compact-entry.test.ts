import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT } from '../../../src/core/api-operations.js';
import { loadEntry, peekEntry, SharedNames, storedScope, storedTags, storeEntry } from '../../../src/core/compact-entry.js';
import { ARENA_VALUE_BYTES_MAX, COMPACT_VALUE_BYTES_MAX, SHARED_NAMES_MAX } from '../../../src/core/limits.js';
import type { SetOperation } from '../../../src/core/operation.js';
import { ValueArena } from '../../../src/core/value-arena.js';

const nameArb = fc.string({ unit: fc.constantFrom('a', 'b', ':', 'é', '\u0000', '\ud83d', '\ude00'), maxLength: 6 });
const valueArb = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.integer({ min: COMPACT_VALUE_BYTES_MAX - 2, max: COMPACT_VALUE_BYTES_MAX + 2 }).map((length) => Uint8Array.from({ length }, (_, index) => (index * 37) % 256)),
);
/** Half of them plain (what writeData writes), half with something of their own. */
const entryArb: fc.Arbitrary<SetOperation> = fc.oneof(
  fc.record({ path: nameArb, value: valueArb }).map(({ path, value }) => plain(path, value)),
  fc.record({
    type: fc.constant('SET' as const),
    path: nameArb,
    key: nameArb,
    value: valueArb,
    db: fc.oneof(nameArb, fc.constant(DEFAULT_CONTEXT.db)),
    namespace: fc.oneof(nameArb, fc.constant(DEFAULT_CONTEXT.namespace)),
    tags: fc.array(nameArb, { maxLength: 3 }),
    expiresAtMs: fc.option(fc.nat(), { nil: null }),
  }),
);

function plain(path: string, value: Uint8Array): SetOperation {
  return { type: 'SET', path, key: path, value, db: DEFAULT_CONTEXT.db, namespace: DEFAULT_CONTEXT.namespace, tags: [], expiresAtMs: null };
}

describe('stored entries', () => {
  it('load as the entry that was stored, every byte value and size included, and keep its scope', () => {
    fc.assert(fc.property(entryArb, fc.boolean(), (entry, keyIsPath) => {
      const written = keyIsPath ? { ...entry, key: entry.path } : entry;
      const arena = new ValueArena();
      const stored = storeEntry(written, new SharedNames(), arena);
      expect(loadEntry(written.path, stored, arena)).toEqual(written);
      expect(storedScope(stored)).toMatchObject({ db: written.db, namespace: written.namespace });
      expect(storedTags(stored)).toEqual(written.tags);
    }), { numRuns: 1_000 });
  });

  it('keep a plain entry as its value alone: its location in the arena up to ARENA_VALUE_BYTES_MAX, bytes when larger', () => {
    expect(typeof storeEntry(plain('p', new Uint8Array(COMPACT_VALUE_BYTES_MAX + 1)), new SharedNames(), new ValueArena())).toBe('number');
    expect(typeof storeEntry(plain('p', new Uint8Array(ARENA_VALUE_BYTES_MAX)), new SharedNames(), new ValueArena())).toBe('number');
    expect(storeEntry(plain('p', new Uint8Array(ARENA_VALUE_BYTES_MAX + 1)), new SharedNames(), new ValueArena())).toBeInstanceOf(Uint8Array);
  });

  it('read an arena value of 10 KiB back whole, and a peek of it as the keyspace holds it', () => {
    const arena = new ValueArena();
    const value = Uint8Array.from({ length: 10 * 1024 }, (_, index) => index % 251);
    const stored = storeEntry(plain('p', value), new SharedNames(), arena);
    expect(loadEntry('p', stored, arena).value).toEqual(value);
    expect(peekEntry('p', stored, arena)).toEqual(loadEntry('p', stored, arena));
  });

  it('keep a key equal to its path once, and every other field of an entry that is not plain', () => {
    const tagged = { ...plain('p', Uint8Array.of(1)), tags: ['t'] };
    expect(storeEntry(tagged, new SharedNames(), new ValueArena())).toEqual({ key: null, value: '\u0001', db: DEFAULT_CONTEXT.db, namespace: DEFAULT_CONTEXT.namespace, tags: ['t'], expiresAtMs: null });
    expect(storeEntry({ ...tagged, key: 'k' }, new SharedNames(), new ValueArena())).toMatchObject({ key: 'k' });
  });

  it('hand out a new value each time, so a reader changing its bytes changes nothing stored', () => {
    const arena = new ValueArena();
    for (const entry of [plain('p', Uint8Array.of(1, 2)), { ...plain('p', Uint8Array.of(1, 2)), tags: ['t'] }]) {
      const stored = storeEntry(entry, new SharedNames(), arena);
      loadEntry('p', stored, arena).value[0] = 9;
      expect([...loadEntry('p', stored, arena).value]).toEqual([1, 2]);
    }
  });
});

describe('SharedNames', () => {
  it('keeps one copy of each name up to SHARED_NAMES_MAX names, and hands back every name as it is', () => {
    const names = new SharedNames();
    names.share('repeated');
    names.share('repeated');
    expect(names.size).toBe(1);
    for (let index = 0; index < SHARED_NAMES_MAX + 10; index += 1) expect(names.share(`n${index}`)).toBe(`n${index}`);
    expect(names.size).toBe(SHARED_NAMES_MAX);
    expect(names.shareAll([])).toEqual([]);
    expect(names.shareAll(['repeated', 'x'])).toEqual(['repeated', 'x']);
  });
});
