import fc from 'fast-check';
import { NO_FAULTS, SIM_LIMITS } from '../options.js';
import type { Scenario, Step } from '../scenario.js';

/** Keys on the primary before the burst: enough that a snapshot outlasts a small log. */
const KEYS = { min: 400, max: 1_000 };
const BURST_WRITES = { min: 80, max: 300 };
/** Writes after the secondary is back, one every `gapMs`: far below the link's speed. */
const STEADY_WRITES = { min: 300, max: 600 };
const STEADY_GAP_MS = { min: 1, max: 3 };

/**
 * The resync-loop family: a primary with many keys and a small log, one secondary down during a
 * burst (so it needs a full resync), back while the writes go on below the link's speed. Its
 * snapshot outlasts the log's plain bounds; without the log keeping what the snapshot needs,
 * the secondary overruns the log after each snapshot and resyncs again, for as long as the
 * writes go on. Liveness: every secondary's first full resync, plus one for the one that was
 * down, and no more (`fullResyncsMax`).
 */
export function burstResyncScenarioArb(): fc.Arbitrary<Scenario> {
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      secondaries: fc.integer({ min: 1, max: 2 }),
      keys: fc.integer(KEYS),
      burst: fc.integer(BURST_WRITES),
      steady: fc.integer(STEADY_WRITES),
      gapMs: fc.integer(STEADY_GAP_MS),
      valueBytes: fc.integer({ min: 16, max: 200 }),
      delayMinMs: fc.integer({ min: 1, max: 10 }),
    })
    .map(({ seed, secondaries, keys, burst, steady, gapMs, valueBytes, delayMinMs }) => {
      const data = 'v'.repeat(valueBytes);
      const writes = (count: number, gap: number): Step[] =>
        Array.from({ length: count }, (_, index): Step[] => [
          { kind: 'write', call: { method: 'writeWithReplication', relativePath: `k${index % keys}`, data } },
          { kind: 'runFor', ms: gap },
        ]).flat();
      const steps: Step[] = [
        ...writes(keys, 1),
        { kind: 'runFor', ms: 1_000 },
        { kind: 'crash', node: 's1' },
        ...writes(burst, 1),
        { kind: 'restart', node: 's1' },
        ...writes(steady, gapMs),
      ];
      const { network, storage, clocks } = NO_FAULTS;
      return { seed, secondaries, limits: SIM_LIMITS, faults: { network: { ...network, delayMinMs }, storage, clocks }, steps, fullResyncsMax: secondaries + 1 };
    });
}
