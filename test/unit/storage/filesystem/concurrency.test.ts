import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { forEachConcurrently } from '../../../../src/storage/filesystem/concurrency.js';

/** A task per item that waits until released, recording how many run at once. */
class Gate {
  running = 0;
  runningMax = 0;
  readonly started: number[] = [];
  private readonly releases: (() => void)[] = [];

  readonly task = async (item: number): Promise<void> => {
    this.started.push(item);
    this.running += 1;
    this.runningMax = Math.max(this.runningMax, this.running);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.running -= 1;
    if (item < 0) throw new Error(`item ${item} failed`);
  };

  /** Lets every task started so far finish, then lets the ones they start run. */
  async releaseAll(): Promise<void> {
    while (this.releases.length > 0) {
      for (const release of this.releases.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

describe('forEachConcurrently', () => {
  it('runs every item once, in order of start, at most inFlightMax at a time', async () => {
    const gate = new Gate();
    const done = forEachConcurrently([1, 2, 3, 4, 5], 2, gate.task);
    await new Promise((resolve) => setImmediate(resolve));
    expect(gate.started).toEqual([1, 2]);
    await gate.releaseAll();
    await done;
    expect(gate.started).toEqual([1, 2, 3, 4, 5]);
    expect(gate.runningMax).toBe(2);
  });

  it('starts nothing after a failure, and rejects with the first once the running tasks settle', async () => {
    const gate = new Gate();
    // Caught at once: the rejection comes while the gate is being released.
    const failure = forEachConcurrently([-1, -2, 3, 4], 2, gate.task).then(() => undefined, (error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    await gate.releaseAll();
    expect(((await failure) as Error).message).toBe('item -1 failed');
    expect(gate.started).toEqual([-1, -2]);
    expect(gate.running).toBe(0);
  });

  it('waits for a task still running when another fails', async () => {
    const events: string[] = [];
    const done = forEachConcurrently([0, 1], 2, async (item) => {
      if (item === 0) throw new Error('first');
      await new Promise((resolve) => setImmediate(resolve));
      events.push('slow one done');
    });
    await expect(done).rejects.toThrow('first');
    expect(events).toEqual(['slow one done']);
  });

  it('does nothing for no items, and refuses a bound below 1', async () => {
    await forEachConcurrently([], 1, () => Promise.reject(new Error('never called')));
    await expect(forEachConcurrently([1], 0, async () => undefined)).rejects.toThrow(AssertionError);
  });
});
