import { describe, expect, it } from 'vitest';
import { WriteWaiters } from '../../../src/runtime/write-waiters.js';

describe('WriteWaiters', () => {
  it('resolves each write once its sequence is applied, in order', async () => {
    const waiters = new WriteWaiters();
    const settled: number[] = [];
    const waits = [1, 2, 3].map(async (sequence) => {
      await waiters.wait(sequence);
      settled.push(sequence);
    });
    waiters.applied(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toEqual([1, 2]);
    waiters.applied(3);
    await Promise.all(waits);
    expect(settled).toEqual([1, 2, 3]);
  });

  it('rejects the waiting writes and every later one once storage failed', async () => {
    const waiters = new WriteWaiters();
    const waiting = waiters.wait(1);
    waiters.fail(new Error('disk gone'));
    await expect(waiting).rejects.toThrow('disk gone');
    await expect(waiters.wait(2)).rejects.toThrow('disk gone');
  });
});
