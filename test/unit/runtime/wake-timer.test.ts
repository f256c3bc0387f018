import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WakeTimer } from '../../../src/runtime/wake-timer.js';

/** A node's timer on a fake clock: when it woke the machine, in milliseconds since the start. */
function timerOnFakeClock(): { readonly timer: WakeTimer; readonly wokeAtMs: number[] } {
  const wokeAtMs: number[] = [];
  const timer = new WakeTimer(() => Date.now(), () => wokeAtMs.push(Date.now()));
  return { timer, wokeAtMs };
}

describe('WakeTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps an earlier wake when asked for a later one, and wakes once, at the earlier', () => {
    const { timer, wokeAtMs } = timerOnFakeClock();
    timer.arm(100);
    timer.arm(150);
    timer.arm(120);
    vi.advanceTimersByTime(200);
    expect(wokeAtMs).toEqual([100]);
  });

  it('moves to a sooner wake', () => {
    const { timer, wokeAtMs } = timerOnFakeClock();
    timer.arm(100);
    timer.arm(40);
    vi.advanceTimersByTime(200);
    expect(wokeAtMs).toEqual([40]);
  });

  it('wakes at a later time once the earlier wake has fired and it is armed again', () => {
    const { timer, wokeAtMs } = timerOnFakeClock();
    timer.arm(100);
    vi.advanceTimersByTime(100);
    timer.arm(150);
    vi.advanceTimersByTime(100);
    expect(wokeAtMs).toEqual([100, 150]);
  });

  it('wakes no more once nothing is asked, nor once cleared', () => {
    const { timer, wokeAtMs } = timerOnFakeClock();
    timer.arm(100);
    timer.arm(undefined);
    timer.arm(120);
    timer.clear();
    vi.advanceTimersByTime(500);
    expect(wokeAtMs).toEqual([]);
  });
});
