import fc from 'fast-check';
import { operationWireBytesMax } from '../../src/core/codec/index.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { SIM_LIMITS, SIM_TIMING } from '../options.js';
import { LIVENESS_BOUND_MS, operationOfStep, type Scenario } from '../scenario.js';
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
/** Requests of the slow disk per snapshot budget's worth of entries: the one that drains it, then one with what arrived meanwhile. */
const REQUESTS_PER_BUDGET = 2;
/** For the disk's exponential tail and the resyncs cut off before the one that finishes. */
const RESYNC_MARGIN = 2;

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
    .map(([load, latencyMeanMs, pacingLagMsMax]) => {
      const scenario = slowSecondaryScenario(load, { latencyMeanMs }, PATHS);
      return {
        ...scenario,
        timing: { ...SIM_TIMING, pacingLagMsMax },
        heldWritesStallMsMax: pacingLagMsMax + HELD_WAIT_SLACK_MS,
        livenessBoundMs: LIVENESS_BOUND_MS + fullResyncMs(scenario, latencyMeanMs),
      };
    });
}

/**
 * What a full resync into the slow disk may take on top of the run's usual bound: s1 is cut off
 * by design, so it ends with one, and its disk takes in what the snapshot budget lets through,
 * REQUESTS_PER_BUDGET requests per budget's worth of the snapshot (the last write to each path,
 * sized as the primary sizes it). A draw of 481 writes of 661 B at 881 ms a request needed 65 s in
 * all, past the usual 60: no bug, the budget's pace (a CI run's property seed found it).
 */
function fullResyncMs(scenario: Scenario, latencyMeanMs: number): number {
  const snapshot = new Map<string, number>();
  for (const step of scenario.steps) {
    if (step.kind !== 'write') continue;
    const op = operationOfStep(step, 0);
    if (op.type === 'SET') snapshot.set(op.path, operationWireBytesMax(op));
  }
  const snapshotBytes = [...snapshot.values()].reduce((total, bytes) => total + bytes, 0);
  const { snapshotBudgetBytes } = { ...DEFAULT_LIMITS, ...(scenario.limits ?? SIM_LIMITS) };
  const budgets = Math.ceil(snapshotBytes / snapshotBudgetBytes);
  return RESYNC_MARGIN * budgets * REQUESTS_PER_BUDGET * latencyMeanMs;
}
