/**
 * Damage to an append-only file never loses an acknowledged record in silence: applies go through
 * AppendOnlyStorage, one record of the file is damaged (test/support/file-damage.ts: a byte, a
 * run of zeros, its length field, or a tear of the last), and the next open refuses with the
 * damaged record's offset when the damage is before the last record or in the last one's marker
 * or length. Otherwise (the last record's CRC or payload: a torn append looks so) it cuts exactly
 * that record and keeps every one before it. A tear is always cut, never refused.
 *
 * The seed is the commit's (test/support/property-seed.ts): replay a failure with the
 * NADB_PROPERTY_SEED it printed. More runs: NADB_AOF_DAMAGE_RUNS=2000.
 */
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../src/core/errors.js';
import type { Operation } from '../../src/core/operation.js';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import { MAGIC } from '../../src/storage/append-only/append-file.js';
import { encodeRecord } from '../../src/storage/append-only/record.js';
import { RECORD_MARKER } from '../../src/storage/record-frame.js';
import { damageArb, damaged, type Damage, type RecordPlace } from '../support/file-damage.js';
import { propertySeed } from '../support/property-seed.js';

const RUNS = Number(process.env.NADB_AOF_DAMAGE_RUNS ?? 200);

/** Values with record markers in them, whole and cut, so that the search for a good record meets them. */
const valueArb = fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(RECORD_MARKER), fc.constant(RECORD_MARKER.subarray(0, 3))), { maxLength: 6 })
  .map((parts) => new Uint8Array(Buffer.concat(parts)));

const batchArb: fc.Arbitrary<Operation[]> = fc.array(
  fc.record({ path: fc.constantFrom('a', 'b', 'c/d'), value: valueArb }).map(({ path, value }): Operation => ({ type: 'SET', path, key: path, db: 'd', namespace: 'n', tags: [], expiresAtMs: null, value })),
  { minLength: 1, maxLength: 3 },
);

const caseArb = fc.array(batchArb, { minLength: 1, maxLength: 6 }).chain((batches) => fc.tuple(fc.constant(batches), damageArb(batches.length)));

const root = mkdtemp(join(tmpdir(), 'nadb-aof-damage-'));
afterAll(async () => rm(await root, { recursive: true, force: true }));
let dirs = 0;

/** Applies each batch as one record (cursor: its index + 1) and returns where each record is. */
async function written(basePath: string, batches: readonly Operation[][]): Promise<RecordPlace[]> {
  const storage = await AppendOnlyStorage.open({ basePath, fsync: false });
  const places: RecordPlace[] = [];
  let offset = MAGIC.length;
  for (const [index, operations] of batches.entries()) {
    const cursor = { replicationId: 'h', sequence: index + 1 };
    await storage.apply(operations, cursor);
    const bytes = Buffer.concat(encodeRecord({ operations, cursor })).length;
    places.push({ offset, bytes, lengthAt: offset + RECORD_MARKER.length });
    offset += bytes;
  }
  await storage.close();
  return places;
}

/** The state after the first `count` batches, as the storage lists and reads it. */
async function stateOf(storage: AppendOnlyStorage): Promise<unknown> {
  const paths = await storage.list();
  const values = await Promise.all(paths.map(async (path) => Buffer.from((await storage.read(path))?.value ?? []).toString('hex')));
  return { paths, values, cursor: await storage.loadCursor() };
}

async function expectedAfter(batches: readonly Operation[][], count: number): Promise<unknown> {
  const basePath = join(await root, `expected-${++dirs}`);
  await written(basePath, batches.slice(0, count));
  const storage = await AppendOnlyStorage.open({ basePath, fsync: false });
  const state = await stateOf(storage);
  await storage.close();
  return state;
}

async function check(batches: readonly Operation[][], damage: Damage): Promise<void> {
  const basePath = join(await root, String(++dirs));
  const places = await written(basePath, batches);
  const file = join(basePath, 'appendonly.nadb');
  const { bytes, record, from } = damaged(await readFile(file), places, damage);
  await writeFile(file, bytes);
  const place = places[record] as RecordPlace;
  const refused = record < places.length - 1 || (damage.kind !== 'tear' && from < place.lengthAt + 4);
  const opening = AppendOnlyStorage.open({ basePath, fsync: false });
  if (refused) {
    await expect(opening).rejects.toThrow(StorageFailedError);
    await expect(opening).rejects.toThrow(`corrupt record in ${file} at byte ${place.offset} (`);
    return;
  }
  const storage = await opening;
  try {
    expect(storage.cutBytesAtOpen).toBe(bytes.length - place.offset);
    expect(await stateOf(storage)).toEqual(await expectedAfter(batches, record));
  } finally {
    await storage.close();
  }
}

describe('append-only file damage', () => {
  it('is refused at the damaged record, or (the last record\'s CRC or payload, a tear) cut alone; never an acknowledged record lost in silence', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async ([batches, damage]) => check(batches, damage)), { numRuns: RUNS, seed: propertySeed() });
  });
});
