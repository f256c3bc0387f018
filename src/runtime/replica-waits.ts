import { InvalidOperationError } from '../core/errors.js';
import { isPositiveInteger } from '../core/primary/replica-waits.js';
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

/** Throws InvalidOperationError for options of the wrong type or range (the core's ReplicaWaits.wait asserts them). */
export function checkReplicaOptions(options: ReplicatedWriteOptions): void {
  const { minReplicas, timeoutMs, acknowledged } = options;
  if (!isPositiveInteger(minReplicas)) throw new InvalidOperationError(`minReplicas must be a positive integer, got ${shown(minReplicas)}`);
  if (timeoutMs !== undefined && !isPositiveInteger(timeoutMs)) throw new InvalidOperationError(`timeoutMs must be a positive integer, got ${shown(timeoutMs)}`);
  if (acknowledged !== undefined && acknowledged !== 'durable' && acknowledged !== 'applied') {
    throw new InvalidOperationError(`acknowledged must be 'durable' or 'applied', got ${shown(acknowledged)}`);
  }
}
