/**
 * The contract of src/storage/backend.ts, run against every backend: the same operations on the
 * backend and on a Keyspace (the model) must leave the same entries, byte for byte.
 */
import fc from 'fast-check';
import { expect, it, vi } from 'vitest';
import { operationWireBytesMax } from '../../../src/core/codec/index.js';
import { compareCodeUnits, Keyspace, type Entry, type ScanRequest } from '../../../src/core/keyspace.js';
import { COMPACT_VALUE_BYTES_MAX } from '../../../src/core/limits.js';
import type { Operation } from '../../../src/core/operation.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import { StorageFailedError, StorageLostError } from '../../../src/core/errors.js';
import type { StorageBackend } from '../../../src/storage/backend.js';
import type { FsyncMode } from '../../../src/storage/filesystem.js';
import { del, set, text } from '../../support/ops.js';

export interface OpenedStorage {
  readonly storage: StorageBackend;
  /** A new instance on the same stored data, for backends that persist it. */
  readonly reopen?: () => Promise<StorageBackend>;
  /** Closes every instance opened. */
  readonly cleanup: () => Promise<void>;
}

/** An OpenedStorage from a way to open an instance on one stored dataset; cleanup closes them all. */
export async function openedFrom(openAt: () => Promise<StorageBackend>): Promise<OpenedStorage> {
  const opened: StorageBackend[] = [];
  const reopen = async (): Promise<StorageBackend> => {
    const storage = await openAt();
    opened.push(storage);
    return storage;
  };
  return {
    storage: await reopen(),
    reopen,
    cleanup: async () => {
      for (const storage of opened) await storage.close();
    },
  };
}

export interface ContractOptions {
  /** The backend's scan order; code-unit order by default. */
  readonly comparePaths?: (a: string, b: string) => number;
  /**
   * Ways the backend's store can lose its data behind a running instance (a Redis restarted
   * empty, or flushed), by name; each must be detected (contract 9). Memory gives none: its
   * process is its store.
   */
  readonly vanishes?: Readonly<Record<string, (opened: OpenedStorage) => Promise<void>>>;
  /**
   * Ways an operator can damage the backend's store by hand so that BROKEN_BATCH fails in the
   * middle of its writes (a Redis key turned into another type), by name; the batch must fail
   * whole (contract 3: a rejected apply changes nothing, its cursor included). No generator
   * makes such a fault: it is an operator's, not the core's.
   */
  readonly breaksApply?: Readonly<Record<string, (opened: OpenedStorage) => Promise<void>>>;
}

/**
 * Paths that collide often, nest (`b` is the directory of `b/c` and `b/c/x`: a file system must
 * hold a path that is both), sort between a directory and its subtree (`b-c`), and leave the BMP.
 */
const PATHS = ['a', 'b', 'b/c', 'b/c/x', 'b/d', 'b-c', 'b0', 'e/f/g', 'é', '\uFB00', '\u{1F600}'];
const TAGS = ['t1', 't2', 't3'];
/** 2100-01-01: never expires while the tests run, in any backend. */
const FAR_FUTURE_MS = 4_102_444_800_000;
const WHOLE_PAGE: ScanRequest = { afterPath: null, entriesMax: 1_000, bytesMax: 1 << 30 };
const PROPERTY_RUNS = 40;

const setArb: fc.Arbitrary<Extract<Operation, { type: 'SET' }>> = fc.record({
  type: fc.constant('SET' as const),
  path: fc.constantFrom(...PATHS),
  key: fc.constantFrom('k', 'l'),
  value: fc.uint8Array({ maxLength: 12 }),
  db: fc.constantFrom('d1', 'd2'),
  namespace: fc.constantFrom('n1', 'n2'),
  tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 3 }),
  expiresAtMs: fc.constantFrom(null, FAR_FUTURE_MS, FAR_FUTURE_MS + 1),
});
/** The operations that name one path: all but FLUSH. */
const pathOperationArb: fc.Arbitrary<Exclude<Operation, { type: 'FLUSH' }>> = fc.oneof(
  { weight: 4, arbitrary: setArb },
  fc.record({ type: fc.constant('DELETE' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ type: fc.constant('SET_TTL' as const), path: fc.constantFrom(...PATHS), expiresAtMs: fc.constantFrom(null, FAR_FUTURE_MS) }),
  fc.record({ type: fc.constant('METADATA' as const), path: fc.constantFrom(...PATHS), tags: fc.array(fc.constantFrom('t1', 't2'), { maxLength: 2 }) }),
);
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 6, arbitrary: pathOperationArb },
  fc.record({
    type: fc.constant('FLUSH' as const),
    db: fc.constantFrom(null, 'd1', 'd2'),
    namespace: fc.constantFrom(null, 'n1', 'n2'),
  }),
);
const batchesArb = fc.array(fc.array(operationArb, { maxLength: 6 }), { maxLength: 6 });

