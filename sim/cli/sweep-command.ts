import { runSweep } from '../sweep/pool.js';
import { shardSeeds, toSweepFile } from '../sweep/sweep-file.js';
import type { SweepArgs } from './args.js';
import type { CliIo } from './io.js';
import { checkOutputPaths, writeOutput } from './outputs.js';
import { Progress } from './progress.js';
import { formatSummary, formatThroughput } from './summary.js';

/** `nadb-sim sweep`: exit 0 when every seed passes, 1 otherwise. */
export async function sweepCommand(args: SweepArgs, io: CliIo): Promise<number> {
  checkOutputPaths(io, { '--json': args.jsonPath });
  const seeds = shardSeeds(args.from, args.count, args.shard);
  const drawn = (value: number | undefined): string => (value === undefined ? 'from each seed' : String(value));
  const range = `${args.count} seeds from ${args.from}`;
  const what = args.shard.total === 1 ? range : `shard ${args.shard.index}/${args.shard.total} (${seeds.length} seeds from ${seeds[0] ?? args.from}) of ${range}`;
  io.out(`sweep     ${what}, ${args.workers} workers, secondaries ${drawn(args.secondaries)}, operations ${drawn(args.operations)}`);
  const progress = new Progress(io, seeds.length);
  const startedMs = io.nowMs();
  const overrides = { secondaries: args.secondaries, operations: args.operations, faults: args.faults };
  const results = await runSweep({ seeds, workers: args.workers, overrides }, (result) => progress.add(result));
  progress.finish();
  for (const line of formatSummary(results)) io.out(line);
  io.out(formatThroughput(results, io.nowMs() - startedMs));
  if (args.jsonPath !== undefined) {
    writeOutput(io, args.jsonPath, `${JSON.stringify(toSweepFile({ from: args.from, count: args.count, shard: args.shard, overrides }, results))}\n`);
  }
  return results.every((result) => result.verdict === 'pass') ? 0 : 1;
}
