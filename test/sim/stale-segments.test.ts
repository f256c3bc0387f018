/**
 * A segment sent on a connection whose receiving process has since crashed never reaches the
 * process restarted in its place, even when the new one opens a connection with the same id: a
 * real socket dies with its process. The simulator delivered such bytes to the new connection,
 * and a restarted secondary applied the old primary's sequence 1 as the new primary's (found by
 * the default scenario property, seed 944361355; this is its shrunk scenario).
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario } from '../../sim/scenario.js';

const BOTH_CRASH_WITH_BYTES_IN_FLIGHT: Scenario = {"seed":1,"secondaries":3,"faults":{"network":{"delayMinMs":1,"delayJitterMeanMs":3,"dropProbability":0,"duplicateProbability":0,"reorderProbability":0,"corruptProbability":0.001,"rechunkProbability":0,"resetProbability":0},"storage":{"latencyMeanMs":1,"durability":"immediate","syncIntervalMs":50,"failProbability":0,"stallProbability":0,"stallMs":500},"clocks":{"offsetMaxMs":0,"driftMaxPpm":0}},"steps":[{"kind":"runFor","ms":3750},{"kind":"crash","node":"s2"},{"kind":"write","call":{"method":"writeWithReplication","relativePath":"p0","data":"a"},"context":{"db":"d0","namespace":"n0"}},{"kind":"runFor","ms":1},{"kind":"crash","node":"primary"},{"kind":"crash","node":"s1"}]} as Scenario;

describe('the simulated network after a crash', () => {
  it('drops what was in flight to a process that has since died, whatever connection id its successor reuses', () => {
    expect(runScenario(BOTH_CRASH_WITH_BYTES_IN_FLIGHT)).toMatchObject({ verdict: 'pass' });
  });
});
