import fc from 'fast-check';
import { NO_FAULTS, SIM_LIMITS } from '../options.js';
import type { Scenario, Step } from '../scenario.js';
import { steadyWritesArb, steadyWriteSteps } from './steady-writes.js';

const WRITES = { min: 100, max: 400 };
const WRITE_GAP_MS = { min: 2, max: 20 };
const PATHS = 50;
/** The primary's disk: slow enough that a crash often comes while an apply is in flight. */
const PRIMARY_DISK_LATENCY_MEAN_MS = { min: 10, max: 100 };
const RESTARTS = { min: 1, max: 4 };

/**
 * The primary-restart family: writes while the primary's process dies and restarts, now and then,
 * on a slow disk that keeps every request it completed ('immediate' durability). Its writers were
 * told a write was applied once its storage completed it (writeApplied, what PrimaryNode resolves
 * their promises on): after the restart, the disk must hold every such write, in the history they
 * were told it in (Simulation.appliedWriteLossViolation, a safety property).
 */
export function primaryRestartScenarioArb(): fc.Arbitrary<Scenario> {
  return fc
    .tuple(
      steadyWritesArb(WRITES, WRITE_GAP_MS),
      fc.integer(PRIMARY_DISK_LATENCY_MEAN_MS),
      fc.uniqueArray(fc.nat({ max: WRITES.max }), { minLength: RESTARTS.min, maxLength: RESTARTS.max }),
    )
    .map(([load, latencyMeanMs, restartsAfter]) => {
      const steps: Step[] = [];
      const writes = steadyWriteSteps(load, PATHS);
      // Taken modulo the writes drawn, so that every run restarts its primary at least once.
      const restarts = new Set(restartsAfter.map((after) => after % load.writes));
      // Each write is two steps: a restart goes after the write it names.
      for (let index = 0; index < writes.length; index += 2) {
        steps.push(writes[index]!, writes[index + 1]!);
        if (restarts.has(index / 2)) steps.push({ kind: 'restartPrimary' });
      }
      const { network, storage, clocks } = NO_FAULTS;
      return { seed: load.seed, secondaries: load.secondaries, limits: SIM_LIMITS, faults: { network, storage, clocks, nodeFaults: { primary: { storage: { latencyMeanMs } } } }, steps };
    });
}
