import { assert } from '../core/assert.js';
import { InvalidOperationError, LimitExceededError, NotReadyError, ReplicationTimeoutError } from '../core/errors.js';
import { shown } from '../core/shown.js';

/** What a write waits for beyond the primary's own storage (Redis' WAIT and WAITAOF). */
export interface ReplicatedWriteOptions {
  /** Resolve once this many secondaries acknowledged the write (default 0: the primary's storage only). */
  readonly minReplicas?: number;
  /** Reject with ReplicationTimeoutError after this long (default: runtimeLimits.replicaWaitTimeoutMs). */
  readonly timeoutMs?: number;
  /** 'durable' (default): on each secondary's storage for good; 'applied': applied there (memory storage is never durable). */
  readonly acknowledged?: 'durable' | 'applied';
}

/** Throws InvalidOperationError for options of the wrong type or range (ReplicaWaits.wait asserts them). */
export function checkReplicaOptions(options: ReplicatedWriteOptions): void {
  const { minReplicas, timeoutMs, acknowledged } = options;
  if (!isPositiveInteger(minReplicas)) throw new InvalidOperationError(`minReplicas must be a positive integer, got ${shown(minReplicas)}`);
  if (timeoutMs !== undefined && !isPositiveInteger(timeoutMs)) throw new InvalidOperationError(`timeoutMs must be a positive integer, got ${shown(timeoutMs)}`);
  if (acknowledged !== undefined && acknowledged !== 'durable' && acknowledged !== 'applied') {
    throw new InvalidOperationError(`acknowledged must be 'durable' or 'applied', got ${shown(acknowledged)}`);
  }
}

function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** What the waits ask of the primary (Primary's methods of the same names). */
export interface ReplicaCounts {
  replicasHolding(sequence: number, durable: boolean): number;
  sequenceHeldBy(replicas: number, durable: boolean): number;
}

interface Waiter {
  readonly sequence: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  settled: boolean;
}

/** Waiters asking for the same count and kind of acknowledgement, by sequence. */
interface Queue {
  readonly replicas: number;
  readonly durable: boolean;
  waiters: Waiter[];
  /** Waiters in `waiters` already settled (timed out): dropped once they are half of it. */
  settledCount: number;
}

/**
 * Writes waiting for secondaries' acknowledgements. Each kind of wait (how many, applied or
 * durable) keeps its writes in sequence order, so an acknowledgement resolves a queue's head up to
 * the sequence that many secondaries hold: O(1) a write, however many wait. Every waiter has a
 * timeout, and there are at most `waitersMax` of them.
 */
export class ReplicaWaits {
  private readonly queues = new Map<string, Queue>();
  private waiting = 0;

  constructor(
    private readonly counts: ReplicaCounts,
    private readonly waitersMax: number,
  ) {}

  wait(sequence: number, options: { readonly replicas: number; readonly timeoutMs: number; readonly durable: boolean }): Promise<void> {
    const { replicas, timeoutMs, durable } = options;
    assert(isPositiveInteger(replicas), 'minReplicas must be a positive integer');
    assert(isPositiveInteger(timeoutMs), 'timeoutMs must be a positive integer');
    if (this.counts.sequenceHeldBy(replicas, durable) >= sequence) return Promise.resolve();
    if (this.waiting >= this.waitersMax) {
      return Promise.reject(new LimitExceededError(`${this.waiting} writes already wait for secondaries (replicaWaitsMax); the write ${sequence} is applied on the primary`));
    }
    return new Promise((resolve, reject) => {
      const queue = this.queueOf(replicas, durable);
      const timer = setTimeout(() => {
        this.settle(waiter);
        this.dropSettledFrom(queue);
        const held = this.counts.replicasHolding(sequence, durable);
        reject(new ReplicationTimeoutError(`write ${sequence} ${durable ? 'durable' : 'applied'} on ${held} of the ${replicas} secondaries asked for after ${timeoutMs} ms; it stays written on the primary`));
      }, timeoutMs);
      const waiter: Waiter = { sequence, resolve, reject, timer, settled: false };
      insertBySequence(queue.waiters, waiter);
      this.waiting += 1;
    });
  }

  /** A secondary acknowledged more: each queue resolves its writes that enough secondaries now hold. */
  acknowledged(): void {
    for (const [key, queue] of this.queues) {
      // Empty queues go: an acknowledgement with nothing waiting costs nothing.
      if (queue.waiters.length === 0) {
        this.queues.delete(key);
        continue;
      }
      const held = this.counts.sequenceHeldBy(queue.replicas, queue.durable);
      let passed = 0;
      for (const waiter of queue.waiters) {
        if (waiter.sequence > held) break;
        passed += 1;
        if (waiter.settled) {
          queue.settledCount -= 1;
          continue;
        }
        this.settle(waiter);
        waiter.resolve();
      }
      queue.waiters.splice(0, passed);
    }
  }

  /** The primary is closing: no acknowledgement will come. */
  close(): void {
    for (const queue of this.queues.values()) {
      for (const waiter of queue.waiters) {
        if (waiter.settled) continue;
        this.settle(waiter);
        waiter.reject(new NotReadyError(`primary closed while write ${waiter.sequence} waited for secondaries`));
      }
    }
    this.queues.clear();
  }

  private queueOf(replicas: number, durable: boolean): Queue {
    const key = `${replicas}:${durable}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { replicas, durable, waiters: [], settledCount: 0 };
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** A timed out waiter stays in its queue, settled, until the head passes it or its queue is compacted. */
  private dropSettledFrom(queue: Queue): void {
    queue.settledCount += 1;
    if (queue.settledCount * 2 < queue.waiters.length) return;
    queue.waiters = queue.waiters.filter((waiter) => !waiter.settled);
    queue.settledCount = 0;
  }

  private settle(waiter: Waiter): void {
    waiter.settled = true;
    clearTimeout(waiter.timer);
    this.waiting -= 1;
  }
}

/** Sequences mostly arrive in order: appended, else placed by binary search. */
function insertBySequence(waiters: Waiter[], waiter: Waiter): void {
  let low = 0;
  let high = waiters.length;
  if (high === 0 || (waiters[high - 1]?.sequence ?? 0) <= waiter.sequence) {
    waiters.push(waiter);
    return;
  }
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((waiters[middle]?.sequence ?? 0) <= waiter.sequence) low = middle + 1;
    else high = middle;
  }
  waiters.splice(low, 0, waiter);
}
