import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardSlice } from '../../../../sim/sweep/shard.js';

describe('shardSlice', () => {
  it('cuts 10 seeds in 3 as 3, 3, 4 consecutive seeds', () => {
    expect([1, 2, 3].map((index) => shardSlice(10, { index, total: 3 }))).toEqual([
      { offset: 0, count: 3 },
      { offset: 3, count: 3 },
      { offset: 6, count: 4 },
    ]);
  });

  it('the N slices are consecutive, cover the range exactly and differ in size by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 100_000 }), (total, extra) => {
        const count = total + extra;
        const slices = Array.from({ length: total }, (_, i) => shardSlice(count, { index: i + 1, total }));
        let next = 0;
        for (const slice of slices) {
          expect(slice.offset).toBe(next);
          next += slice.count;
        }
        expect(next).toBe(count);
        const sizes = slices.map((slice) => slice.count);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('refuses a shard outside 1/N to N/N and more shards than seeds', () => {
    for (const shard of [{ index: 0, total: 3 }, { index: 4, total: 3 }, { index: 1.5, total: 3 }, { index: 1, total: 0 }]) {
      expect(() => shardSlice(10, shard), JSON.stringify(shard)).toThrow(RangeError);
    }
    expect(() => shardSlice(2, { index: 1, total: 3 })).toThrow(/2 seeds cannot fill 3 shards/);
  });
});
