import fc from 'fast-check';
import { DEFAULT_TIMING } from '../../src/core/limits.js';
import { SIM_TIMING } from '../options.js';
import type { Scenario } from '../scenario.js';
import { slowSecondaryScenario, steadyWritesArb } from './steady-writes.js';

const WRITES = { min: 400, max: 1_000 };
const WRITE_GAP_MS = { min: 2, max: 5 };
const PATHS = 500;
/** How often one of the secondary's storage requests hangs, per thousand, and for how long: many times pacingStallMs. */
const HANG_PER_MILLE = { min: 20, max: 200 };
const HANG_MS = { min: 3_000, max: 6_000 };
/** Between hangs the disk is quick: writes are held back only while it hangs. */
const DISK_LATENCY_MEAN_MS = 2;
/** How much longer than pacingStallMs writes may be held with none taken: the primary wakes when the stall is due, and takes them then. */
const HELD_STALL_SLACK_MS = 250;
/** Longer than any hang: only the stall rule, not the closing of a link whose budget stays full, may let the writes go on. */
const BUDGET_TIMEOUT_MS = 20_000;

/**
 * The hung-disk family: one secondary's storage now and then hangs for seconds while its process
 * goes on (it reads its socket, answers heartbeats, which the simulator's timing sends more often
 * than pacingStallMs), and the writes go on with a log and backlog a small part of them. Writes
 * are held for that secondary while it keeps up, but once it has applied nothing for
 * pacingStallMs it is stalled: the writes go on without it and the backlog bound cuts it off.
 * Liveness: the primary never holds writes back for longer than the stall bound without taking
 * one (`heldWritesStallMsMax`).
 */
export function hungDiskScenarioArb(): fc.Arbitrary<Scenario> {
  return fc
    .tuple(steadyWritesArb(WRITES, WRITE_GAP_MS), fc.integer(HANG_PER_MILLE), fc.integer(HANG_MS))
    .map(([load, hangPerMille, hangMs]) => ({
      ...slowSecondaryScenario(load, { latencyMeanMs: DISK_LATENCY_MEAN_MS, stallProbability: hangPerMille / 1_000, stallMs: hangMs }, PATHS),
      timing: { ...SIM_TIMING, replicationTimeoutMs: BUDGET_TIMEOUT_MS },
      heldWritesStallMsMax: DEFAULT_TIMING.pacingStallMs + HELD_STALL_SLACK_MS,
    }));
}
