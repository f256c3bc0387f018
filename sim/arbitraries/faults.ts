import fc from 'fast-check';
import type { ClockFaults, NetworkFaults, StorageFaults } from '../options.js';
import type { ScenarioFaults } from '../scenario.js';

/** Off (0) half the time, as in swarm testing, else 1 to `max`; shrinks to off. */
function sometimesUpTo(max: number): fc.Arbitrary<number> {
  return fc.option(fc.integer({ min: 1, max }), { nil: 0, freq: 2 });
}

/** A probability: off half the time, else up to `maxPerMille` thousandths. */
function sometimes(maxPerMille: number): fc.Arbitrary<number> {
  return sometimesUpTo(maxPerMille).map((perMille) => perMille / 1_000);
}

export const networkFaultsArb: fc.Arbitrary<NetworkFaults> = fc.record({
  delayMinMs: fc.integer({ min: 1, max: 5 }),
  delayJitterMeanMs: sometimesUpTo(30),
  dropProbability: sometimes(100),
  duplicateProbability: sometimes(100),
  reorderProbability: sometimes(50),
  corruptProbability: sometimes(50),
  rechunkProbability: sometimes(500),
  resetProbability: sometimes(10),
});

export const storageFaultsArb: fc.Arbitrary<StorageFaults> = fc.record({
  latencyMeanMs: fc.integer({ min: 1, max: 10 }),
  durability: fc.constantFrom('immediate', 'lazy'),
  syncIntervalMs: fc.integer({ min: 50, max: 500 }),
  failProbability: sometimes(50),
  stallProbability: sometimes(10),
  stallMs: fc.integer({ min: 1, max: 20 }).map((halfSeconds) => halfSeconds * 500),
});

export const clockFaultsArb: fc.Arbitrary<ClockFaults> = fc.record({
  offsetMaxMs: sometimesUpTo(5_000),
  driftMaxPpm: sometimesUpTo(1_000),
});

/** The probabilistic faults of a scenario, each kind on or off and of some strength. */
export const scenarioFaultsArb: fc.Arbitrary<ScenarioFaults> = fc.record({
  network: networkFaultsArb,
  storage: storageFaultsArb,
  clocks: clockFaultsArb,
});
