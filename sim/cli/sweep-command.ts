import { runSweep } from '../sweep/pool.js';
import type { SweepArgs } from './args.js';
import type { CliIo } from './io.js';
import { Progress } from './progress.js';
import { seedRange } from './seed.js';
import { formatSummary, formatThroughput } from './summary.js';

/** `nadb-sim sweep`: exit 0 when every seed passes, 1 otherwise. */
export async function sweepCommand(args: SweepArgs, io: CliIo): Promise<number> {
  const seeds = seedRange(args.from, args.count);
  const drawn = (value: number | undefined): string => (value === undefined ? 'from each seed' : String(value));
  io.out(`sweep     ${args.count} seeds from ${args.from}, ${args.workers} workers, secondaries ${drawn(args.secondaries)}, operations ${drawn(args.operations)}`);
  const progress = new Progress(io, seeds.length);
  const startedMs = io.nowMs();
  const overrides = { secondaries: args.secondaries, operations: args.operations, faults: args.faults };
  const results = await runSweep({ seeds, workers: args.workers, overrides }, (result) => progress.add(result));
  progress.finish();
  for (const line of formatSummary(results)) io.out(line);
  io.out(formatThroughput(results, io.nowMs() - startedMs));
  return results.every((result) => result.verdict === 'pass') ? 0 : 1;
}
