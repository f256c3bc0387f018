import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StorageRequest, StorageResult } from '../core/storage-request.js';
import type { StorageBackend } from '../storage/backend.js';
import { executeRequest } from '../storage/execute.js';

export type StorageCompleted = (requestId: number, result: StorageResult) => void;

/**
 * Runs the core's storage requests strictly one after another and reports each completion in the
 * same order: the core's FIFO contract, kept by a promise chain.
 */
export class StorageChain {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: StorageBackend,
    private readonly completed: StorageCompleted,
  ) {}

  enqueue(requestId: number, request: StorageRequest): void {
    this.tail = this.tail.then(async () => {
      const result = await executeRequest(this.backend, request);
      // A backend that answers from memory completes within microtasks: without a turn of the
      // event loop here, a caller awaiting write after write would starve every socket and timer.
      await nextTurn();
      this.completed(requestId, result);
    });
  }

  /** Resolves once every request is done, including those that completions enqueued meanwhile. */
  async idle(): Promise<void> {
    for (let seen: Promise<void> | null = null; seen !== this.tail; ) {
      seen = this.tail;
      await seen;
    }
  }
}
