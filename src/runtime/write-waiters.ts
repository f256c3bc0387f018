/**
 * Callers waiting for their write to be applied by the primary's storage. Sequences are issued in
 * increasing order and applied in order, so the waiters form a queue.
 *
 * The writes one storage apply carries share one promise: the primary hands storage every write
 * that arrived while the apply before was in flight (a group commit), so a group opens with the
 * first write after an apply was issued and closes when the next one is. A promise per write (with
 * its two resolving functions and their context) lived as long as its write was in flight, long
 * enough for the young generation's collector to copy it with a thousand in flight. A group is
 * resolved once its last write is applied: a write is never told so before it is.
 */
export class WriteWaiters {
  /** Oldest first: the apply in flight's and the open one, so rarely more than two (the writes themselves are bounded by the core's pendingWritesMax). */
  private readonly groups: Group[] = [];
  /** The group taking the writes not yet handed to storage; null once they were. */
  private open: Group | null = null;
  private failure: Error | null = null;

  /** `issued`: the write is in an apply already handed to storage, with every write of the open group. */
  wait(sequence: number, issued: boolean): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const group = this.open ?? this.openGroup();
    group.lastSequence = sequence;
    this.open = issued ? null : group;
    return group.promise;
  }

  /** Everything up to `sequence` is applied; the primary issues the writes it held meanwhile at once. */
  applied(sequence: number): void {
    this.open = null;
    while (this.groups.length > 0 && (this.groups[0]?.lastSequence ?? Infinity) <= sequence) this.groups.shift()?.resolve();
  }

  /** No waiting write will ever be applied (its storage failed): each is told, and so are later ones. */
  fail(error: Error): void {
    this.failure = error;
    this.open = null;
    for (const group of this.groups.splice(0)) group.reject(error);
  }

  private openGroup(): Group {
    let settle: Pick<Group, 'resolve' | 'reject'> | undefined;
    const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const group = { lastSequence: 0, promise, ...(settle as Pick<Group, 'resolve' | 'reject'>) };
    this.groups.push(group);
    return group;
  }
}

interface Group {
  lastSequence: number;
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}
