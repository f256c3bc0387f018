import { describe, expect, it } from 'vitest';
import { lagCauses } from '../../../scripts/bench/lag-causes.js';

const SLOW_MS = 10;

describe('lagCauses', () => {
  it("gives a slow write to the collector whose pauses cover half its time in flight, the primary's first", () => {
    const slow = [
      { submittedMs: 100, ackedMs: 120 }, // the primary paused 105..115: 10 of 20 ms
      { submittedMs: 200, ackedMs: 220 }, // a secondary paused 200..212 and 214..216: 14 of 20 ms
      { submittedMs: 300, ackedMs: 320 }, // only 9 ms of pauses: not covered
      { submittedMs: 400, ackedMs: 412 }, // both paused the whole time: the primary's
    ];
    const primary = [{ startMs: 105, durationMs: 10 }, { startMs: 300, durationMs: 4 }, { startMs: 400, durationMs: 12 }];
    const secondaries = [[{ startMs: 312, durationMs: 5 }], [{ startMs: 195, durationMs: 17 }, { startMs: 214, durationMs: 2 }, { startMs: 398, durationMs: 30 }]];
    expect(lagCauses(SLOW_MS, slow, primary, secondaries)).toEqual({
      slowMs: SLOW_MS,
      slowWrites: 4,
      primaryGc: 2,
      secondaryGc: 1,
      other: 1,
      primaryPauseMaxMs: 12,
      secondaryPauseMaxMs: 30,
    });
  });

  it('counts pauses only within a write: one that ended before it was submitted covers none of it', () => {
    const causes = lagCauses(SLOW_MS, [{ submittedMs: 50, ackedMs: 70 }], [{ startMs: 20, durationMs: 30 }], []);
    expect(causes).toMatchObject({ primaryGc: 0, secondaryGc: 0, other: 1, secondaryPauseMaxMs: 0 });
  });
});
