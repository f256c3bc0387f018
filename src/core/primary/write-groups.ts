/**
 * Writers waiting for their write to be applied by the primary's storage, in groups. Sequences are
 * issued in increasing order and applied in order, so the groups form a queue.
 *
 * The writes one storage apply carries share one group: the primary hands storage every write that
 * arrived while the apply before was in flight (a group commit), so a group opens with the first
 * write after an apply was issued and closes when the next one is. A group is told once its last
 * write is applied: a write is never told so before it is. Pure, so that the runtime (one promise
 * per group, write-waiters.ts) and the simulator (which checks what its writers were told) group
 * alike.
 */
export interface WriteGroup {
  /** The newest write the group holds. */
  lastSequence: number;
}

export class WriteGroups<G extends WriteGroup> {
  /** Oldest first: the apply in flight's and the open one, so rarely more than two (the writes themselves are bounded by the core's pendingWritesMax). */
  private readonly groups: G[] = [];
  /** The group taking the writes not yet handed to storage; null once they were. */
  private open: G | null = null;

  constructor(private readonly makeGroup: () => G) {}

  /** The group `sequence` joins; `issued`: the write is in an apply already handed to storage, with every write of the open group. */
  wait(sequence: number, issued: boolean): G {
    let group = this.open;
    if (group === null) {
      group = this.makeGroup();
      this.groups.push(group);
    }
    group.lastSequence = sequence;
    this.open = issued ? null : group;
    return group;
  }

  /** Everything up to `sequence` is applied: the groups that holds, oldest first, for their writers to be told. */
  applied(sequence: number): G[] {
    this.open = null;
    let done = 0;
    while (done < this.groups.length && this.groups[done]!.lastSequence <= sequence) done += 1;
    return this.groups.splice(0, done);
  }

  /** Every group still waiting, which none of its writes will leave now (the storage failed). */
  abandon(): G[] {
    this.open = null;
    return this.groups.splice(0);
  }
}
