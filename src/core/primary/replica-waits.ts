import { assert } from '../assert.js';
import { LimitExceededError, NotReadyError, ReplicationTimeoutError } from '../errors.js';
import { MinHeap } from '../min-heap.js';

/** What the waits ask of the primary (Primary's methods of the same names). */
export interface ReplicaCounts {
  replicasHolding(sequence: number, durable: boolean): number;
  sequenceHeldBy(replicas: number, durable: boolean): number;
}

/** How many secondaries a write waits for, how long, and whether on their storage for good or applied only. */
export interface ReplicaWait {
  readonly replicas: number;
  readonly timeoutMs: number;
  readonly durable: boolean;
}

/** What a waiting write is told, once: enough secondaries hold it, or not in time (or the primary closed). */
export interface WaitAnswers<W> {
  acknowledged(write: W, sequence: number, wait: ReplicaWait): void;
  refused(write: W, error: Error): void;
}

interface Waiter<W> {
  readonly write: W;
  readonly sequence: number;
  readonly wait: ReplicaWait;
  readonly deadlineMs: number;
  settled: boolean;
}

/** Waiters asking for the same count and kind of acknowledgement, by sequence. */
interface Queue<W> {
  readonly replicas: number;
  readonly durable: boolean;
  waiters: Waiter<W>[];
  /** Waiters in `waiters` already settled (timed out): dropped once they are half of it. */
  settledCount: number;
}

/**
 * Writes waiting for secondaries' acknowledgements (Redis' WAIT and WAITAOF). Each kind of wait
 * (how many, applied or durable) keeps its writes in sequence order, so an acknowledgement
 * resolves a queue's head up to the sequence that many secondaries hold: O(1) a write, however
 * many wait. Every waiter has a deadline, and there are at most `waitersMax` of them.
 *
 * Pure, time given: the runtime answers its writers' promises from it and arms a timer for
 * nextDeadlineMs; the simulator checks each acknowledgement against the secondaries' disks.
 */
export class ReplicaWaits<W> {
  private readonly queues = new Map<string, Queue<W>>();
  /** Every unsettled waiter by deadline; settled ones are skipped as they come up. */
  private readonly deadlines = new MinHeap<Waiter<W>>((a, b) => a.deadlineMs < b.deadlineMs);
  private waiting = 0;

  constructor(
    private readonly counts: ReplicaCounts,
    private readonly waitersMax: number,
    private readonly answers: WaitAnswers<W>,
  ) {}

  /** When the next wait times out (Infinity for none): expire() is due then. */
  get nextDeadlineMs(): number {
    this.dropSettledDeadlines();
    return this.deadlines.peek()?.deadlineMs ?? Number.POSITIVE_INFINITY;
  }

  /**
   * `write` waits until `wait.replicas` secondaries hold `sequence`, at most `wait.timeoutMs` from
   * `nowMs`. Answered at once when they already do; LimitExceededError past waitersMax.
   */
  wait(write: W, sequence: number, wait: ReplicaWait, nowMs: number): void {
    assert(isPositiveInteger(wait.replicas), 'minReplicas must be a positive integer');
    assert(isPositiveInteger(wait.timeoutMs), 'timeoutMs must be a positive integer');
    if (this.counts.sequenceHeldBy(wait.replicas, wait.durable) >= sequence) {
      this.answers.acknowledged(write, sequence, wait);
      return;
    }
    if (this.waiting >= this.waitersMax) {
      throw new LimitExceededError(`${this.waiting} writes already wait for secondaries (replicaWaitsMax); the write ${sequence} is applied on the primary`);
    }
    const waiter: Waiter<W> = { write, sequence, wait, deadlineMs: nowMs + wait.timeoutMs, settled: false };
    insertBySequence(this.queueOf(wait).waiters, waiter);
    this.deadlines.push(waiter);
    this.waiting += 1;
  }

  /** A secondary acknowledged more: each queue answers its writes that enough secondaries now hold. */
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
        this.answers.acknowledged(waiter.write, waiter.sequence, waiter.wait);
      }
      queue.waiters.splice(0, passed);
    }
    this.compactDeadlines();
  }

  /** Refuses, with ReplicationTimeoutError, the writes whose deadline has come at `nowMs`. */
  expire(nowMs: number): void {
    for (let waiter = this.deadlines.peek(); waiter !== undefined && waiter.deadlineMs <= nowMs; waiter = this.deadlines.peek()) {
      this.deadlines.pop();
      if (waiter.settled) continue;
      this.settle(waiter);
      this.dropSettledFrom(this.queueOf(waiter.wait));
      const { sequence, wait } = waiter;
      const held = this.counts.replicasHolding(sequence, wait.durable);
      const kind = wait.durable ? 'durable' : 'applied';
      this.answers.refused(
        waiter.write,
        new ReplicationTimeoutError(`write ${sequence} ${kind} on ${held} of the ${wait.replicas} secondaries asked for after ${wait.timeoutMs} ms; it stays written on the primary`),
      );
    }
  }

  /** The primary is closing: no acknowledgement will come. */
  close(): void {
    for (const queue of this.queues.values()) {
      for (const waiter of queue.waiters) {
        if (waiter.settled) continue;
        this.settle(waiter);
        this.answers.refused(waiter.write, new NotReadyError(`primary closed while write ${waiter.sequence} waited for secondaries`));
      }
    }
    this.queues.clear();
    this.deadlines.clear();
  }

  private queueOf(wait: ReplicaWait): Queue<W> {
    const key = `${wait.replicas}:${wait.durable}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { replicas: wait.replicas, durable: wait.durable, waiters: [], settledCount: 0 };
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** A timed out waiter stays in its queue, settled, until the head passes it or its queue is compacted. */
  private dropSettledFrom(queue: Queue<W>): void {
    queue.settledCount += 1;
    if (queue.settledCount * 2 < queue.waiters.length) return;
    queue.waiters = queue.waiters.filter((waiter) => !waiter.settled);
    queue.settledCount = 0;
  }

  /** Acknowledged waiters stay in the heap until they come up: dropped then, so the next deadline is a live one's. */
  private dropSettledDeadlines(): void {
    while (this.deadlines.peek()?.settled === true) this.deadlines.pop();
  }

  /**
   * The heap rebuilt from its unsettled waiters once settled ones are most of it: acknowledged
   * waits would otherwise stay until their deadline, beyond waitersMax (a second of writes each
   * waiting 10 s). Amortised O(log n) a wait.
   */
  private compactDeadlines(): void {
    if (this.deadlines.size <= 2 * this.waiting + DEADLINES_SLACK) return;
    const live: Waiter<W>[] = [];
    for (let waiter = this.deadlines.pop(); waiter !== undefined; waiter = this.deadlines.pop()) if (!waiter.settled) live.push(waiter);
    for (const waiter of live) this.deadlines.push(waiter);
  }

  private settle(waiter: Waiter<W>): void {
    waiter.settled = true;
    this.waiting -= 1;
  }
}

/** Settled waiters the deadline heap may hold beyond twice the live ones before it is rebuilt. */
const DEADLINES_SLACK = 1_024;

/** What minReplicas and timeoutMs must be: the runtime checks a caller's options with it before a write is accepted. */
export function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** Sequences mostly arrive in order: appended, else placed by binary search. */
function insertBySequence<W>(waiters: Waiter<W>[], waiter: Waiter<W>): void {
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
