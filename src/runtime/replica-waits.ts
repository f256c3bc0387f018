import { assert } from '../core/assert.js';
import { LimitExceededError, NotReadyError, ReplicationTimeoutError } from '../core/errors.js';

/** What a write waits for beyond the primary's own storage (Redis' WAIT and WAITAOF). */
export interface ReplicatedWriteOptions {
  /** Resolve once this many secondaries acknowledged the write (default 0: the primary's storage only). */
  readonly minReplicas?: number;
  /** Reject with ReplicationTimeoutError after this long (default: runtimeLimits.replicaWaitTimeoutMs). */
  readonly timeoutMs?: number;
  /** 'durable' (default): on each secondary's storage for good; 'applied': applied there (memory storage is never durable). */
  readonly acknowledged?: 'durable' | 'applied';
}

interface Waiter {
  readonly sequence: number;
  readonly replicas: number;
  readonly durable: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Writes waiting for secondaries' acknowledgements, checked whenever one arrives. `holding` asks
 * the primary how many secondaries hold a sequence; every waiter has a timeout, and there are at
 * most `waitersMax` of them.
 */
export class ReplicaWaits {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly holding: (sequence: number, durable: boolean) => number,
    private readonly waitersMax: number,
  ) {}

  wait(sequence: number, options: { readonly replicas: number; readonly timeoutMs: number; readonly durable: boolean }): Promise<void> {
    const { replicas, timeoutMs, durable } = options;
    assert(Number.isSafeInteger(replicas) && replicas > 0, 'minReplicas must be a positive integer');
    assert(Number.isSafeInteger(timeoutMs) && timeoutMs > 0, 'timeoutMs must be a positive integer');
    if (this.holding(sequence, durable) >= replicas) return Promise.resolve();
    if (this.waiters.size >= this.waitersMax) {
      return Promise.reject(new LimitExceededError(`${this.waiters.size} writes already wait for secondaries (replicaWaitsMax); the write ${sequence} is applied on the primary`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const held = this.holding(sequence, durable);
        reject(new ReplicationTimeoutError(`write ${sequence} ${durable ? 'durable' : 'applied'} on ${held} of the ${replicas} secondaries asked for after ${timeoutMs} ms; it stays written on the primary`));
      }, timeoutMs);
      const waiter: Waiter = { sequence, replicas, durable, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  /** A secondary acknowledged more: every waiter it completes resolves. */
  acknowledged(): void {
    for (const waiter of this.waiters) {
      if (this.holding(waiter.sequence, waiter.durable) < waiter.replicas) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /** The primary is closing: no acknowledgement will come. */
  close(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new NotReadyError(`primary closed while write ${waiter.sequence} waited for secondaries`));
    }
    this.waiters.clear();
  }
}
