import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LimitExceededError, NotReadyError, ReplicationTimeoutError } from '../../../src/core/errors.js';
import { ReplicaWaits, type ReplicaCounts } from '../../../src/runtime/replica-waits.js';

/** Secondaries holding sequences, as the primary would count them (durable and applied alike here). */
class Held implements ReplicaCounts {
  sequences: number[] = [];
  replicasHolding(sequence: number): number {
    return this.sequences.filter((held) => held >= sequence).length;
  }
  sequenceHeldBy(replicas: number): number {
    return [...this.sequences].sort((a, b) => b - a)[replicas - 1] ?? 0;
  }
}

describe('ReplicaWaits', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves each write once enough secondaries hold it, whatever order the writes waited in', async () => {
    const held = new Held();
    const waits = new ReplicaWaits(held, 10);
    const settled: number[] = [];
    for (const sequence of [5, 3, 4, 9]) void waits.wait(sequence, { replicas: 2, timeoutMs: 1_000, durable: true }).then(() => settled.push(sequence));
    held.sequences = [4, 7];
    waits.acknowledged();
    await Promise.resolve();
    expect(settled).toEqual([3, 4]);
    held.sequences = [9, 5];
    waits.acknowledged();
    await Promise.resolve();
    expect(settled).toEqual([3, 4, 5]);
  });

  it('times out with how many held it, keeps its bound, and rejects what waits when closed', async () => {
    const held = new Held();
    held.sequences = [2];
    const waits = new ReplicaWaits(held, 2);
    const first = waits.wait(2, { replicas: 2, timeoutMs: 100, durable: true });
    const second = waits.wait(3, { replicas: 2, timeoutMs: 10_000, durable: false });
    await expect(waits.wait(4, { replicas: 2, timeoutMs: 100, durable: true })).rejects.toThrow(LimitExceededError);
    vi.advanceTimersByTime(100);
    await expect(first).rejects.toThrow(ReplicationTimeoutError);
    await expect(first).rejects.toThrow('write 2 durable on 1 of the 2 secondaries asked for after 100 ms');
    // The timed out one no longer counts against the bound.
    const third = waits.wait(5, { replicas: 1, timeoutMs: 10_000, durable: true });
    waits.close();
    await expect(second).rejects.toThrow(NotReadyError);
    await expect(third).rejects.toThrow(NotReadyError);
  });

  it('drops timed out writes from its queues however long no acknowledgement comes', async () => {
    const waits = new ReplicaWaits(new Held(), 1_000);
    const pending = Array.from({ length: 500 }, (_, index) => waits.wait(index + 1, { replicas: 1, timeoutMs: 10, durable: true }).catch(() => 'timed out'));
    vi.advanceTimersByTime(10);
    expect(await Promise.all(pending)).toEqual(Array.from({ length: 500 }, () => 'timed out'));
    const queued = [...(waits as unknown as { queues: Map<string, { waiters: unknown[] }> }).queues.values()].map((queue) => queue.waiters.length);
    expect(queued.every((length) => length <= 1)).toBe(true);
  });
});
