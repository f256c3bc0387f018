import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../sim/cli/summary.js';
import { swarmOptions } from '../../../sim/options.js';
import { runSimulation } from '../../../sim/run.js';
import { runSweep } from '../../../sim/sweep/pool.js';
import { toSeedResult, type SeedResult } from '../../../sim/sweep/seed-result.js';

const SEEDS = [11, 12, 13, 14, 15];
const OVERRIDES = { operations: 60 };

describe('sweep', () => {
  it('two worker threads find what one thread finds, in seed order', async () => {
    const reported: number[] = [];
    const parallel = await runSweep({ seeds: SEEDS, workers: 2, overrides: OVERRIDES }, (result) => reported.push(result.seed));
    const sequential = SEEDS.map((seed) => toSeedResult(runSimulation(swarmOptions(seed, OVERRIDES))));
    expect(parallel.map((result) => result.seed)).toEqual(SEEDS);
    expect([...reported].sort()).toEqual(SEEDS);
    expect(formatSummary(parallel)).toEqual(formatSummary(sequential));
    expect(parallel).toEqual(sequential);
  });

  it('the summary lists each failing seed with its replay command', () => {
    const result = (seed: number, verdict: SeedResult['verdict']): SeedResult => ({
      seed,
      verdict,
      message: verdict === 'pass' ? '' : `${verdict} at ${seed}`,
      traceHash: '0123456789abcdef',
      virtualMs: 1_000,
      segmentsDelivered: 10,
      replay: `npx nadb-sim run --seed ${seed} --secondaries 1 --ops 5`,
    });
    const lines = formatSummary([result(1, 'pass'), result(2, 'liveness'), result(3, 'pass'), result(4, 'crash')]);
    expect(lines[0]).toBe('verdicts  pass 2  safety 0  liveness 1  crash 1');
    expect(lines.slice(3)).toEqual([
      'failed    2 of 4 seeds:',
      '  seed 2  liveness: liveness at 2',
      '    npx nadb-sim run --seed 2 --secondaries 1 --ops 5',
      '  seed 4  crash: crash at 4',
      '    npx nadb-sim run --seed 4 --secondaries 1 --ops 5',
    ]);
  });
});
