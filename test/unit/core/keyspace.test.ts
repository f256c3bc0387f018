import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { operationWireBytesMax } from '../../../src/core/codec/index.js';
import { compareCodeUnits, isExpired, Keyspace, matchesFlush, type Entry, type ScanPage } from '../../../src/core/keyspace.js';
import { ARENA_CHUNK_BYTES_MIN, COMPACT_VALUE_BYTES_MAX } from '../../../src/core/limits.js';
import type { Operation, SetOperation } from '../../../src/core/operation.js';

function set(path: string, fields: Partial<Omit<SetOperation, 'type' | 'path'>> = {}): SetOperation {
  return {
    type: 'SET',
    path,
    key: fields.key ?? `key:${path}`,
    value: fields.value ?? new Uint8Array([path.length, 7]),
    db: fields.db ?? 'db',
    namespace: fields.namespace ?? 'ns',
    tags: fields.tags ?? [],
    expiresAtMs: fields.expiresAtMs ?? null,
  };
}

function keyspaceOf(ops: readonly Operation[], into = new Keyspace()): Keyspace {
  for (const op of ops) into.apply(op);
  return into;
}

/** The whole content, ordered by path: comparable with toEqual. */
function contentOf(keyspace: Keyspace): Entry[] {
  return [...keyspace.values()].sort((a, b) => compareCodeUnits(a.path, b.path));
}

function sortedPaths(keyspace: Keyspace): string[] {
  return [...keyspace.paths()].sort(compareCodeUnits);
}

// Small alphabets, so operations keep hitting the same entries, dbs and namespaces.
const pathArb = fc.constantFrom('a', 'b', 'c', 'd');
const dbArb = fc.constantFrom('', 'd1', 'd2');
const namespaceArb = fc.constantFrom('', 'n1', 'n2');
const tagsArb = fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 2 });
const expiryArb = fc.option(fc.nat({ max: 20 }), { nil: null });
const opArb: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('SET' as const),
      path: pathArb,
      key: fc.constantFrom('k1', 'k2'),
      value: fc.uint8Array({ maxLength: 3 }),
      db: dbArb,
      namespace: namespaceArb,
      tags: tagsArb,
      expiresAtMs: expiryArb,
    }),
  },
  fc.record({ type: fc.constant('DELETE' as const), path: pathArb }),
  fc.record({ type: fc.constant('SET_TTL' as const), path: pathArb, expiresAtMs: expiryArb }),
  fc.record({ type: fc.constant('METADATA' as const), path: pathArb, tags: tagsArb }),
  fc.record({ type: fc.constant('FLUSH' as const), db: fc.option(dbArb, { nil: null }), namespace: fc.option(namespaceArb, { nil: null }) }),
);

