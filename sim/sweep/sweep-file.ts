import { FAULT_KINDS, type FaultKind } from '../fault-kinds.js';
import type { SwarmOverrides } from '../options.js';
import type { Verdict } from '../run.js';
import type { SeedResult } from './seed-result.js';
import { assertShard, shardSlice, WHOLE_RANGE, type Shard } from './shard.js';
import { sweepHash } from './sweep-hash.js';

export const SWEEP_FILE_FORMAT = 'nadb-sim-sweep/1';
const VERDICTS: readonly Verdict[] = ['pass', 'safety', 'liveness', 'crash'];
const SEED_MAX = 0xffff_ffff;

/**
 * A sweep's summary as data (`nadb-sim sweep --json FILE`): the whole range it is a shard of, the
 * overrides every run took, and each of its seeds' results in seed order, so that shards can be
 * merged into exactly what one sweep of the range reports. `hash` and `verdicts` repeat what the
 * results give, for readers of one file; reading a file checks that they agree.
 */
export interface SweepFile {
  readonly format: typeof SWEEP_FILE_FORMAT;
  readonly from: number;
  readonly count: number;
  readonly shard: Shard;
  readonly overrides: FileOverrides;
  readonly hash: string;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  readonly results: readonly SeedResult[];
}

/** Overrides with absent ones as null, so that two files' overrides compare as JSON. */
export interface FileOverrides {
  readonly secondaries: number | null;
  readonly operations: number | null;
  readonly faults: readonly FaultKind[] | null;
}

/** A sweep file that is not one, or shards that do not make one sweep: the message says which. */
export class SweepFileError extends Error {
  override readonly name = 'SweepFileError';
}

export interface SweepRange {
  readonly from: number;
  readonly count: number;
  readonly shard: Shard;
  readonly overrides: SwarmOverrides;
}

export function toSweepFile(range: SweepRange, results: readonly SeedResult[]): SweepFile {
  const file: SweepFile = {
    format: SWEEP_FILE_FORMAT,
    from: range.from,
    count: range.count,
    shard: range.shard,
    overrides: { secondaries: range.overrides.secondaries ?? null, operations: range.overrides.operations ?? null, faults: range.overrides.faults ?? null },
    hash: sweepHash(results),
    verdicts: countVerdicts(results),
    results,
  };
  assertConsistent(file, 'the sweep');
  return file;
}

/** The seeds a shard of a range runs: consecutive from the range's start, wrapping past 2^32 − 1. */
export function shardSeeds(from: number, count: number, shard: Shard): number[] {
  const slice = shardSlice(count, shard);
  return Array.from({ length: slice.count }, (_, i) => (from + slice.offset + i) % (SEED_MAX + 1));
}

