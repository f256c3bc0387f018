import fc from 'fast-check';
import type { Scenario } from '../scenario.js';
import { slowSecondaryScenario, steadyWritesArb } from './steady-writes.js';

const WRITES = { min: 300, max: 800 };
const WRITE_GAP_MS = { min: 1, max: 2 };
/** Each apply of the slow secondary's disk: far slower than the writes come, never stalled for pacingStallMs. */
const SLOW_DISK_LATENCY_MEAN_MS = { min: 20, max: 80 };

/**
 * The outrun family: writes faster than one secondary's disk applies them, with a log and a
 * backlog a small part of what is written. Without write pacing the backlog bound cuts that
 * secondary off; its full resync's replay is cut off in turn while the writes go on, so it
 * resyncs again and again (`npm run bench -- --value-bytes 10240` found it: 2 to 7 full
 * resyncs in one burst). Liveness: every secondary's first full resync, and no other
 * (`fullResyncsMax`). The writes the primary holds back wait, in order, and are taken as that
 * secondary catches up, as the runtime's writers' do (Simulation.offerWrite).
 */
export function outrunSecondaryScenarioArb(): fc.Arbitrary<Scenario> {
  return fc
    .tuple(steadyWritesArb(WRITES, WRITE_GAP_MS), fc.integer(SLOW_DISK_LATENCY_MEAN_MS))
    .map(([load, latencyMeanMs]) => ({ ...slowSecondaryScenario(load, { latencyMeanMs }), fullResyncsMax: load.secondaries }));
}
