import { describe, expect, it } from 'vitest';
import { BacklogFullError, LimitExceededError, NotReadyError, StorageFailedError } from '../../../src/core/errors.js';
import type { Operation } from '../../../src/core/operation.js';
import { PacedWrites } from '../../../src/runtime/paced-writes.js';
import { set } from '../../support/ops.js';

/** A primary that takes `room` writes, then holds the next back; it records what it took. */
function primaryWithRoom(room: number): { taken: string[]; submit: (op: Operation) => Promise<void> } {
  const taken: string[] = [];
  const submit = (op: Operation): Promise<void> => {
    if (taken.length >= room) throw new BacklogFullError('full');
    taken.push(op.type === 'SET' ? op.path : op.type);
    return Promise.resolve();
  };
  return { taken, submit };
}

describe('PacedWrites', () => {
  it('submits held writes in the order they were made, as far as the primary takes them', async () => {
    const paced = new PacedWrites(10);
    const settled: string[] = [];
    for (const path of ['a', 'b', 'c']) void paced.hold(set(path, 'v'), {}).then(() => settled.push(path));
    const primary = primaryWithRoom(2);
    paced.release(primary.submit);
    expect(primary.taken).toEqual(['a', 'b']);
    expect(paced.waiting).toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toEqual(['a', 'b']);
  });

  it('fails a held write the primary refuses for another reason, and goes on with the next', async () => {
    const paced = new PacedWrites(10);
    const first = paced.hold(set('a', 'v'), {});
    const second = paced.hold(set('b', 'v'), {});
    let calls = 0;
    paced.release(() => {
      calls += 1;
      if (calls === 1) throw new StorageFailedError('gone');
      return Promise.resolve();
    });
    await expect(first).rejects.toThrow(StorageFailedError);
    await expect(second).resolves.toBeUndefined();
    expect(paced.waiting).toBe(0);
  });

  it('refuses a write beyond pacedWritesMax with LimitExceededError', () => {
    const paced = new PacedWrites(2);
    void paced.hold(set('a', 'v'), {});
    void paced.hold(set('b', 'v'), {});
    expect(() => paced.hold(set('c', 'v'), {})).toThrow(LimitExceededError);
  });

  it('tells every held write when they will never be submitted', async () => {
    const paced = new PacedWrites(10);
    const held = [paced.hold(set('a', 'v'), {}), paced.hold(set('b', 'v'), {})];
    paced.fail(new NotReadyError('primary is closed'));
    for (const write of held) await expect(write).rejects.toThrow(NotReadyError);
    expect(paced.waiting).toBe(0);
  });

  it('is not re-entered by a submission that releases again', () => {
    const paced = new PacedWrites(10);
    for (const path of ['a', 'b']) void paced.hold(set(path, 'v'), {});
    const order: string[] = [];
    const submit = (op: Operation): Promise<void> => {
      order.push(op.type === 'SET' ? op.path : op.type);
      paced.release(submit); // as the driver's settled hook does, from inside a submission
      return Promise.resolve();
    };
    paced.release(submit);
    expect(order).toEqual(['a', 'b']);
  });
});
