import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../sim/cli/io.js';
import { Progress } from '../../../sim/cli/progress.js';
import type { SeedResult } from '../../../sim/sweep/seed-result.js';
import { fakeIo } from './fake-io.js';

const result = (verdict: SeedResult['verdict']): SeedResult => ({ seed: 1, verdict, message: '', traceHash: '', virtualMs: 0, segmentsDelivered: 0, replay: '' });

/** Four results, four seconds of wall time apart. */
function feed(io: CliIo, clock: { ms: number }): Progress {
  const progress = new Progress(io, 4);
  for (const verdict of ['pass', 'safety', 'pass', 'pass'] as const) {
    clock.ms += 4_000;
    progress.add(result(verdict));
  }
  return progress;
}

describe('sweep progress', () => {
  it('without a terminal, prints a line every ten seconds', () => {
    const clock = { ms: 0 };
    const { io, err } = fakeIo();
    feed({ ...io, nowMs: () => clock.ms }, clock);
    expect(err).toEqual(['sweep: 3/4 seeds, 1 failed, 12.0 s elapsed, ~4.0 s left']);
  });

  it('on a terminal, redraws a bar after every seed and clears it at the end', () => {
    const clock = { ms: 0 };
    const { io, err } = fakeIo();
    const bars: string[] = [];
    feed({ ...io, nowMs: () => clock.ms, status: (text) => bars.push(text) }, clock).finish();
    expect(bars).toHaveLength(5);
    expect(bars[1]).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}] 2/4 seeds, 1 failed, 8.0 s elapsed, ~8.0 s left`);
    expect(bars[4]).toBe('');
    expect(err).toEqual([]);
  });
});