/** What stands before BROKEN_BATCH: each of its operations finds an entry to change. */
const BEFORE_BROKEN: readonly Operation[] = [
  set('a', 'old', { tags: ['t1'] }),
  set('b/c', 'gone next'),
  set('b/d', 'kept'),
  set('é', 'retagged', { tags: ['t1'] }),
];

/**
 * A batch that writes every kind of thing a backend keeps: values, (db, namespace, key), tags,
 * expiries, removals. Its last tag, `late`, is none that a check here lists.
 */
const BROKEN_BATCH: readonly Operation[] = [
  set('a', 'new', { key: 'k', db: 'd1', namespace: 'n1', tags: ['t2'], expiresAtMs: FAR_FUTURE_MS }),
  del('b/c'),
  { type: 'SET_TTL', path: 'b/d', expiresAtMs: FAR_FUTURE_MS },
  { type: 'METADATA', path: 'é', tags: ['t3', 'late'] },
];

export function describeStorageContract(name: string, open: () => Promise<OpenedStorage>, options: ContractOptions = {}): void {
  const comparePaths = options.comparePaths ?? compareCodeUnits;

  function test(title: string, body: (opened: OpenedStorage) => Promise<void>): void {
    it(`${name}: ${title}`, async () => {
      const opened = await open();
      try {
        await body(opened);
      } finally {
        await opened.cleanup();
      }
    });
  }

  test('applies batches of operations as the Keyspace model does', async ({ storage }) => {
    let sequence = 0;
    await fc.assert(fc.asyncProperty(batchesArb, async (batches) => {
      await storage.apply([{ type: 'FLUSH', db: null, namespace: null }], null);
      const model = new Keyspace();
      for (const batch of batches) {
        sequence += 1;
        await storage.apply(batch, { replicationId: 'r', sequence });
        for (const op of batch) model.apply(op);
      }
      if (batches.length > 0) expect(await storage.loadCursor()).toEqual({ replicationId: 'r', sequence });
      await expectSameEntries(storage, model, comparePaths);
    }), { numRuns: PROPERTY_RUNS });
  });

  test('persists the cursor with apply, keeps it on a null cursor, and after a restart', async ({ storage, reopen }) => {
    expect(await storage.loadCursor()).toBeNull();
    await storage.apply([set('a', '1')], cursor(3));
    expect(await storage.loadCursor()).toEqual(cursor(3));
    await storage.apply([set('b', '2')], null);
    expect(await storage.loadCursor()).toEqual(cursor(3));
    if (reopen === undefined) return;
    await storage.close();
    const again = await reopen();
    expect(await again.loadCursor()).toEqual(cursor(3));
    expect(text((await again.read('b'))?.value)).toBe('2');
  });

  test('keeps a cursor\'s fencing epoch: alone in an apply without operations, in a commit, and after a restart', async ({ storage, reopen }) => {
    await storage.apply([set('a', '1')], cursor(3));
    await storage.apply([], { replicationId: 'h2', sequence: 3, epoch: 2 });
    expect(await storage.loadCursor()).toEqual({ replicationId: 'h2', sequence: 3, epoch: 2 });
    expect(text((await storage.read('a'))?.value)).toBe('1');
    await storage.stageBegin();
    await storage.stageCommit({ replicationId: 'h3', sequence: 7, epoch: 5 });
    expect(await storage.loadCursor()).toEqual({ replicationId: 'h3', sequence: 7, epoch: 5 });
    if (reopen === undefined) return;
    await storage.close();
    expect(await (await reopen()).loadCursor()).toEqual({ replicationId: 'h3', sequence: 7, epoch: 5 });
  });

  test('answers reads with bytes of the caller\'s own, values on both sides of COMPACT_VALUE_BYTES_MAX (rule 11)', async ({ storage }) => {
    const values = [COMPACT_VALUE_BYTES_MAX, COMPACT_VALUE_BYTES_MAX + 1, 5 * COMPACT_VALUE_BYTES_MAX].map((length) => Uint8Array.from({ length }, (_, index) => index % 251));
    const entries = values.flatMap((value, index) => [set(`plain/${index}`, '', { value }), set(`tagged/${index}`, '', { value, tags: ['t1'] })]);
    // Copies to compare with: a backend may keep the arrays it was given (rule 11).
    const expected = entries.map((entry) => ({ ...entry, value: entry.value.slice() }));
    await storage.apply(entries, null);
    for (const { path } of entries) (await storage.read(path))?.value.fill(0xee);
    for (const entry of expected) expect(comparable(await storage.read(entry.path)), entry.path).toEqual(comparable(entry));
    expect((await storage.scan(WHOLE_PAGE)).entries.map(comparable)).toEqual([...expected].sort((a, b) => comparePaths(a.path, b.path)).map(comparable));
  });

  test('keeps every field of an entry across a restart', async ({ storage, reopen }) => {
    const entry = set('b/c', '', { key: 'k:1', db: 'd', namespace: 'n', tags: ['x', 'y', 'x'], expiresAtMs: FAR_FUTURE_MS, value: bytes(0, 255, 10, 0) });
    await storage.apply([entry], null);
    expect(comparable(await storage.read('b/c'))).toEqual(comparable(entry));
    if (reopen === undefined) return;
    await storage.close();
    expect(comparable(await (await reopen()).read('b/c'))).toEqual(comparable(entry));
  });

  test('scans pages exactly as Keyspace.scan does', async ({ storage }) => {
    const entries = Array.from({ length: 23 }, (_, index) => set(`p/${index % 4}/${String(index).padStart(2, '0')}`, 'v'.repeat(index * 37)));
    await storage.apply(entries, null);
    const model = new Keyspace();
    for (const entry of entries) model.apply(entry);
    for (const request of [
      { afterPath: null, entriesMax: 1, bytesMax: 1 << 20 },
      { afterPath: null, entriesMax: 4, bytesMax: 1 << 20 },
      { afterPath: null, entriesMax: 7, bytesMax: 2_000 },
      { afterPath: 'p/1', entriesMax: 100, bytesMax: 600 },
      { afterPath: 'p/2/10', entriesMax: 5, bytesMax: 1 << 20 },
    ]) {
      await expectPagesLikeModel(storage, model, request);
    }
  });

  test('lists in code-unit order and scans every entry once in its order, beyond the BMP too', async ({ storage }) => {
    const paths = ['\uFB00', '\u{1F600}', 'a', 'é', 'z'];
    await storage.apply(paths.map((path) => set(path, path)), null);
    expect(await storage.list()).toEqual([...paths].sort(compareCodeUnits));
    const scanned: string[] = [];
    for (let afterPath: string | null = null, done = false; !done;) {
      const page = await storage.scan({ afterPath, entriesMax: 1, bytesMax: 1 });
      expect(page.entries).toHaveLength(1);
      scanned.push(...page.entries.map((entry) => entry.path));
      afterPath = scanned.at(-1) ?? null;
      done = page.done;
    }
    expect(scanned).toEqual([...paths].sort(comparePaths));
  });

  test('lists the first pathsMax paths only, by prefix in the scan order and by tag in code-unit order, answered in code-unit order', async ({ storage }) => {
    const paths = ['b/2', 'a', 'b/10', 'b', 'b/1', 'c', '\uFB00', '\u{1F600}', 'b/\uFB00', 'b/\u{1F600}', 'b/1/x', 'b-'];
    await storage.apply(paths.map((path, index) => set(path, 'v', { tags: index % 3 === 0 ? [] : ['t'] })), null);
    const tagged = paths.filter((_, index) => index % 3 !== 0);
    const first = (matching: string[], pathsMax: number, order: (a: string, b: string) => number): string[] => [...matching].sort(order).slice(0, pathsMax).sort(compareCodeUnits);
    for (const pathsMax of [1, 2, 3, 7, 10, 11, 12, 100]) {
      for (const prefix of ['', 'b', 'b/', 'b/1', 'd']) {
        expect(await storage.list(prefix, pathsMax), `${prefix} ${pathsMax}`).toEqual(first(paths.filter((path) => path.startsWith(prefix)), pathsMax, comparePaths));
      }
      expect(await storage.listTagged('t', pathsMax), `${pathsMax}`).toEqual(first(tagged, pathsMax, compareCodeUnits));
    }
    await expect(storage.list('', 0)).rejects.toThrow('pathsMax must be a positive integer, got 0');
    await expect(storage.listTagged('t', 1.5)).rejects.toThrow('pathsMax must be a positive integer, got 1.5');
  });

  test('lists the first pathsMax of a tag that hundreds of entries hold (Redis reads its set in several batches)', async ({ storage }) => {
    const paths = Array.from({ length: 300 }, (_, index) => `m/${String((index * 7) % 300).padStart(3, '0')}`);
    await storage.apply(paths.map((path) => set(path, 'v', { tags: ['many'] })), null);
    const sorted = [...paths].sort(compareCodeUnits);
    expect(await storage.listTagged('many', 5)).toEqual(sorted.slice(0, 5));
    expect(await storage.listTagged('many', 299)).toEqual(sorted.slice(0, 299));
    expect(await storage.listTagged('many')).toEqual(sorted);
  });

  test('a scan with writes between its pages returns each entry present throughout once, in order, and nothing removed', async ({ storage }) => {
    const initial = fc.uniqueArray(fc.constantFrom(...PATHS), { minLength: 1 });
    const between = fc.array(fc.array(pathOperationArb, { maxLength: 3 }), { maxLength: 12 });
    await fc.assert(fc.asyncProperty(initial, between, async (paths, changes) => {
      await storage.apply([{ type: 'FLUSH', db: null, namespace: null }, ...paths.map((path) => set(path, 'v'))], null);
      const model = new Keyspace();
      for (const path of paths) model.apply(set(path, 'v'));
      const touched = new Set<string>();
      const scanned: string[] = [];
      for (let afterPath: string | null = null, resumeId: number | undefined, page = 0, done = false; !done; page += 1) {
        const scannedPage = await storage.scan({ afterPath, resumeId, entriesMax: 1, bytesMax: 1 });
        const { entries, done: last } = scannedPage;
        resumeId = scannedPage.resumeId;
        for (const entry of entries) expect(comparable(entry), 'a scanned entry is as it is now').toEqual(comparable(model.get(entry.path)));
        scanned.push(...entries.map((entry) => entry.path));
        afterPath = scanned.at(-1) ?? afterPath;
        done = last;
        const batch = changes[page] ?? [];
        await storage.apply(batch, null);
        for (const op of batch) {
          model.apply(op);
          touched.add(op.path);
        }
      }
      const ordered = [...scanned].sort(comparePaths);
      expect(scanned, 'in order, each once').toEqual([...new Set(ordered)]);
      for (const path of paths.filter((path) => !touched.has(path))) expect(scanned, 'present throughout').toContain(path);
    }), { numRuns: PROPERTY_RUNS });
  });

  test('two scans under way at once, one begun after a write, each returns what was there when it began', async ({ storage }) => {
    await storage.apply(['a', 'b', 'c', 'd'].map((path) => set(path, 'v')), null);
    const older = new PagedScan(storage);
    await older.next();
    await storage.apply([set('e', 'v')], null);
    const newer = new PagedScan(storage);
    await newer.next();
    // The older scan goes on first, from the same path the newer one stands on.
    await older.next();
    await newer.toEnd();
    await older.toEnd();
    expect(newer.paths).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(older.paths.slice(0, 4)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a scan page by page sorts its keyspace a bounded number of times, not once per page', async ({ storage }) => {
    const entryCount = 300;
    await storage.apply(Array.from({ length: entryCount }, (_, index) => set(`s/${index % 3}/${index}`, 'v')), null);
    const sort = vi.spyOn(Array.prototype, 'sort');
    try {
      let pages = 0;
      for (let request: ScanRequest = { afterPath: null, entriesMax: 1, bytesMax: 1 }, done = false; !done; pages += 1) {
        const page = await storage.scan(request);
        request = { ...request, afterPath: page.entries.at(-1)?.path ?? request.afterPath, resumeId: page.resumeId };
        done = page.done;
      }
      expect(pages).toBe(entryCount);
      // Once per directory or once per scan; the quadratic scan sorted on every page.
      expect(sort.mock.calls.length).toBeLessThan(entryCount / 10);
    } finally {
      sort.mockRestore();
    }
  });

  test('reads, checks, sizes, describes and lists entries', async ({ storage }) => {
    const entry = set('b/c', 'hello', { tags: ['t'], expiresAtMs: FAR_FUTURE_MS });
    await storage.apply([entry, set('b/d', ''), set('b-c', 'x'), set('b0', 'y'), set('a', 'z')], null);
    expect(comparable(await storage.read('b/c'))).toEqual(comparable(entry));
    expect(await storage.exists('b/c')).toBe(true);
    expect(await storage.size('b/c')).toBe(5);
    expect(await storage.size('b/d')).toBe(0);
    const { type: _type, value: _value, ...fields } = entry;
    expect(await storage.metadata('b/c')).toEqual({ ...fields, sizeBytes: 5 });
    for (const missing of ['b', 'q', 'b/c/d']) {
      expect(await storage.read(missing)).toBeUndefined();
      expect(await storage.exists(missing)).toBe(false);
      expect(await storage.size(missing)).toBeUndefined();
      expect(await storage.metadata(missing)).toBeUndefined();
    }
    expect(await storage.list()).toEqual(['a', 'b-c', 'b/c', 'b/d', 'b0']);
    expect(await storage.list('b/')).toEqual(['b/c', 'b/d']);
    expect(await storage.list('b')).toEqual(['b-c', 'b/c', 'b/d', 'b0']);
    expect(await storage.list('c')).toEqual([]);
  });

  test('SET_TTL and METADATA change an existing entry only', async ({ storage }) => {
    await storage.apply([
      set('a', '1', { tags: ['old'] }),
      { type: 'SET_TTL', path: 'a', expiresAtMs: FAR_FUTURE_MS },
      { type: 'METADATA', path: 'a', tags: ['new'] },
      { type: 'SET_TTL', path: 'q', expiresAtMs: FAR_FUTURE_MS },
      { type: 'METADATA', path: 'q', tags: ['new'] },
    ], null);
    expect(await storage.metadata('a')).toMatchObject({ tags: ['new'], expiresAtMs: FAR_FUTURE_MS, sizeBytes: 1 });
    expect(await storage.exists('q')).toBe(false);
    await storage.apply([{ type: 'SET_TTL', path: 'a', expiresAtMs: null }], null);
    expect((await storage.metadata('a'))?.expiresAtMs).toBeNull();
  });

  test('an entry past its expiry is returned as stored by every read: only the primary expires', async ({ storage }) => {
    const gone = set('gone', 'x', { expiresAtMs: 1, tags: ['t'] });
    await storage.apply([gone, set('kept', 'y')], null);
    expect(comparable(await storage.read('gone'))).toEqual(comparable(gone));
    expect(await storage.exists('gone')).toBe(true);
    expect(await storage.size('gone')).toBe(1);
    expect(await storage.metadata('gone')).toMatchObject({ expiresAtMs: 1, tags: ['t'] });
    expect(await storage.list()).toEqual(['gone', 'kept']);
    expect(await storage.listTagged('t')).toEqual(['gone']);
    expect((await storage.scan(WHOLE_PAGE)).entries.map((scanned) => scanned.path)).toEqual(['gone', 'kept']);
    await storage.apply([{ type: 'SET_TTL', path: 'gone', expiresAtMs: null }], null);
    expect(await storage.metadata('gone')).toMatchObject({ expiresAtMs: null });
  });

  test('staging is invisible until committed, then replaces everything with the cursor', async ({ storage, reopen }) => {
    await storage.apply([set('a', 'old'), set('b', 'old'), set('c/d', 'old')], cursor(1));
    await storage.stageBegin();
    await storage.stageApply([set('b', 'new'), set('e', 'new'), set('gone', 'x')]);
    await storage.stageApply([{ type: 'DELETE', path: 'gone' }]);
    expect(await storage.list()).toEqual(['a', 'b', 'c/d']);
    expect(text((await storage.read('b'))?.value)).toBe('old');
    expect(await storage.exists('e')).toBe(false);
    expect((await storage.scan(WHOLE_PAGE)).entries.map((entry) => entry.path)).toEqual(['a', 'b', 'c/d']);
    expect(await storage.loadCursor()).toEqual(cursor(1));

    await storage.stageCommit(cursor(9));
    await expectCommitted(storage);
    if (reopen === undefined) return;
    await storage.close();
    await expectCommitted(await reopen());
  });

  test('stageBegin discards a previous staging area; an empty one commits an empty keyspace', async ({ storage }) => {
    await storage.apply([set('live', '1')], null);
    await storage.stageBegin();
    await storage.stageApply([set('first', '1')]);
    await storage.stageBegin();
    await storage.stageApply([set('second', '2')]);
    await storage.stageCommit(cursor(2));
    expect(await storage.list()).toEqual(['second']);
    await storage.stageBegin();
    await storage.stageCommit(cursor(3));
    expect(await storage.list()).toEqual([]);
    expect(await storage.loadCursor()).toEqual(cursor(3));
  });

  test('refuses stageApply and stageCommit without stageBegin', async ({ storage }) => {
    await expect(storage.stageApply([set('a', '1')])).rejects.toThrow(/without stageBegin/);
    await expect(storage.stageCommit(cursor(1))).rejects.toThrow(/without stageBegin/);
    await storage.stageBegin();
    await storage.stageCommit(cursor(1));
    await expect(storage.stageCommit(cursor(2))).rejects.toThrow(/without stageBegin/);
    expect(await storage.loadCursor()).toEqual(cursor(1));
  });

  test('serves calls made without awaiting in the order they were made', async ({ storage }) => {
    const completed: number[] = [];
    const calls: Promise<unknown>[] = [
      storage.apply([set('a', '1')], null),
      storage.read('a'),
      storage.apply([set('a', '2'), set('x/y', 'x')], cursor(1)),
      storage.read('a'),
      storage.stageBegin(),
      storage.stageApply([set('b', '3')]),
      storage.exists('b'),
      storage.list(),
      storage.stageCommit(cursor(2)),
      storage.read('b'),
      storage.exists('a'),
      storage.loadCursor(),
    ];
    calls.forEach((call, index) => void call.then(() => completed.push(index)));
    const results = await Promise.all(calls);
    expect(completed).toEqual(calls.map((_, index) => index));
    expect(text((results[1] as Entry).value)).toBe('1');
    expect(text((results[3] as Entry).value)).toBe('2');
    expect(results[6]).toBe(false);
    expect(results[7]).toEqual(['a', 'x/y']);
    expect(text((results[9] as Entry).value)).toBe('3');
    expect(results[10]).toBe(false);
    expect(results[11]).toEqual(cursor(2));
  });

  for (const [how, vanish] of Object.entries(options.vanishes ?? {})) describeVanishedData(test, how, vanish);

  for (const [how, breakStore] of Object.entries(options.breaksApply ?? {})) {
    test(`an apply that fails on ${how} changes nothing, its cursor included`, async (opened) => {
      const { storage } = opened;
      await storage.apply(BEFORE_BROKEN, cursor(1));
      await breakStore(opened);
      await expect(storage.apply(BROKEN_BATCH, cursor(2))).rejects.toThrow(StorageFailedError);
      const model = new Keyspace();
      for (const op of BEFORE_BROKEN) model.apply(op);
      await expectSameEntries(storage, model, comparePaths);
      expect(await storage.loadCursor()).toEqual(cursor(1));
    });
  }

  test('close waits for earlier calls and refuses later ones', async ({ storage }) => {
    const applied = storage.apply([set('a', '1')], cursor(1));
    const closed = storage.close();
    await expect(applied).resolves.toMatchObject({ durable: expect.any(Boolean) });
    await closed;
    await expect(storage.read('a')).rejects.toThrow(/closed/);
    await expect(storage.apply([], null)).rejects.toThrow(/closed/);
    await storage.close();
  });
}

function cursor(sequence: number): Cursor {
  return { replicationId: 'history', sequence };
}

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

/** An entry in a form toEqual compares field by field, the value as plain numbers. */
function comparable(entry: Entry | undefined): unknown {
  return entry === undefined ? undefined : { ...entry, tags: [...entry.tags], value: Array.from(entry.value) };
}

async function expectSameEntries(storage: StorageBackend, model: Keyspace, comparePaths: (a: string, b: string) => number): Promise<void> {
  const expected = [...model.values()];
  expect(await storage.list()).toEqual(expected.map((entry) => entry.path).sort(compareCodeUnits));
  for (const path of PATHS) {
    const want = model.get(path);
    expect(comparable(await storage.read(path))).toEqual(comparable(want));
    expect(await storage.exists(path)).toBe(want !== undefined);
    expect(await storage.size(path)).toBe(want?.value.length);
    expect((await storage.metadata(path))?.tags).toEqual(want?.tags);
  }
  for (const tag of TAGS) {
    const tagged = expected.filter((entry) => entry.tags.includes(tag)).map((entry) => entry.path);
    expect(await storage.listTagged(tag)).toEqual(tagged.sort(compareCodeUnits));
  }
  const scanned = await scanAll(storage, { afterPath: null, entriesMax: 3, bytesMax: 1 << 20 });
  expect(scanned.map(comparable)).toEqual(expected.sort((a, b) => comparePaths(a.path, b.path)).map(comparable));
}

async function scanAll(storage: StorageBackend, first: ScanRequest): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (let request = first, done = false; !done;) {
    const page = await storage.scan(request);
    entries.push(...page.entries);
    request = { ...request, afterPath: page.entries.at(-1)?.path ?? request.afterPath };
    done = page.done;
  }
  return entries;
}

