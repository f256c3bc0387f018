/**
 * The chaos lab's smallest scenario, end to end with real node processes behind the lab's proxy
 * (in a container where a container runtime answers, else the stand-in in this process), so that
 * CI exercises the lab; `npm run chaos` runs them all.
 */
import { describe, expect, it } from 'vitest';
import { openLab } from '../../chaos/lab.js';
import { SCENARIOS } from '../../chaos/scenarios/all.js';
import { runScenario } from '../../chaos/scenarios/run-scenario.js';

describe('chaos lab smoke', () => {
  it('the smallest scenario heals, converges and keeps every acknowledged write', async () => {
    const smallest = [...SCENARIOS].sort((a, b) => a.writes - b.writes)[0];
    if (smallest === undefined) throw new Error('no scenario');
    const lab = await openLab(() => undefined);
    try {
      const result = await runScenario(smallest, { lab, log: () => undefined });
      expect(result.problems).toEqual([]);
      expect(result.ackedWrites).toBe(smallest.writes);
      expect(result.convergenceMs).not.toBeNull();
    } finally {
      await lab.close();
    }
  });
});