/** Reads one sweep file, checking its shape and that its results are the seeds it claims. */
export function parseSweepFile(text: string, name: string): SweepFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SweepFileError(`${name} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const file = readFile(data, name);
  assertConsistent(file, name);
  return file;
}

/**
 * The sweep of the whole range that the shards are slices of: every shard 1/N to N/N of the same
 * range and overrides, each exactly once. The result is what one sweep of the range gives.
 */
export function mergeSweepFiles(files: readonly SweepFile[], names: readonly string[]): SweepFile {
  const first = files[0];
  if (first === undefined) throw new SweepFileError('no sweep files to merge');
  const key = (file: SweepFile): string => JSON.stringify([file.from, file.count, file.shard.total, file.overrides]);
  files.forEach((file, i) => {
    if (key(file) !== key(first)) throw new SweepFileError(`${names[i] ?? '?'} is a shard of another sweep than ${names[0] ?? '?'} (range, shard count or overrides differ)`);
  });
  const byIndex = new Map<number, SweepFile>();
  files.forEach((file, i) => {
    if (byIndex.has(file.shard.index)) throw new SweepFileError(`shard ${file.shard.index}/${file.shard.total} is given twice (${names[i] ?? '?'})`);
    byIndex.set(file.shard.index, file);
  });
  const indexes = Array.from({ length: first.shard.total }, (_, i) => i + 1);
  const missing = indexes.filter((index) => !byIndex.has(index));
  if (missing.length > 0) throw new SweepFileError(`shards ${missing.map((index) => `${index}/${first.shard.total}`).join(', ')} are missing`);
  const results = indexes.flatMap((index) => byIndex.get(index)?.results ?? []);
  return toSweepFile({ from: first.from, count: first.count, shard: WHOLE_RANGE, overrides: fromFileOverrides(first.overrides) }, results);
}

export function fromFileOverrides(overrides: FileOverrides): SwarmOverrides {
  return { secondaries: overrides.secondaries ?? undefined, operations: overrides.operations ?? undefined, faults: overrides.faults === null ? undefined : [...overrides.faults] };
}

function countVerdicts(results: readonly SeedResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, safety: 0, liveness: 0, crash: 0 };
  for (const result of results) counts[result.verdict] += 1;
  return counts;
}

function assertConsistent(file: SweepFile, name: string): void {
  const expected = shardSeeds(file.from, file.count, file.shard);
  const seeds = file.results.map((result) => result.seed);
  if (seeds.length !== expected.length || seeds.some((seed, i) => seed !== expected[i])) {
    throw new SweepFileError(`${name}: its results are not the seeds of shard ${file.shard.index}/${file.shard.total} of ${file.count} from ${file.from}`);
  }
  if (file.hash !== sweepHash(file.results)) throw new SweepFileError(`${name}: its hash ${file.hash} is not the hash of its results`);
  const counts = countVerdicts(file.results);
  if (VERDICTS.some((verdict) => counts[verdict] !== file.verdicts[verdict])) throw new SweepFileError(`${name}: its verdict counts are not those of its results`);
}

type Fields = Record<string, unknown>;

function readFile(data: unknown, name: string): SweepFile {
  const top = record(data, name);
  if (top.format !== SWEEP_FILE_FORMAT) throw new SweepFileError(`${name}: format is ${JSON.stringify(top.format)}, not "${SWEEP_FILE_FORMAT}"`);
  const shardFields = record(top.shard, `${name}: shard`);
  const shard = { index: whole(shardFields.index, `${name}: shard.index`), total: whole(shardFields.total, `${name}: shard.total`) };
  guard(() => assertShard(shard), name);
  const verdictFields = record(top.verdicts, `${name}: verdicts`);
  const results = top.results;
  if (!Array.isArray(results)) throw new SweepFileError(`${name}: results is not a list`);
  return {
    format: SWEEP_FILE_FORMAT,
    from: whole(top.from, `${name}: from`),
    count: whole(top.count, `${name}: count`),
    shard,
    overrides: readOverrides(record(top.overrides, `${name}: overrides`), name),
    hash: text(top.hash, `${name}: hash`),
    verdicts: { pass: whole(verdictFields.pass, `${name}: verdicts.pass`), safety: whole(verdictFields.safety, `${name}: verdicts.safety`), liveness: whole(verdictFields.liveness, `${name}: verdicts.liveness`), crash: whole(verdictFields.crash, `${name}: verdicts.crash`) },
    results: results.map((result, i) => readResult(record(result, `${name}: results[${i}]`), `${name}: results[${i}]`)),
  };
}

function readOverrides(fields: Fields, name: string): FileOverrides {
  const optionalWhole = (value: unknown, field: string): number | null => (value === null ? null : whole(value, `${name}: overrides.${field}`));
  const faults = fields.faults;
  const isKind = (kind: unknown): kind is FaultKind => (FAULT_KINDS as readonly unknown[]).includes(kind);
  if (faults !== null && !(Array.isArray(faults) && faults.every(isKind))) throw new SweepFileError(`${name}: overrides.faults is not null or a list of ${FAULT_KINDS.join(', ')}`);
  return {
    secondaries: optionalWhole(fields.secondaries, 'secondaries'),
    operations: optionalWhole(fields.operations, 'operations'),
    faults: faults === null ? null : [...(faults as FaultKind[])],
  };
}

function readResult(fields: Fields, name: string): SeedResult {
  const verdict = fields.verdict;
  if (!VERDICTS.includes(verdict as Verdict)) throw new SweepFileError(`${name}: verdict ${JSON.stringify(verdict)} is not one of ${VERDICTS.join(', ')}`);
  return {
    seed: whole(fields.seed, `${name}.seed`),
    verdict: verdict as Verdict,
    message: text(fields.message, `${name}.message`),
    traceHash: text(fields.traceHash, `${name}.traceHash`),
    virtualMs: amount(fields.virtualMs, `${name}.virtualMs`),
    segmentsDelivered: whole(fields.segmentsDelivered, `${name}.segmentsDelivered`),
    replay: text(fields.replay, `${name}.replay`),
  };
}

function record(value: unknown, name: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SweepFileError(`${name} is not an object`);
  return value as Fields;
}

function whole(value: unknown, name: string): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) throw new SweepFileError(`${name} is not a whole number`);
  return value;
}

function amount(value: unknown, name: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw new SweepFileError(`${name} is not a number of 0 or more`);
  return value;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new SweepFileError(`${name} is not a string`);
  return value;
}

function guard<T>(read: () => T, name: string): T {
  try {
    return read();
  } catch (error) {
    throw new SweepFileError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
