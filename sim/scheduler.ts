import { MinHeap } from '../src/core/min-heap.js';

interface Task {
  readonly atMs: number;
  readonly order: number;
  readonly run: () => void;
}

/** Virtual time: tasks ordered by (time, insertion number), so equal times run in a fixed order. */
export class Scheduler {
  private readonly heap = new MinHeap<Task>((a, b) => a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order));
  private nextOrder = 0;

  get size(): number {
    return this.heap.size;
  }

  at(atMs: number, run: () => void): void {
    this.heap.push({ atMs, order: this.nextOrder, run });
    this.nextOrder += 1;
  }

  peekMs(): number | undefined {
    return this.heap.peek()?.atMs;
  }

  pop(): Task | undefined {
    return this.heap.pop();
  }
}
