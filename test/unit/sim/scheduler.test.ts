import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../sim/scheduler.js';

function runAll(scheduler: Scheduler): number[] {
  const times: number[] = [];
  for (let task = scheduler.pop(); task !== undefined; task = scheduler.pop()) {
    times.push(task.atMs);
    task.run();
  }
  return times;
}

describe('Scheduler', () => {
  it('is empty at first', () => {
    const scheduler = new Scheduler();
    expect(scheduler.size).toBe(0);
    expect(scheduler.peekMs()).toBeUndefined();
    expect(scheduler.pop()).toBeUndefined();
  });

  it('runs tasks by time, then by insertion for equal times', () => {
    const scheduler = new Scheduler();
    const ran: string[] = [];
    scheduler.at(20, () => ran.push('20a'));
    scheduler.at(10, () => ran.push('10a'));
    scheduler.at(20, () => ran.push('20b'));
    scheduler.at(10, () => ran.push('10b'));
    scheduler.at(5, () => ran.push('5'));
    scheduler.at(20, () => ran.push('20c'));
    expect(scheduler.size).toBe(6);
    expect(scheduler.peekMs()).toBe(5);
    expect(runAll(scheduler)).toEqual([5, 10, 10, 20, 20, 20]);
    expect(ran).toEqual(['5', '10a', '10b', '20a', '20b', '20c']);
    expect(scheduler.size).toBe(0);
  });

  it('orders tasks scheduled while running after earlier ones of the same time', () => {
    const scheduler = new Scheduler();
    const ran: string[] = [];
    scheduler.at(10, () => {
      ran.push('first');
      scheduler.at(10, () => ran.push('added at 10'));
      scheduler.at(5, () => ran.push('added in the past'));
    });
    scheduler.at(10, () => ran.push('second'));
    runAll(scheduler);
    expect(ran).toEqual(['first', 'added in the past', 'second', 'added at 10']);
  });

  it('matches a stable sort by time for any schedule', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 10 }), { maxLength: 200 }), (times) => {
      const scheduler = new Scheduler();
      const ran: number[] = [];
      times.forEach((atMs, index) => scheduler.at(atMs, () => ran.push(index)));
      runAll(scheduler);
      // Array.prototype.sort is stable: equal times keep insertion order.
      const expected = times.map((atMs, index) => ({ atMs, index })).sort((a, b) => a.atMs - b.atMs).map((item) => item.index);
      expect(ran).toEqual(expected);
    }), { numRuns: 200 });
  });
});
