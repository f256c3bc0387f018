import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../../sim/run.js';
import type { SeedResult } from '../../../../sim/sweep/seed-result.js';
import { mergeSweepFiles, parseSweepFile, shardSeeds, SweepFileError, toSweepFile, type SweepFile } from '../../../../sim/sweep/sweep-file.js';

const FROM = 0xffff_fffe;
const COUNT = 7;

function result(seed: number): SeedResult {
  const verdict: Verdict = seed % 3 === 0 ? 'liveness' : 'pass';
  return {
    seed,
    verdict,
    message: verdict === 'pass' ? '' : `not converged (${seed})`,
    traceHash: (seed * 2_654_435_761).toString(16).padStart(16, '0').slice(-16),
    virtualMs: 1_000 + seed,
    segmentsDelivered: seed % 1_000,
    replay: `npx nadb-sim run --seed ${seed}`,
  };
}

function shardFile(index: number, total: number, overrides = {}): SweepFile {
  const shard = { index, total };
  return toSweepFile({ from: FROM, count: COUNT, shard, overrides }, shardSeeds(FROM, COUNT, shard).map(result));
}

const whole = (): SweepFile => shardFile(1, 1);
const names = (files: readonly SweepFile[]): string[] => files.map((file) => `shard-${file.shard.index}.json`);

describe('sweep files', () => {
  it('shard seeds wrap past 2^32 - 1 like the unsharded range', () => {
    expect(shardSeeds(FROM, COUNT, { index: 1, total: 1 })).toEqual([0xffff_fffe, 0xffff_ffff, 0, 1, 2, 3, 4]);
    expect(shardSeeds(FROM, COUNT, { index: 2, total: 2 })).toEqual([1, 2, 3, 4]);
  });

  it('read back what they wrote', () => {
    const file = shardFile(2, 3, { operations: 40, faults: ['network'] });
    expect(parseSweepFile(JSON.stringify(file), 'f.json')).toEqual(file);
  });

  it('merged shards, in any order, are the unsharded sweep', () => {
    for (const total of [1, 2, 3, 7]) {
      const shards = Array.from({ length: total }, (_, i) => shardFile(total - i, total));
      expect(mergeSweepFiles(shards, names(shards)), `${total} shards`).toEqual(whole());
    }
  });

  it('refuse shards that do not make one sweep, naming what is wrong', () => {
    const [a, b, c] = [shardFile(1, 3), shardFile(2, 3), shardFile(3, 3)];
    const refused: [SweepFile[], RegExp][] = [
      [[a, c], /shards 2\/3 are missing/],
      [[a, b, b, c], /shard 2\/3 is given twice/],
      [[a, b, shardFile(3, 3, { operations: 5 })], /another sweep/],
      [[a, shardFile(2, 2)], /another sweep/],
      [[], /no sweep files/],
    ];
    for (const [files, message] of refused) expect(() => mergeSweepFiles(files, names(files)), String(message)).toThrow(message);
  });

  it('refuse a file that is not one sweep file, or whose figures do not match its results', () => {
    const file = shardFile(2, 3);
    const edited = (change: (data: Record<string, unknown>) => void): string => {
      const data = JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
      change(data);
      return JSON.stringify(data);
    };
    const bad: [string, RegExp][] = [
      ['{', /f\.json is not JSON/],
      ['[]', /f\.json is not an object/],
      [edited((data) => (data.format = 'nadb-sim-sweep/0')), /format/],
      [edited((data) => (data.hash = '00000000')), /its hash 00000000 is not the hash of its results/],
      [edited((data) => (data.verdicts = { pass: 9, safety: 0, liveness: 0, crash: 0 })), /verdict counts/],
      [edited((data) => (data.results = (data.results as unknown[]).slice(1))), /not the seeds of shard 2\/3/],
      [edited((data) => (data.shard = { index: 4, total: 3 })), /shard 4\/3/],
      [edited((data) => ((data.results as Record<string, unknown>[])[0]!.verdict = 'fine')), /verdict "fine"/],
      [edited((data) => (data.overrides = { secondaries: null, operations: -1, faults: null })), /overrides\.operations/],
      [edited((data) => (data.overrides = { secondaries: null, operations: null, faults: ['floods'] })), /overrides\.faults/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseSweepFile(text, 'f.json'), String(message)).toThrow(SweepFileError);
      expect(() => parseSweepFile(text, 'f.json'), String(message)).toThrow(message);
    }
  });
});
