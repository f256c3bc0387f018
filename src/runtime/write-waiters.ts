/**
 * Callers waiting for their write to be applied by the primary's storage. Sequences are issued in
 * increasing order and applied in order, so the waiters form a queue. Its promise is the one a
 * write call returns, with no async layer around it (primary-node.ts).
 */
export class WriteWaiters {
  private readonly waiting: { sequence: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;

  wait(sequence: number): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ sequence, resolve, reject }));
  }

  /** Everything up to `sequence` is applied. */
  applied(sequence: number): void {
    while (this.waiting.length > 0 && (this.waiting[0]?.sequence ?? Infinity) <= sequence) this.waiting.shift()?.resolve();
  }

  /** No waiting write will ever be applied (its storage failed): each is told, and so are later ones. */
  fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
