import { describe, expect, it } from 'vitest';
import { TimeMap } from '../../../sim/timeline/time-map.js';

const BREAK_PX = 40;

describe('TimeMap', () => {
  // 0-10 s, with 2-8 s compressed: 4 s shown at scale in 1_040 px.
  const map = new TimeMap(0, 10_000, [{ fromMs: 2_000, toMs: 8_000, hidden: 3 }], BREAK_PX, 1_040, Infinity);

  it('draws what is not compressed at one scale, and each break in a fixed length', () => {
    expect(map.pxPerMs).toBe(0.25);
    expect(map.offsetPx(2_000)).toBe(500);
    expect(map.offsetPx(8_000)).toBe(500 + BREAK_PX);
    expect(map.offsetPx(5_000)).toBe(500 + BREAK_PX / 2);
    expect(map.lengthPx).toBe(1_040);
  });

  it('grows with time everywhere', () => {
    for (let t = 0; t < 10_000; t += 250) expect(map.offsetPx(t + 250)).toBeGreaterThan(map.offsetPx(t));
  });

  it('puts no tick inside a break, and ticks at a round step elsewhere', () => {
    const ticks = map.ticks(0, 100);
    expect(ticks.filter((t) => t > 2_000 && t < 8_000)).toEqual([]);
    expect(ticks).toEqual([0, 500, 1_000, 1_500, 2_000, 8_000, 8_500, 9_000, 9_500, 10_000]);
  });

  it('hides only what lies wholly inside a break', () => {
    expect(map.hides(3_000, 3_010)).toBe(true);
    expect(map.hides(1_990, 2_010)).toBe(false);
    expect(map.hides(7_990, 8_010)).toBe(false);
  });

  it('comes apart into linear pieces that give back every offset, for the page to invert', () => {
    const pieces = map.pieces(10);
    expect(pieces.map(([from, to]) => [from, to])).toEqual([
      [0, 2_000],
      [2_000, 8_000],
      [8_000, 10_000],
    ]);
    for (let t = 0; t <= 10_000; t += 125) {
      const [from, to, fromPx, toPx] = pieces.find(([a, b]) => t >= a && t <= b) ?? [0, 0, 0, 0];
      expect(fromPx + ((t - from) / (to - from)) * (toPx - fromPx)).toBeCloseTo(10 + map.offsetPx(t), 1);
    }
  });

  it('keeps a short range from spreading thin', () => {
    expect(new TimeMap(0, 10, [], BREAK_PX, 16_000, 10).pxPerMs).toBe(10);
  });
});