describe('Keyspace operations', () => {
  it('SET creates and replaces an entry whole', () => {
    const keyspace = new Keyspace();
    const first = set('p', { tags: ['t'], expiresAtMs: 50, db: 'd1' });
    keyspace.apply(first);
    expect(keyspace.size).toBe(1);
    expect(keyspace.get('p')).toEqual(first);
    const second = set('p', { value: new Uint8Array([9]), db: 'd2' });
    keyspace.apply(second);
    expect(keyspace.size).toBe(1);
    expect(keyspace.get('p')).toEqual(second);
    expect(keyspace.get('p')?.tags).toEqual([]);
    expect(keyspace.get('p')?.expiresAtMs).toBeNull();
  });

  it('DELETE removes an entry and ignores a missing one', () => {
    const keyspace = keyspaceOf([set('p'), set('q')]);
    keyspace.apply({ type: 'DELETE', path: 'p' });
    expect(keyspace.get('p')).toBeUndefined();
    expect(sortedPaths(keyspace)).toEqual(['q']);
    keyspace.apply({ type: 'DELETE', path: 'p' });
    keyspace.apply({ type: 'DELETE', path: 'missing' });
    expect(sortedPaths(keyspace)).toEqual(['q']);
  });

  it('SET_TTL sets and clears the expiry, keeping everything else', () => {
    const original = set('p', { tags: ['t'], expiresAtMs: null, value: new Uint8Array([1, 2, 3]) });
    const keyspace = keyspaceOf([original, { type: 'SET_TTL', path: 'p', expiresAtMs: 123 }]);
    expect(keyspace.get('p')).toEqual({ ...original, expiresAtMs: 123 });
    keyspace.apply({ type: 'SET_TTL', path: 'p', expiresAtMs: null });
    expect(keyspace.get('p')).toEqual(original);
  });

  it('SET_TTL has no effect on a missing entry', () => {
    const keyspace = keyspaceOf([set('q'), { type: 'SET_TTL', path: 'p', expiresAtMs: 123 }]);
    expect(keyspace.get('p')).toBeUndefined();
    expect(keyspace.size).toBe(1);
    expect(keyspace.get('q')?.expiresAtMs).toBeNull();
  });

  it('METADATA replaces the tags, keeping everything else', () => {
    const original = set('p', { tags: ['a', 'b'], expiresAtMs: 77 });
    const keyspace = keyspaceOf([original, { type: 'METADATA', path: 'p', tags: ['c'] }]);
    expect(keyspace.get('p')).toEqual({ ...original, tags: ['c'] });
    keyspace.apply({ type: 'METADATA', path: 'p', tags: [] });
    expect(keyspace.get('p')).toEqual({ ...original, tags: [] });
  });

  it('METADATA has no effect on a missing entry', () => {
    const keyspace = keyspaceOf([{ type: 'METADATA', path: 'p', tags: ['c'] }]);
    expect(keyspace.size).toBe(0);
    expect(keyspace.get('p')).toBeUndefined();
  });

  describe('FLUSH', () => {
    const grid = [
      set('d1/n1', { db: 'd1', namespace: 'n1' }),
      set('d1/n2', { db: 'd1', namespace: 'n2' }),
      set('d2/n1', { db: 'd2', namespace: 'n1' }),
      set('d2/n2', { db: 'd2', namespace: 'n2' }),
    ];

    it.each([
      ['a db only', 'd1', null, ['d2/n1', 'd2/n2']],
      ['a namespace only', null, 'n1', ['d1/n2', 'd2/n2']],
      ['a db and a namespace', 'd1', 'n1', ['d1/n2', 'd2/n1', 'd2/n2']],
      ['everything', null, null, []],
      ['a db that holds nothing', 'd3', null, ['d1/n1', 'd1/n2', 'd2/n1', 'd2/n2']],
      ['a pair that holds nothing', 'd1', 'n3', ['d1/n1', 'd1/n2', 'd2/n1', 'd2/n2']],
    ] as const)('flushes %s', (_what, db, namespace, left) => {
      const keyspace = keyspaceOf([...grid, { type: 'FLUSH', db, namespace }]);
      expect(sortedPaths(keyspace)).toEqual(left);
    });

    it('treats an empty db name as a name, not as "every db"', () => {
      const keyspace = keyspaceOf([set('empty', { db: '' }), set('full', { db: 'd1' }), { type: 'FLUSH', db: '', namespace: null }]);
      expect(sortedPaths(keyspace)).toEqual(['full']);
    });

    it('matchesFlush agrees', () => {
      const entry = { db: 'd1', namespace: 'n1' };
      expect(matchesFlush(entry, null, null)).toBe(true);
      expect(matchesFlush(entry, 'd1', null)).toBe(true);
      expect(matchesFlush(entry, null, 'n1')).toBe(true);
      expect(matchesFlush(entry, 'd1', 'n1')).toBe(true);
      expect(matchesFlush(entry, 'd2', null)).toBe(false);
      expect(matchesFlush(entry, null, 'n2')).toBe(false);
      expect(matchesFlush(entry, 'd1', 'n2')).toBe(false);
      expect(matchesFlush(entry, '', null)).toBe(false);
    });
  });

  it('keeps the values of plain entries rewritten, deleted and flushed over and over in chunks about their size', () => {
    const keyspace = new Keyspace();
    const plain = (path: string, round: number): SetOperation => set(path, { key: path, db: 'default', namespace: 'default', value: new Uint8Array(100).fill(round % 256) });
    for (let round = 0; round < 20_000; round += 1) {
      keyspace.apply(plain(`p${round % 10}`, round));
      if (round % 7 === 0) keyspace.apply({ type: 'DELETE', path: `p${round % 10}` });
      if (round % 1_000 === 500) keyspace.apply({ type: 'FLUSH', db: null, namespace: null });
    }
    const values = [...keyspace.values()];
    expect(values.length).toBeGreaterThan(0);
    expect(keyspace.valueChunkBytes).toBeLessThanOrEqual(3 * 10 * (102 + 'p0'.length) + ARENA_CHUNK_BYTES_MIN);
    expect(keyspace.get('p8')?.value).toEqual(new Uint8Array(100).fill(19_998 % 256));
  });

  it('clear empties the keyspace', () => {
    const keyspace = keyspaceOf([set('a'), set('b')]);
    keyspace.clear();
    expect(keyspace.size).toBe(0);
    expect([...keyspace.paths()]).toEqual([]);
  });
});

