import { assert, describe, expect, it } from 'vitest';
import { swarmOptions } from '../../sim/options.js';
import { replayCommand, runSimulation } from '../../sim/run.js';

/**
 * Seeds whose swarms turn on faults of both kinds: at least two of the network's (drop, duplicate,
 * reorder, corrupt, reset) and scheduled crashes or partitions, so that the faults' own randomness
 * is part of what must repeat. Chosen from the options, so that they follow the swarm as it changes.
 */
function faultySeeds(count: number): number[] {
  const seeds: number[] = [];
  for (let seed = 1; seeds.length < count; seed += 1) {
    const { network, scheduled } = swarmOptions(seed).faults;
    const networkFaults = [network.dropProbability, network.duplicateProbability, network.reorderProbability, network.corruptProbability, network.resetProbability].filter((p) => p > 0);
    if (networkFaults.length >= 2 && scheduled.crashesPerMinute + scheduled.partitionsPerMinute > 0) seeds.push(seed);
  }
  return seeds;
}

const SEEDS = faultySeeds(4);

describe('determinism self-check', () => {
  const hashes = SEEDS.map((seed) => {
    const first = runSimulation(swarmOptions(seed));
    const second = runSimulation(swarmOptions(seed));
    return { seed, first, second };
  });

  it('runs scheduled faults in the chosen seeds', () => {
    expect(hashes.reduce((sum, { first }) => sum + first.stats.faultsInjected, 0)).toBeGreaterThan(0);
  });

  it('the same seed twice gives the same trace hash and the same verdict', () => {
    for (const { seed, first, second } of hashes) {
      expect(second.traceHash, `seed ${seed}`).toBe(first.traceHash);
      expect(second.verdict).toBe(first.verdict);
      expect(second.stats).toEqual(first.stats);
    }
  });

  it('different seeds give different hashes', () => {
    expect(new Set(hashes.map(({ first }) => first.traceHash)).size).toBe(SEEDS.length);
  });

  it('keeping the trace for a replay does not change the hash', () => {
    const { seed, first } = hashes[0] ?? assert.fail('no seeds');
    const kept = runSimulation(swarmOptions(seed), { traceEventsMax: 2_000_000 });
    expect(kept.traceHash).toBe(first.traceHash);
    expect(kept.sim.trace.events).toHaveLength(kept.stats.traceEvents);
  });

  it('the replay line a seed prints gives that very run: naming the drawn values moves no draw', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const drawn = swarmOptions(seed);
      const line = replayCommand(drawn);
      const secondaries = Number(/--secondaries (\d+)/.exec(line)?.[1]);
      const operations = Number(/--ops (\d+)/.exec(line)?.[1]);
      expect(swarmOptions(seed, { secondaries, operations }), line).toEqual(drawn);
    }
  });
});
