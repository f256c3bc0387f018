/**
 * The simulator's speed against another checkout of it, on a machine too busy for wall time to mean
 * anything: each seed of the default swarm runs on this tree and on the other alternately, in one
 * process, and the CPU time of each side is summed. Prints the CPU per delivered segment of this
 * tree relative to the other, and whether every seed gave the same trace hash on both (an
 * optimisation must not change them). A benchmark to read, not a test.
 *
 *   git worktree add /tmp/nadb-before HEAD~1 && npm run bench:sim:pair -- /tmp/nadb-before [seeds]
 */
import { resolve } from 'node:path';

interface Side {
  readonly run: (seed: number) => { readonly traceHash: string; readonly stats: { readonly segmentsDelivered: number } };
  cpuMs: number;
  segments: number;
  readonly hashes: string[];
}

async function sideOf(root: string): Promise<Side> {
  const options = (await import(resolve(root, 'sim/options.ts'))) as typeof import('../sim/options.js');
  const run = (await import(resolve(root, 'sim/run.ts'))) as typeof import('../sim/run.js');
  return { run: (seed) => run.runSimulation(options.swarmOptions(seed)), cpuMs: 0, segments: 0, hashes: [] };
}

function runOn(side: Side, seed: number): void {
  const started = process.cpuUsage();
  const result = side.run(seed);
  const { user, system } = process.cpuUsage(started);
  side.cpuMs += (user + system) / 1_000;
  side.segments += result.stats.segmentsDelivered;
  side.hashes.push(result.traceHash);
}

/** Seeds each side runs before the counted ones. */
const WARM_UP_SEEDS = 5;

async function main(): Promise<void> {
  const [other, seedsText = '50'] = process.argv.slice(2);
  if (other === undefined) throw new Error('usage: npm run bench:sim:pair -- OTHER_CHECKOUT [seeds]');
  const seeds = Number(seedsText);
  const [here, there] = [await sideOf(resolve(import.meta.dirname, '..')), await sideOf(other)];
  // Each side warms up on the first seeds, not counted: the side that went first on seed 1 paid the
  // compiler's warm-up, which the ratios printed before 2026-12-07 counted. Alternating which side
  // goes first then spreads the machine's moods over both.
  for (let seed = 1; seed <= WARM_UP_SEEDS; seed += 1) for (const side of [there, here]) side.run(seed);
  for (let seed = 1; seed <= seeds; seed += 1) for (const side of seed % 2 === 0 ? [here, there] : [there, here]) runOn(side, seed);
  const perSegment = (side: Side): number => side.cpuMs / side.segments;
  console.log(`command:  npm run bench:sim:pair -- ${other} ${seeds} (seeds 1..${seeds}, default swarm, alternating, one process)`);
  console.log(`this:     ${(here.cpuMs / 1_000).toFixed(2)} s CPU, ${Math.round(here.segments / (here.cpuMs / 1_000))} segments per CPU second`);
  console.log(`other:    ${(there.cpuMs / 1_000).toFixed(2)} s CPU, ${Math.round(there.segments / (there.cpuMs / 1_000))} segments per CPU second`);
  console.log(`ratio:    ${(perSegment(here) / perSegment(there)).toFixed(3)} of the other's CPU per segment`);
  console.log(`traces:   ${here.hashes.join() === there.hashes.join() ? 'the same on every seed' : 'DIFFERENT'}`);
}

await main();
