import { describe, expect, it } from 'vitest';
import { parseSeed, seededScenario, SEED_MAX } from '../../../chaos/scenarios/seeded.js';

describe('seeded chaos schedule', () => {
  it('draws the same workload and faults from the same seed', () => {
    const first = seededScenario(42);
    const again = seededScenario(42);
    expect(again.faults).toEqual(first.faults);
    expect(again.writes).toBe(first.writes);
    expect(first.replay).toBe('npm run chaos -- --seed 42');
  });

  it('draws different schedules from different seeds, faults in the order of the workload', () => {
    const schedules = [1, 2, 3, 4, 5].map((seed) => seededScenario(seed).faults.join('\n'));
    expect(new Set(schedules).size).toBe(schedules.length);
    for (const seed of [1, 2, 3]) {
      const starts = seededScenario(seed).faults.slice(1).map((fault) => Number(/at (\d+) acknowledged writes/.exec(fault)?.[1]));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    }
  });

  it('takes a decimal integer in the generator range and refuses anything else with a message', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed(String(SEED_MAX))).toBe(SEED_MAX);
    for (const bad of ['', 'x', '-1', '1.5', '1e3', String(SEED_MAX + 1), '99999999999']) {
      expect(() => parseSeed(bad)).toThrow(/--seed wants an integer from 0 to 4294967295/);
    }
  });
});
