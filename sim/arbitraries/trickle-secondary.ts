import fc from 'fast-check';
import { SIM_TIMING } from '../options.js';
import type { Scenario } from '../scenario.js';
import { slowSecondaryScenario, steadyWritesArb } from './steady-writes.js';

const WRITES = { min: 300, max: 800 };
const WRITE_GAP_MS = { min: 1, max: 3 };
const PATHS = 500;
/** Each apply of the slow secondary's disk: it acknowledges a trickle, mostly within pacingStallMs (1 s), so that it keeps up. */
const SLOW_DISK_LATENCY_MEAN_MS = { min: 400, max: 900 };
/** Well under the disk's latency: the trickle's pace would hold the writers for longer between two applies. */
const PACING_LAG_MS_MAX = { min: 100, max: 300 };
/** How much longer than pacingLagMsMax writes may be held with none taken: the primary wakes when the bound passes, and takes them then. */
const HELD_WAIT_SLACK_MS = 100;

/**
 * The trickle family: one secondary acknowledges steadily but applies far slower than the writes
 * come, for many times pacingLagMsMax. Writes are held for it while it keeps up, but only until
 * what it needs is pacingLagMsMax old; then it is cut off and the writers go on (it resyncs, and
 * may be cut off again: no bound on full resyncs here). Liveness: the primary never holds writes
 * back for longer than the lag bound without taking one (`heldWritesStallMsMax`); a write at the
 * back of a long queue waits longer, as the queue drains. Without the bound, one peer that
 * acknowledges a trickle, a sick disk or a holder of the token doing it on purpose, holds every
 * writer to that trickle.
 */
export function trickleSecondaryScenarioArb(): fc.Arbitrary<Scenario> {
  return fc
    .tuple(steadyWritesArb(WRITES, WRITE_GAP_MS), fc.integer(SLOW_DISK_LATENCY_MEAN_MS), fc.integer(PACING_LAG_MS_MAX))
    .map(([load, latencyMeanMs, pacingLagMsMax]) => ({
      ...slowSecondaryScenario(load, { latencyMeanMs }, PATHS),
      timing: { ...SIM_TIMING, pacingLagMsMax },
      heldWritesStallMsMax: pacingLagMsMax + HELD_WAIT_SLACK_MS,
    }));
}