type ContractTest = (title: string, body: (opened: OpenedStorage) => Promise<void>) => void;

/** Contract 9: data that vanished is reported, to this instance and to the next, until a full resync. */
function describeVanishedData(test: ContractTest, how: string, vanish: (opened: OpenedStorage) => Promise<void>): void {
  test(`data ${how} behind it is reported, never served: every call refuses, the cursor is gone, also after a reopen`, async (opened) => {
    const { storage } = opened;
    await storage.apply([set('a', '1'), set('b/c', '2')], cursor(1));
    await vanish(opened);
    await expect(storage.apply([set('d', '3')], cursor(2))).rejects.toThrow(StorageLostError);
    await expect(storage.read('a')).rejects.toThrow(/lost the data/);
    await expect(storage.exists('b/c')).rejects.toThrow(StorageLostError);
    await expect(storage.list()).rejects.toThrow(StorageLostError);
    await expect(storage.scan(WHOLE_PAGE)).rejects.toThrow(StorageLostError);
    expect(await storage.loadCursor()).toBeNull();
    const reopened = await opened.reopen?.();
    if (reopened === undefined) return;
    await expect(reopened.read('d')).rejects.toThrow(StorageLostError);
    expect(await reopened.loadCursor()).toBeNull();
  });

  test(`data ${how} behind it comes back through a full resync, and only then`, async (opened) => {
    const { storage } = opened;
    await storage.apply([set('a', '1')], cursor(1));
    await vanish(opened);
    await expect(storage.apply([set('b', '2')], cursor(2))).rejects.toThrow(StorageLostError);
    await storage.stageBegin();
    await storage.stageApply([set('x', 'snap'), set('y', 'snap')]);
    await expect(storage.read('x')).rejects.toThrow(StorageLostError);
    await storage.stageCommit(cursor(7));
    expect(await storage.list()).toEqual(['x', 'y']);
    expect(await storage.loadCursor()).toEqual(cursor(7));
    await storage.apply([del('y')], cursor(8));
    expect(await storage.list()).toEqual(['x']);
    const reopened = await opened.reopen?.();
    if (reopened !== undefined) expect(await reopened.loadCursor()).toEqual(cursor(8));
  });
}

