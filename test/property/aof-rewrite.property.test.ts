/**
 * A background rewrite reads the live keyspace as it goes, without a copy (BackgroundRewrite):
 * whatever operations are applied between its steps, the file it writes, its snapshot then the
 * records kept since its start, replays to what the live keyspace holds at its end. Each write of
 * the rewrite waits here until the case lets it go, so the case decides exactly which operations
 * come before which of its reads: records of two entries, and a catch-up from the first byte kept.
 * The same holding shows that a rewrite stopped during its catch-up writes nothing more.
 *
 * The seed is the commit's (test/support/property-seed.ts): replay a failure with the
 * NADB_PROPERTY_SEED it printed. More runs: NADB_AOF_REWRITE_RUNS=2000.
 */
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { COMPACT_VALUE_BYTES_MAX } from '../../src/core/limits.js';
import { Keyspace } from '../../src/core/keyspace.js';
import type { Operation } from '../../src/core/operation.js';
import type { Cursor } from '../../src/core/storage-request.js';
import { replay } from '../../src/storage/append-only/append-file.js';
import { encodeRecord } from '../../src/storage/append-only/record.js';
import { BackgroundRewrite } from '../../src/storage/append-only/rewrite.js';
import { propertySeed } from '../support/property-seed.js';

const RUNS = Number(process.env.NADB_AOF_REWRITE_RUNS ?? 150);

const held = vi.hoisted(() => [] as (() => void)[]);

vi.mock('../../src/storage/append-only/limits.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/storage/append-only/limits.js')>()),
  REWRITE_ENTRIES_PER_RECORD: 2,
  REWRITE_CATCH_UP_BYTES_MIN: 1,
}));

vi.mock('../../src/storage/fd-calls.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/storage/fd-calls.js')>();
  const writevFd = async (...args: Parameters<typeof real.writevFd>): ReturnType<typeof real.writevFd> => {
    await new Promise<void>((resolve) => held.push(resolve));
    return real.writevFd(...args);
  };
  return { ...real, writevFd };
});

const pathArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const dbArb = fc.constantFrom('main', 'other');
const namespaceArb = fc.constantFrom('n', 'm');
const tagsArb = fc.subarray(['t1', 't2']);
const expiryArb = fc.option(fc.integer({ min: 1, max: 1_000 }), { nil: null });
/** Small values live in the keyspace's arena, large ones as arrays of their own: both are read. */
const valueArb = fc.oneof(fc.uint8Array({ maxLength: 6 }), fc.integer({ min: 0, max: 255 }).map((byte) => new Uint8Array(COMPACT_VALUE_BYTES_MAX + 1).fill(byte)));

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ path: pathArb, sameKey: fc.boolean(), db: dbArb, namespace: namespaceArb, tags: tagsArb, expiresAtMs: expiryArb, value: valueArb })
    .map(({ path, sameKey, ...rest }): Operation => ({ type: 'SET', path, key: sameKey ? path : `key-${path}`, ...rest })) },
  { weight: 2, arbitrary: pathArb.map((path): Operation => ({ type: 'DELETE', path })) },
  { weight: 1, arbitrary: fc.record({ path: pathArb, expiresAtMs: expiryArb }).map((fields): Operation => ({ type: 'SET_TTL', ...fields })) },
  { weight: 1, arbitrary: fc.record({ path: pathArb, tags: tagsArb }).map((fields): Operation => ({ type: 'METADATA', ...fields })) },
  { weight: 1, arbitrary: fc.record({ db: fc.option(dbArb, { nil: null }), namespace: fc.option(namespaceArb, { nil: null }) }).map((fields): Operation => ({ type: 'FLUSH', ...fields })) },
);

/** What happens once the rewrite started: an operation applied, or one of the rewrite's writes let go. */
type Step = { readonly kind: 'apply'; readonly op: Operation } | { readonly kind: 'write' };

const caseArb = fc.record({
  before: fc.array(operationArb, { maxLength: 12 }),
  steps: fc.array(fc.oneof(operationArb.map((op): Step => ({ kind: 'apply', op })), fc.constant<Step>({ kind: 'write' })), { maxLength: 30 }),
});

const CURSOR: Cursor = { replicationId: 'h', sequence: 7 };

/** Lets one held write go, then waits until the rewrite holds its next one or has nothing left to write. */
async function letOneWriteGo(finished: () => boolean): Promise<void> {
  held.shift()?.();
  while (held.length === 0 && !finished()) await nextTurn();
}

/** The entries as comparable rows, in path order. */
function rowsOf(keyspace: Keyspace): unknown[] {
  return [...keyspace.values()]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((entry) => ({ ...entry, value: Buffer.from(entry.value).toString('hex') }));
}

const root = mkdtemp(join(tmpdir(), 'nadb-aof-rewrite-'));
afterAll(async () => rm(await root, { recursive: true, force: true }));
let files = 0;

async function check(before: readonly Operation[], steps: readonly Step[]): Promise<void> {
  const live = new Keyspace();
  for (const op of before) live.apply(op);
  const temp = join(await root, `rewrite-${++files}`);
  const rewrite = new BackgroundRewrite(temp, live, CURSOR, false);
  let written = false;
  void rewrite.snapshotWritten.then(() => {
    written = true;
  });
  while (held.length === 0 && !written) await nextTurn();
  for (const step of steps) {
    if (step.kind === 'write') {
      await letOneWriteGo(() => written);
      continue;
    }
    // As AppendOnlyStorage does: the operation in the keyspace, then its record kept.
    live.apply(step.op);
    rewrite.keep(encodeRecord({ operations: [step.op], cursor: null }));
  }
  while (!written) await letOneWriteGo(() => written);
  let completed = false;
  const completing = rewrite.complete().finally(() => {
    completed = true;
  });
  while (!completed) await letOneWriteGo(() => completed);
  await completing;
  expect(rewrite.abandoned).toBeUndefined();

  const replayed = new Keyspace();
  const cursors: (Cursor | null)[] = [];
  // A replay writes nothing, so no write is held for it.
  await replay(temp, (record) => {
    for (const op of record.operations) replayed.apply(op);
    cursors.push(record.cursor);
  }, false);
  expect(rowsOf(replayed)).toEqual(rowsOf(live));
  expect(cursors.filter((cursor) => cursor !== null)).toEqual([CURSOR]);
}

describe('append-only rewrite of a keyspace that changes under it', () => {
  it('replays to the live keyspace, whichever operations come between its reads', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async ({ before, steps }) => check(before, steps)), { numRuns: RUNS, seed: propertySeed() });
  });

  it('writes nothing more once stopped in the middle of its catch-up, so a close does not wait for the rest', async () => {
    const temp = join(await root, `stopped-${++files}`);
    const rewrite = new BackgroundRewrite(temp, new Keyspace(), CURSOR, false);
    const record = encodeRecord({ operations: [{ type: 'DELETE', path: 'a' }], cursor: null });
    for (let index = 0; index < 3; index += 1) rewrite.keep(record);
    let written = false;
    void rewrite.snapshotWritten.then(() => {
      written = true;
    });
    // The magic, the snapshot's one record (the cursor), then the first kept record: held.
    for (let writes = 0; writes < 3; writes += 1) await letOneWriteGo(() => written);
    rewrite.abandon('the storage is closing', false);
    await letOneWriteGo(() => written);
    const writesAfterStop = held.length;
    while (!written) await letOneWriteGo(() => written);
    expect(writesAfterStop).toBe(0);
    await rewrite.discard();
  });
});
