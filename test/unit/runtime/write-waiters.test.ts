import fc from 'fast-check';
import { setImmediate as settled } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WriteWaiters } from '../../../src/runtime/write-waiters.js';

/**
 * The primary's group commit, as the waiters see it: a write is issued at once when no apply is in
 * flight, else held; an apply's completion issues everything held.
 */
class GroupCommit {
  readonly waiters = new WriteWaiters();
  readonly resolved = new Set<number>();
  appliedThrough = 0;
  private inflightLast: number | null = null;
  private held: number[] = [];
  private next = 1;

  write(): void {
    const sequence = this.next;
    this.next += 1;
    const issued = this.inflightLast === null;
    if (issued) this.inflightLast = sequence;
    else this.held.push(sequence);
    void this.waiters.wait(sequence, issued).then(() => this.resolved.add(sequence));
  }

  complete(): void {
    if (this.inflightLast === null) return;
    this.appliedThrough = this.inflightLast;
    this.waiters.applied(this.inflightLast);
    this.inflightLast = this.held[this.held.length - 1] ?? null;
    this.held = [];
  }

  get written(): number {
    return this.next - 1;
  }
}

describe('WriteWaiters', () => {
  it('resolves the writes of one apply together, once it is applied', async () => {
    const commit = new GroupCommit();
    commit.write(); // issued at once
    commit.write(); // held, with the next, for the apply after it
    commit.write();
    commit.complete();
    await settled();
    expect([...commit.resolved]).toEqual([1]);
    commit.complete();
    await settled();
    expect([...commit.resolved].sort()).toEqual([1, 2, 3]);
  });

  it('resolves each write exactly when the apply that carries it completes, for any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 60 }), async (steps) => {
        const commit = new GroupCommit();
        for (const isWrite of [...steps, false, false]) {
          if (isWrite) commit.write();
          else commit.complete();
          await settled();
          for (let sequence = 1; sequence <= commit.written; sequence += 1) expect(commit.resolved.has(sequence), `write ${sequence}`).toBe(sequence <= commit.appliedThrough);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects the waiting writes and every later one once storage failed', async () => {
    const waiters = new WriteWaiters();
    const [issued, held] = [waiters.wait(1, true), waiters.wait(2, false)];
    waiters.fail(new Error('disk gone'));
    await expect(issued).rejects.toThrow('disk gone');
    await expect(held).rejects.toThrow('disk gone');
    await expect(waiters.wait(3, true)).rejects.toThrow('disk gone');
  });
});