/** Page by page from `first`: the backend's pages are the model's, within their limits, each entry once. */
async function expectPagesLikeModel(storage: StorageBackend, model: Keyspace, first: ScanRequest): Promise<void> {
  const seen: string[] = [];
  for (let request = first, done = false; !done;) {
    const page = await storage.scan(request);
    const want = model.scan(request);
    expect(page.entries.map(comparable)).toEqual(want.entries.map(comparable));
    expect(page.done).toBe(want.done);
    expect(page.entries.length).toBeGreaterThan(0);
    expect(page.entries.length).toBeLessThanOrEqual(request.entriesMax);
    const bytesOfPage = page.entries.reduce((total, entry) => total + operationWireBytesMax(entry), 0);
    if (page.entries.length > 1) expect(bytesOfPage).toBeLessThanOrEqual(request.bytesMax);
    seen.push(...page.entries.map((entry) => entry.path));
    request = { ...request, afterPath: seen.at(-1) ?? null };
    done = page.done;
  }
  const after = first.afterPath;
  const expected = [...model.paths()].filter((path) => after === null || path > after).sort(compareCodeUnits);
  expect(seen).toEqual(expected);
}

async function expectCommitted(storage: StorageBackend): Promise<void> {
  expect(await storage.list()).toEqual(['b', 'e']);
  expect(text((await storage.read('b'))?.value)).toBe('new');
  expect(await storage.exists('a')).toBe(false);
  expect(await storage.read('c/d')).toBeUndefined();
  expect(await storage.loadCursor()).toEqual(cursor(9));
}

