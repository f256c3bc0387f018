import { describe, expect, it } from 'vitest';
import { LimitExceededError, NotReadyError, ReplicationTimeoutError } from '../../../../src/core/errors.js';
import { ReplicaWaits, type ReplicaCounts } from '../../../../src/core/primary/replica-waits.js';

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

const T0 = 1_000;

/** Waits on writes named by their sequence, and what each was told. */
function waitsOver(held: Held, waitersMax: number): { waits: ReplicaWaits<number>; acknowledged: number[]; refused: Map<number, Error> } {
  const acknowledged: number[] = [];
  const refused = new Map<number, Error>();
  const waits = new ReplicaWaits<number>(held, waitersMax, {
    acknowledged: (write) => acknowledged.push(write),
    refused: (write, error) => refused.set(write, error),
  });
  return { waits, acknowledged, refused };
}

describe('ReplicaWaits', () => {
  it('acknowledges each write once enough secondaries hold it, whatever order the writes waited in', () => {
    const held = new Held();
    const { waits, acknowledged } = waitsOver(held, 10);
    for (const sequence of [5, 3, 4, 9]) waits.wait(sequence, sequence, { replicas: 2, timeoutMs: 1_000, durable: true }, T0);
    held.sequences = [4, 7];
    waits.acknowledged();
    expect(acknowledged).toEqual([3, 4]);
    held.sequences = [9, 5];
    waits.acknowledged();
    expect(acknowledged).toEqual([3, 4, 5]);
  });

  it('acknowledges at once a write that enough secondaries already hold', () => {
    const held = new Held();
    held.sequences = [6];
    const { waits, acknowledged } = waitsOver(held, 10);
    waits.wait(6, 6, { replicas: 1, timeoutMs: 1_000, durable: true }, T0);
    expect(acknowledged).toEqual([6]);
    expect(waits.nextDeadlineMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('times out at its deadline with how many held it, keeps its bound, and refuses what waits when closed', () => {
    const held = new Held();
    held.sequences = [2];
    const { waits, refused } = waitsOver(held, 2);
    waits.wait(2, 2, { replicas: 2, timeoutMs: 100, durable: true }, T0);
    waits.wait(3, 3, { replicas: 2, timeoutMs: 10_000, durable: false }, T0);
    expect(() => waits.wait(4, 4, { replicas: 2, timeoutMs: 100, durable: true }, T0)).toThrow(LimitExceededError);
    expect(waits.nextDeadlineMs).toBe(T0 + 100);
    waits.expire(T0 + 99);
    expect(refused.size).toBe(0);
    waits.expire(T0 + 100);
    expect(refused.get(2)).toBeInstanceOf(ReplicationTimeoutError);
    expect(refused.get(2)?.message).toBe('write 2 durable on 1 of the 2 secondaries asked for after 100 ms; it stays written on the primary');
    expect(waits.nextDeadlineMs).toBe(T0 + 10_000);
    // The timed out one no longer counts against the bound.
    waits.wait(5, 5, { replicas: 1, timeoutMs: 10_000, durable: true }, T0 + 100);
    waits.close();
    expect(refused.get(3)).toBeInstanceOf(NotReadyError);
    expect(refused.get(5)).toBeInstanceOf(NotReadyError);
    expect(waits.nextDeadlineMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('drops timed out writes from its queues however long no acknowledgement comes', () => {
    const { waits, refused } = waitsOver(new Held(), 1_000);
    for (let sequence = 1; sequence <= 500; sequence += 1) waits.wait(sequence, sequence, { replicas: 1, timeoutMs: 10, durable: true }, T0);
    waits.expire(T0 + 10);
    expect(refused.size).toBe(500);
    const queued = [...(waits as unknown as { queues: Map<string, { waiters: unknown[] }> }).queues.values()].map((queue) => queue.waiters.length);
    expect(queued.every((length) => length <= 1)).toBe(true);
  });

  it('keeps no more acknowledged waits for their deadlines than about twice those still waiting', () => {
    const held = new Held();
    const { waits, acknowledged } = waitsOver(held, 100_000);
    for (let sequence = 1; sequence <= 20_000; sequence += 1) {
      waits.wait(sequence, sequence, { replicas: 1, timeoutMs: 10_000, durable: true }, T0);
      held.sequences = [sequence - 1];
      waits.acknowledged();
    }
    expect(acknowledged).toHaveLength(19_999);
    const heap = (waits as unknown as { deadlines: { size: number } }).deadlines;
    expect(heap.size).toBeLessThanOrEqual(2 * 1 + 1_024);
    expect(waits.nextDeadlineMs).toBe(T0 + 10_000);
  });
});
