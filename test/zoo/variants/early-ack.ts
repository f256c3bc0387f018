import { Secondary } from '../../../src/core/secondary/secondary.js';
import type { IssuedWork, Work } from '../../../src/core/secondary/work.js';

/**
 * Issue 8: data frames acknowledged on receipt instead of when their work is done. The primary's
 * window then never fills, so a disk slower than the stream lets the queue of work grow with the
 * burst instead of slowing the primary down. Nothing is lost: only a bound is broken.
 */
export class EarlyAckSecondary extends Secondary {
  protected override enqueue(item: Work): void {
    if (item.kind === 'apply') this.release(item.frameBytes);
    super.enqueue(item);
  }

  /** Applied work frees nothing more: its bytes went back when its frame arrived. */
  protected override completeWork(done: IssuedWork, durable: boolean): void {
    super.completeWork(done.request.kind === 'apply' ? { ...done, frameBytes: 0 } : done, durable);
  }
}