describe('Keyspace.get and Keyspace.peek', () => {
  it.each([
    ['plain', {}],
    ['with tags', { tags: ['t'] }],
  ])('get answers a %s large value in bytes of its own, peek in the keyspace\'s', (_, extra) => {
    const keyspace = new Keyspace();
    const value = Uint8Array.from({ length: COMPACT_VALUE_BYTES_MAX + 1 }, (__, index) => index % 251);
    keyspace.apply(set('p', { ...extra, value }));
    keyspace.get('p')?.value.fill(0);
    expect(keyspace.get('p')?.value).toEqual(value);
    expect(keyspace.peek('p')?.value).toBe(keyspace.peek('p')?.value);
    expect(keyspace.peek('p')).toEqual(keyspace.get('p'));
  });
});

describe('isExpired', () => {
  it('is expired from expiresAtMs on, inclusive', () => {
    const entry = set('p', { expiresAtMs: 1000 });
    expect(isExpired(entry, 999)).toBe(false);
    expect(isExpired(entry, 1000)).toBe(true);
    expect(isExpired(entry, 1001)).toBe(true);
  });

  it('never expires without an expiry', () => {
    expect(isExpired(set('p'), Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('handles expiry 0', () => {
    const entry = set('p', { expiresAtMs: 0 });
    expect(isExpired(entry, 0)).toBe(true);
    expect(isExpired(entry, -1)).toBe(false);
  });
});

describe('Keyspace.scan', () => {
  // '\u{10000}' is '\ud800\udc00': below '\uffff' in code units, above it in code points.
  const paths = ['b', 'a', 'B', '\uffff', '\u{10000}', 'a\u0000', 'ab', 'é', ''];
  const codeUnitOrder = ['', 'B', 'a', 'a\u0000', 'ab', 'b', 'é', '\u{10000}', '\uffff'];
  const big = { entriesMax: 1000, bytesMax: 1_000_000 };

  it('orders by path in UTF-16 code-unit order', () => {
    const keyspace = keyspaceOf(paths.map((path) => set(path)));
    const page = keyspace.scan({ afterPath: null, ...big });
    expect(page.entries.map((entry) => entry.path)).toEqual(codeUnitOrder);
    expect(page.done).toBe(true);
  });

  it('starts strictly after afterPath, present or not', () => {
    const keyspace = keyspaceOf(paths.map((path) => set(path)));
    expect(keyspace.scan({ afterPath: 'a', ...big }).entries.map((entry) => entry.path)).toEqual(codeUnitOrder.slice(3));
    expect(keyspace.scan({ afterPath: 'aa', ...big }).entries.map((entry) => entry.path)).toEqual(['ab', 'b', 'é', '\u{10000}', '\uffff']);
    expect(keyspace.scan({ afterPath: '', ...big }).entries.map((entry) => entry.path)).toEqual(codeUnitOrder.slice(1));
    const last = keyspace.scan({ afterPath: '\uffff', ...big });
    expect(last.entries).toEqual([]);
    expect(last.done).toBe(true);
  });

  it('returns an empty, done page from an empty keyspace', () => {
    expect(new Keyspace().scan({ afterPath: null, entriesMax: 1, bytesMax: 1 })).toEqual({ entries: [], done: true });
  });

  it('stops at entriesMax and says it is not done', () => {
    const keyspace = keyspaceOf(['a', 'b', 'c', 'd'].map((path) => set(path)));
    const first = keyspace.scan({ afterPath: null, entriesMax: 2, bytesMax: 1_000_000 });
    expect(first.entries.map((entry) => entry.path)).toEqual(['a', 'b']);
    expect(first.done).toBe(false);
    const second = keyspace.scan({ afterPath: 'b', entriesMax: 2, bytesMax: 1_000_000 });
    expect(second.entries.map((entry) => entry.path)).toEqual(['c', 'd']);
    expect(second.done).toBe(true);
  });

  it('stops before bytesMax, counting operationWireBytesMax of each entry', () => {
    const entries = ['a', 'b', 'c'].map((path) => set(path));
    const size = operationWireBytesMax(entries[0] as Entry);
    expect(entries.every((entry) => operationWireBytesMax(entry) === size)).toBe(true);
    const keyspace = keyspaceOf(entries);
    const exact = keyspace.scan({ afterPath: null, entriesMax: 100, bytesMax: 2 * size });
    expect(exact.entries.map((entry) => entry.path)).toEqual(['a', 'b']);
    expect(exact.done).toBe(false);
    const under = keyspace.scan({ afterPath: null, entriesMax: 100, bytesMax: 2 * size - 1 });
    expect(under.entries.map((entry) => entry.path)).toEqual(['a']);
  });

  it('returns one entry even if it alone exceeds bytesMax', () => {
    const keyspace = keyspaceOf([set('a', { value: new Uint8Array(3000) }), set('b')]);
    const page = keyspace.scan({ afterPath: null, entriesMax: 10, bytesMax: 1 });
    expect(page.entries.map((entry) => entry.path)).toEqual(['a']);
    expect(page.done).toBe(false);
    const next = keyspace.scan({ afterPath: 'a', entriesMax: 10, bytesMax: 1 });
    expect(next.entries.map((entry) => entry.path)).toEqual(['b']);
    expect(next.done).toBe(true);
  });

  it('resumes a kept scan, skipping entries removed since it began and saying done only at its end', () => {
    const keyspace = keyspaceOf(['a', 'b', 'c', 'd', 'e'].map((path) => set(path)));
    const first = keyspace.scan({ afterPath: null, entriesMax: 2, bytesMax: 1_000_000 });
    expect(first.entries.map((entry) => entry.path)).toEqual(['a', 'b']);
    expect(first.resumeId).toBeDefined();
    keyspace.apply({ type: 'DELETE', path: 'd' });
    const second = keyspace.scan({ afterPath: 'b', resumeId: first.resumeId, entriesMax: 2, bytesMax: 1_000_000 });
    expect(second.entries.map((entry) => entry.path)).toEqual(['c', 'e']);
    expect(second).toMatchObject({ done: true });
    expect(second.resumeId).toBeUndefined();
  });

  it('compareCodeUnits is a comparator: 0 for equal strings', () => {
    expect(compareCodeUnits('a', 'a')).toBe(0);
    expect(compareCodeUnits('a', 'b')).toBe(-1);
    expect(compareCodeUnits('b', 'a')).toBe(1);
  });

  it('refuses non-positive limits', () => {
    const keyspace = keyspaceOf([set('a')]);
    expect(() => keyspace.scan({ afterPath: null, entriesMax: 0, bytesMax: 100 })).toThrow(AssertionError);
    expect(() => keyspace.scan({ afterPath: null, entriesMax: 1, bytesMax: 0 })).toThrow(AssertionError);
  });

  it('pages through every entry exactly once, in order, each page within its limits', () => {
    const anyPath = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '\u0000', 'é', '\ud800', '\udc00', '\uffff'), maxLength: 4 });
    const scenario = fc.record({
      paths: fc.uniqueArray(anyPath, { maxLength: 30 }),
      valueLengths: fc.array(fc.nat({ max: 600 }), { minLength: 30, maxLength: 30 }),
      entriesMax: fc.integer({ min: 1, max: 6 }),
      bytesMax: fc.integer({ min: 1, max: 3000 }),
    });
    fc.assert(fc.property(scenario, ({ paths: chosen, valueLengths, entriesMax, bytesMax }) => {
      const keyspace = keyspaceOf(chosen.map((path, index) => set(path, { value: new Uint8Array(valueLengths[index] ?? 0) })));
      const seen: string[] = [];
      let afterPath: string | null = null;
      for (let pages = 0; ; pages += 1) {
        expect(pages).toBeLessThanOrEqual(chosen.length);
        const page: ScanPage = keyspace.scan({ afterPath, entriesMax, bytesMax });
        const remaining = sortedPaths(keyspace).filter((path) => afterPath === null || path > afterPath);
        expect(page.entries.length).toBeLessThanOrEqual(entriesMax);
        if (remaining.length > 0) expect(page.entries.length).toBeGreaterThan(0);
        const bytes = page.entries.reduce((sum, entry) => sum + operationWireBytesMax(entry), 0);
        if (page.entries.length > 1) expect(bytes).toBeLessThanOrEqual(bytesMax);
        // Greedy: the page is the longest prefix of what remains within the limits.
        expect(page.entries.map((entry) => entry.path)).toEqual(remaining.slice(0, page.entries.length));
        const following = remaining[page.entries.length];
        expect(page.done).toBe(following === undefined);
        if (following !== undefined) {
          const followingBytes = operationWireBytesMax(keyspace.get(following) as Entry);
          expect(page.entries.length >= entriesMax || bytes + followingBytes > bytesMax).toBe(true);
        }
        for (const entry of page.entries) expect(entry).toEqual(keyspace.get(entry.path));
        seen.push(...page.entries.map((entry) => entry.path));
        if (page.done) break;
        afterPath = page.entries[page.entries.length - 1]?.path ?? null;
      }
      expect(seen).toEqual([...chosen].sort(compareCodeUnits));
      expect(new Set(seen).size).toBe(seen.length);
    }), { numRuns: 200 });
  });
});

describe('replay over a fuzzy state', () => {
  const historyArb = fc.array(opArb, { maxLength: 30 }).chain((ops) => fc.record({
    ops: fc.constant(ops),
    k: fc.integer({ min: 0, max: ops.length }),
  }));

  it('applying o1..on to the state after o1..ok equals applying o1..on to empty', () => {
    fc.assert(fc.property(historyArb, ({ ops, k }) => {
      const expected = keyspaceOf(ops);
      const replayed = keyspaceOf(ops, keyspaceOf(ops.slice(0, k)));
      expect(contentOf(replayed)).toEqual(contentOf(expected));
    }), { numRuns: 300 });
  });

  it('applying a history twice equals applying it once', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
      expect(contentOf(keyspaceOf([...ops, ...ops]))).toEqual(contentOf(keyspaceOf(ops)));
    }), { numRuns: 200 });
  });

  it('replaying from j over entries each read at its own time in [j, n] gives the state after n', () => {
    // What a fuzzy snapshot is: a scan started after o1..oj reads each path at some later point.
    const scenario = fc.array(opArb, { maxLength: 30 }).chain((ops) => fc.record({
      ops: fc.constant(ops),
      j: fc.integer({ min: 0, max: ops.length }),
      readAt: fc.array(fc.nat({ max: ops.length }), { minLength: 4, maxLength: 4 }),
    }));
    fc.assert(fc.property(scenario, ({ ops, j, readAt }) => {
      const states = [new Keyspace()];
      for (let index = 1; index <= ops.length; index += 1) states.push(keyspaceOf(ops.slice(0, index)));
      const snapshot = new Keyspace();
      ['a', 'b', 'c', 'd'].forEach((path, index) => {
        const at = Math.max(j, readAt[index] ?? j);
        const entry = states[at]?.get(path);
        if (entry !== undefined) snapshot.apply(entry);
      });
      const replayed = keyspaceOf(ops.slice(j), snapshot);
      expect(contentOf(replayed)).toEqual(contentOf(keyspaceOf(ops)));
    }), { numRuns: 300 });
  });
});

