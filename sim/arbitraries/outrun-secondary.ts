import fc from 'fast-check';
import { NO_FAULTS, SIM_LIMITS } from '../options.js';
import type { Scenario, Step } from '../scenario.js';

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
    .record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      secondaries: fc.integer({ min: 1, max: 2 }),
      writes: fc.integer(WRITES),
      gapMs: fc.integer(WRITE_GAP_MS),
      valueBytes: fc.integer({ min: 100, max: 800 }),
      latencyMeanMs: fc.integer(SLOW_DISK_LATENCY_MEAN_MS),
    })
    .map(({ seed, secondaries, writes, gapMs, valueBytes, latencyMeanMs }) => {
      const data = 'v'.repeat(valueBytes);
      const steps: Step[] = Array.from({ length: writes }, (_, index): Step[] => [
        { kind: 'write', call: { method: 'writeWithReplication', relativePath: `k${index}`, data } },
        { kind: 'runFor', ms: gapMs },
      ]).flat();
      const { network, storage, clocks } = NO_FAULTS;
      return {
        seed,
        secondaries,
        limits: { ...SIM_LIMITS, logBytesMax: 16 * 1024, replicaBacklogBytesMax: 32 * 1024 },
        faults: { network, storage, clocks, nodeFaults: { s1: { storage: { latencyMeanMs } } } },
        steps,
        fullResyncsMax: secondaries,
      };
    });
}