/** A scan of one entry per page, resuming as the primary does (with the previous page's resumeId). */
class PagedScan {
  readonly paths: string[] = [];
  private request: ScanRequest = { afterPath: null, entriesMax: 1, bytesMax: 1 };
  private done = false;

  constructor(private readonly storage: StorageBackend) {}

  async next(): Promise<void> {
    const page = await this.storage.scan(this.request);
    this.paths.push(...page.entries.map((entry) => entry.path));
    this.request = { ...this.request, afterPath: this.paths.at(-1) ?? null, resumeId: page.resumeId };
    this.done = page.done;
  }

  async toEnd(): Promise<void> {
    while (!this.done) await this.next();
  }
}

/**
 * For the backends that take an `fsync` setting (filesystem, append-only file): what each value
 * promises, as apply and stageCommit report it. `openWith` opens a fresh, empty instance.
 */
export function describeDurabilityByFsync(openWith: (fsync: FsyncMode | boolean | undefined) => Promise<StorageBackend>): void {
  const cursorOld: Cursor = { replicationId: 'h', sequence: 1 };
  const cursorNew: Cursor = { replicationId: 'h', sequence: 2 };
  it.each([
    [undefined, true],
    ['batch', true],
    [true, true],
    ['always', true],
    ['never', false],
    [false, false],
  ] as const)('with fsync %j, apply and stageCommit resolve durable: %j', async (fsync, durable) => {
    const storage = await openWith(fsync);
    expect(await storage.apply([set('a/b', '1'), set('x', '1')], cursorOld)).toEqual({ durable });
    await storage.stageBegin();
    await storage.stageApply([set('c/d', '2'), set('e', '2')]);
    await storage.stageApply([del('e')]);
    expect(await storage.stageCommit(cursorNew)).toEqual({ durable });
    expect(await storage.list()).toEqual(['c/d']);
    expect(await storage.loadCursor()).toEqual(cursorNew);
    await storage.close();
  });
}