describe('Keyspace.journalChanges', () => {
  it('names every path whose entry changed since the last take, a FLUSH path by path', () => {
    const keyspace = keyspaceOf([set('a'), set('b', { db: 'other' }), set('c')]);
    const journal = keyspace.journalChanges();
    keyspace.apply({ type: 'SET_TTL', path: 'a', expiresAtMs: 5 });
    keyspace.apply({ type: 'DELETE', path: 'c' });
    keyspace.apply({ type: 'FLUSH', db: 'other', namespace: null });
    expect([...(journal.take() ?? [])].sort()).toEqual(['a', 'b', 'c']);
    expect([...(journal.take() ?? [])]).toEqual([]);
  });

  it('says "every path" after a clear, and records nothing for a keyspace nobody journals', () => {
    const keyspace = keyspaceOf([set('a')]);
    const journal = keyspace.journalChanges();
    keyspace.clear();
    keyspace.apply(set('b'));
    expect(journal.take()).toBeNull();
    expect(keyspace.clone().journalChanges().take()).toEqual(new Set());
  });

  it('names paths one by one again once "every path" was taken', () => {
    const keyspace = keyspaceOf([set('a')]);
    const journal = keyspace.journalChanges();
    keyspace.clear();
    expect(journal.take()).toBeNull();
    keyspace.apply(set('c'));
    expect(journal.take()).toEqual(new Set(['c']));
  });
});
