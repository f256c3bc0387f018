/**
 * The simulator's speed on the default swarm, in one thread: delivered segments per second of wall
 * time, simulated time per wall-clock time, and seeds per minute. A benchmark to read, not a test:
 * nothing here passes or fails.
 *
 *   npm run bench:sim
 */
import { cpus } from 'node:os';
import { swarmOptions } from '../sim/options.js';
import { runSimulation } from '../sim/run.js';

const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

function main(): void {
  const totals = { virtualMs: 0, segments: 0, steps: 0, failed: 0 };
  const startedMs = performance.now();
  const startedCpu = process.cpuUsage();
  for (const seed of SEEDS) {
    const result = runSimulation(swarmOptions(seed));
    totals.virtualMs += result.stats.virtualMs;
    totals.segments += result.stats.segmentsDelivered;
    totals.steps += result.stats.steps;
    if (result.verdict !== 'pass') totals.failed += 1;
  }
  const wallMs = performance.now() - startedMs;
  const cpuMs = cpuMsSince(startedCpu);
  const cpu = cpus();
  console.log(`command:  npm run bench:sim (seeds ${SEEDS[0]}..${SEEDS.at(-1)}, default swarm, one thread)`);
  console.log(`machine:  ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}`);
  console.log(`wall:     ${(wallMs / 1_000).toFixed(2)} s for ${SEEDS.length} seeds (${totals.failed} not passing), ${(totals.virtualMs / 1_000).toFixed(1)} s simulated`);
  console.log(`segments: ${Math.round((totals.segments * 1_000) / wallMs)} delivered per second (${totals.segments} in all)`);
  console.log(`cpu:      ${(cpuMs / 1_000).toFixed(2)} s user+system, ${Math.round((totals.segments * 1_000) / cpuMs)} segments per CPU second (steadier than wall time on a busy machine)`);
  console.log(`steps:    ${Math.round((totals.steps * 1_000) / wallMs)} per second`);
  console.log(`speed:    ${(totals.virtualMs / wallMs).toFixed(1)}x real time`);
  console.log(`seeds:    ${((SEEDS.length * 60_000) / wallMs).toFixed(1)} per minute`);
}

function cpuMsSince(started: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1_000;
}

main();
