import { WriteGroups, type WriteGroup } from '../core/primary/write-groups.js';

/**
 * Callers waiting for their write to be applied by the primary's storage: one promise per group
 * of writes one storage apply carries (src/core/primary/write-groups.ts says how they are grouped).
 * A promise per write (with its two resolving functions and their context) lived as long as its
 * write was in flight, long enough for the young generation's collector to copy it with a
 * thousand in flight.
 */
export class WriteWaiters {
  private readonly groups = new WriteGroups<PromiseGroup>(promiseGroup);
  private failure: Error | null = null;

  /** `issued`: the write is in an apply already handed to storage, with every write of the open group. */
  wait(sequence: number, issued: boolean): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return this.groups.wait(sequence, issued).promise;
  }

  /** Everything up to `sequence` is applied; the primary issues the writes it held meanwhile at once. */
  applied(sequence: number): void {
    for (const group of this.groups.applied(sequence)) group.resolve();
  }

  /** No waiting write will ever be applied (its storage failed): each is told, and so are later ones. */
  fail(error: Error): void {
    this.failure = error;
    for (const group of this.groups.abandon()) group.reject(error);
  }
}

interface PromiseGroup extends WriteGroup {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function promiseGroup(): PromiseGroup {
  let settle: Pick<PromiseGroup, 'resolve' | 'reject'> | undefined;
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { lastSequence: 0, promise, ...(settle as Pick<PromiseGroup, 'resolve' | 'reject'>) };
}
