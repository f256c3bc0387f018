import { describe, expect, it } from 'vitest';
import { growthOf } from '../../../scripts/soak/growth.js';
import type { SoakSample } from '../../../scripts/soak/run.js';

function samples(heapMiB: (calls: number) => number, count: number): SoakSample[] {
  return Array.from({ length: count }, (_, index) => {
    const calls = (index + 1) * 100_000;
    return { elapsedMs: index * 1_000, calls, heapUsedMiB: heapMiB(calls), arrayBuffersMiB: 0, rssMiB: 0, storedMiB: 0, logBytes: 0, entries: 0, fullResyncs: 0, partialResyncs: 0 };
  });
}

describe('growthOf', () => {
  it('finds the slope of memory kept per call, after the warm-up quarter', () => {
    const growth = growthOf(samples((calls) => 30 + (2 * calls) / 1e6, 12), (sample) => sample.heapUsedMiB);
    expect(growth?.slopeMiBPerMillionCalls).toBeCloseTo(2, 9);
    expect(growth?.lastMiB).toBeGreaterThan(growth?.firstMiB ?? Infinity);
  });

  it('finds none in memory that stays level once warm, whatever the warm-up did', () => {
    const growth = growthOf(samples((calls) => (calls <= 300_000 ? calls / 10_000 : 30), 12), (sample) => sample.heapUsedMiB);
    expect(growth).toEqual({ firstMiB: 30, lastMiB: 30, slopeMiBPerMillionCalls: 0 });
  });

  it('says nothing from too few samples', () => {
    expect(growthOf(samples(() => 30, 4), (sample) => sample.heapUsedMiB)).toBeNull();
  });
});
