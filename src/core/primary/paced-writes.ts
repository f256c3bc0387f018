import { assert } from '../assert.js';
import { Fifo } from '../codec/fifo.js';
import { BacklogFullError, LimitExceededError, PendingWritesFullError } from '../errors.js';

/** What `attempt` returns for a write that must wait: the caller hands it to `hold`. */
export const HELD: unique symbol = Symbol('held');

/**
 * Writes the primary held back (its submitWrite threw BacklogFullError: a secondary keeping up
 * needs the log's whole backlog), kept in the order they were made until it takes them. A write
 * made while any is held waits behind them, so writes are applied in the order they were made. At
 * most `heldMax` wait; one more is refused with LimitExceededError.
 *
 * Pure: the runtime keeps its writers' promises here and the simulator its workload's writes, so
 * the order and the release the runtime relies on run under the simulator's faults too.
 */
export class PacedWrites<W> {
  private readonly held = new Fifo<W>();
  private releasing = false;

  /** `refuse`: tells a held write, once, that it will not be applied. */
  constructor(
    private readonly heldMax: number,
    private readonly refuse: (write: W, error: Error) => void,
  ) {
    assert(Number.isSafeInteger(heldMax) && heldMax >= 0, 'PacedWrites: heldMax is a count');
  }

  get waiting(): number {
    return this.held.length;
  }

  /**
   * A write made now: `submit(a, b, c)`'s result, or HELD when it must wait, behind writes
   * already held or because the primary held it back. Any other refusal is thrown to the writer.
   * Arguments passed along rather than a closure taken: every write of the runtime comes here, and
   * without a closure per write the primary's write path took 0.94 to 0.99 of the CPU (`npm run
   * bench:runtime:pair -- DIR 100000 30 --secondaries 0`, three runs).
   */
  attempt<A, B, C, R>(submit: (a: A, b: B, c: C) => R, a: A, b: B, c: C): R | typeof HELD {
    if (this.held.length > 0) return HELD;
    try {
      return submit(a, b, c);
    } catch (error) {
      if (error instanceof BacklogFullError) return HELD;
      throw error;
    }
  }

  /** Keeps a write `attempt` returned HELD for, after those held before it; throws LimitExceededError past heldMax. */
  hold(write: W): void {
    if (this.held.length >= this.heldMax) {
      throw new LimitExceededError(`${this.held.length} writes held while a secondary catches up (pacedWritesMax)`);
    }
    this.held.push(write);
  }

  /**
   * Submits the held writes in order until the primary holds one back again, or its storage has
   * pendingWritesMax writes to do (its next answer is an input, after which the runtime and the
   * simulator release again); one refused for another reason is refused alone. Not re-entered: a
   * submission that releases again (the runtime's settled hook runs inside it) returns at once.
   */
  release(submit: (write: W) => void): void {
    if (this.releasing) return;
    this.releasing = true;
    try {
      this.submitHeld(submit);
    } finally {
      this.releasing = false;
    }
  }

  /** None of them will be submitted (the primary closed or crashed): each is refused. */
  fail(error: Error): void {
    for (let write = this.held.shift(); write !== undefined; write = this.held.shift()) this.refuse(write, error);
  }

  private submitHeld(submit: (write: W) => void): void {
    for (let write = this.held.peek(); write !== undefined; write = this.held.peek()) {
      try {
        submit(write);
      } catch (error) {
        if (error instanceof BacklogFullError || error instanceof PendingWritesFullError) return;
        this.held.shift();
        this.refuse(write, error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      this.held.shift();
    }
  }
}
