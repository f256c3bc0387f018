import { Fifo } from '../core/codec/fifo.js';
import { BacklogFullError, LimitExceededError } from '../core/errors.js';
import type { Operation } from '../core/operation.js';
import type { ReplicatedWriteOptions } from './replica-waits.js';

/** Submits a write to the primary: its promise, or a throw when the primary refuses it. */
export type SubmitWrite = (op: Operation, replicas: ReplicatedWriteOptions) => Promise<void>;

interface HeldWrite {
  readonly op: Operation;
  readonly replicas: ReplicatedWriteOptions;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Writes the primary held back (BacklogFullError: a secondary keeping up needs the log's whole
 * backlog), in the order they were made, until it takes them. A write made while any is held waits
 * behind them, so writes are applied in the order they were made. At most `heldMax` wait; one more
 * is refused with LimitExceededError.
 */
export class PacedWrites {
  private readonly held = new Fifo<HeldWrite>();
  private releasing = false;

  constructor(private readonly heldMax: number) {}

  get waiting(): number {
    return this.held.length;
  }

  hold(op: Operation, replicas: ReplicatedWriteOptions): Promise<void> {
    if (this.held.length >= this.heldMax) {
      throw new LimitExceededError(`${this.held.length} writes held while a secondary catches up (pacedWritesMax)`);
    }
    return new Promise((resolve, reject) => this.held.push({ op, replicas, resolve, reject }));
  }

  /** Submits the held writes in order until the primary holds one back again; a refusal for another reason fails that write alone. */
  release(submit: SubmitWrite): void {
    if (this.releasing) return;
    this.releasing = true;
    try {
      this.submitHeld(submit);
    } finally {
      this.releasing = false;
    }
  }

  /** None of them will be submitted (the primary closed): each is told. */
  fail(error: Error): void {
    for (let write = this.held.shift(); write !== undefined; write = this.held.shift()) write.reject(error);
  }

  private submitHeld(submit: SubmitWrite): void {
    for (let write = this.held.peek(); write !== undefined; write = this.held.peek()) {
      let applied: Promise<void>;
      try {
        applied = submit(write.op, write.replicas);
      } catch (error) {
        if (error instanceof BacklogFullError) return;
        this.held.shift();
        write.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      this.held.shift();
      applied.then(write.resolve, write.reject);
    }
  }
}
