/**
 * A simulator's scenario run by the chaos lab against real node processes behind the lab's proxy
 * (in a container where a container runtime answers, else the stand-in in this process): a
 * partition under writes, healed, then the checks of every chaos scenario.
 */
import { describe, expect, it } from 'vitest';
import { openLab } from '../../../chaos/lab.js';
import { loadFromSim } from '../../../chaos/from-sim/scenario.js';
import { runScenario } from '../../../chaos/scenarios/run-scenario.js';
import { scenarioCommand, type Step } from '../../../sim/scenario.js';
import { simScenario, write } from './support.js';

const writes = (from: number, count: number): Step[] => Array.from({ length: count }, (_, offset) => write(`key/${(from + offset) % 6}`, `value ${from + offset}`));

const steps: Step[] = [
  ...writes(0, 4),
  { kind: 'partition', node: 's1' },
  ...writes(4, 6),
  { kind: 'write', call: { method: 'deleteWithReplication', relativePath: 'key/1' } },
  { kind: 'runFor', ms: 500 },
  { kind: 'repair', node: 's1' },
  ...writes(10, 3),
  { kind: 'runFor', ms: 100 },
];

describe('chaos lab --from-sim smoke', () => {
  it("runs the simulator's printed scenario: the partition cuts secondary-1 off, and after healing every storage holds every acknowledged write", async () => {
    const scenario = await loadFromSim(scenarioCommand(simScenario(steps)));
    const lab = await openLab(() => undefined);
    try {
      const result = await runScenario(scenario, { lab, log: () => undefined });
      expect(result.problems).toEqual([]);
      expect(result.ackedWrites).toBe(14);
      expect(result.convergenceMs).not.toBeNull();
      expect(result.faultWindows.map((window) => window.label)).toEqual([expect.stringMatching(/^step 4 partition \{"node":"s1"\}: secondary-1's proxy disabled/)]);
      // Disabling the proxy closed secondary-1's link: it had to come back.
      expect(result.figures['secondary-1 reconnections']).toBeGreaterThanOrEqual(1);
    } finally {
      await lab.close();
    }
  });

  it('heals what the scenario leaves broken: a secondary restarted behind a link still cut syncs once the lab heals it', async () => {
    const cutAtTheEnd: Step[] = [...writes(0, 3), { kind: 'partition', node: 's2' }, { kind: 'crash', node: 's2' }, ...writes(3, 3), { kind: 'restart', node: 's2' }, { kind: 'runFor', ms: 100 }];
    const scenario = await loadFromSim(JSON.stringify(simScenario(cutAtTheEnd)));
    const lab = await openLab(() => undefined);
    try {
      const result = await runScenario(scenario, { lab, log: () => undefined });
      expect(result.problems).toEqual([]);
      expect(result.ackedWrites).toBe(6);
      expect(result.faultWindows.map((window) => window.label)).toEqual([expect.stringMatching(/^step 3 partition/), expect.stringMatching(/^step 4 crash/)]);
    } finally {
      await lab.close();
    }
  });
});
