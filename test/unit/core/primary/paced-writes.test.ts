import { describe, expect, it } from 'vitest';
import { BacklogFullError, LimitExceededError, NotReadyError, PendingWritesFullError, StorageFailedError } from '../../../../src/core/errors.js';
import { HELD, PacedWrites } from '../../../../src/core/primary/paced-writes.js';

/** Held writes by name, and what each was told when refused. */
function pacedWrites(heldMax: number): { paced: PacedWrites<string>; refused: Map<string, Error> } {
  const refused = new Map<string, Error>();
  return { paced: new PacedWrites<string>(heldMax, (write, error) => refused.set(write, error)), refused };
}

/** A primary that takes `room` writes, then holds the next back; it records what it took. */
function primaryWithRoom(room: number): { taken: string[]; submit: (write: string) => void } {
  const taken: string[] = [];
  const submit = (write: string): void => {
    if (taken.length >= room) throw new BacklogFullError('full');
    taken.push(write);
  };
  return { taken, submit };
}

describe('PacedWrites', () => {
  it('submits a write at once while none is held, and holds it when the primary holds it back', () => {
    const { paced } = pacedWrites(10);
    const primary = primaryWithRoom(1);
    expect(paced.attempt(primary.submit, 'a', null, null)).toBeUndefined();
    expect(paced.attempt(primary.submit, 'b', null, null)).toBe(HELD);
    expect(primary.taken).toEqual(['a']);
  });

  it('puts a write made while others are held behind them, without offering it to the primary', () => {
    const { paced } = pacedWrites(10);
    paced.hold('a');
    let offered = false;
    const offer = (): void => {
      offered = true;
    };
    expect(paced.attempt(offer, null, null, null)).toBe(HELD);
    expect(offered).toBe(false);
  });

  it('throws any other refusal to the writer', () => {
    const { paced } = pacedWrites(10);
    const failing = (): void => {
      throw new StorageFailedError('gone');
    };
    expect(() => paced.attempt(failing, null, null, null)).toThrow(StorageFailedError);
    expect(paced.waiting).toBe(0);
  });

  it('submits held writes in the order they were made, as far as the primary takes them', () => {
    const { paced } = pacedWrites(10);
    for (const write of ['a', 'b', 'c']) paced.hold(write);
    const primary = primaryWithRoom(2);
    paced.release(primary.submit);
    expect(primary.taken).toEqual(['a', 'b']);
    expect(paced.waiting).toBe(1);
  });

  it('keeps a held write held when the primary has pendingWritesMax writes for its storage: the release outran it', () => {
    const { paced, refused } = pacedWrites(10);
    for (const write of ['a', 'b']) paced.hold(write);
    const taken: string[] = [];
    paced.release((write) => {
      if (taken.length === 1) throw new PendingWritesFullError('pending');
      taken.push(write);
    });
    expect(taken).toEqual(['a']);
    expect(refused.size).toBe(0);
    expect(paced.waiting).toBe(1);
  });

  it('refuses a held write the primary refuses for another reason, and goes on with the next', () => {
    const { paced, refused } = pacedWrites(10);
    paced.hold('a');
    paced.hold('b');
    const taken: string[] = [];
    paced.release((write) => {
      if (write === 'a') throw new StorageFailedError('gone');
      taken.push(write);
    });
    expect(refused.get('a')).toBeInstanceOf(StorageFailedError);
    expect(taken).toEqual(['b']);
    expect(paced.waiting).toBe(0);
  });

  it('refuses a write beyond pacedWritesMax with LimitExceededError', () => {
    const { paced } = pacedWrites(2);
    paced.hold('a');
    paced.hold('b');
    expect(() => paced.hold('c')).toThrow(LimitExceededError);
    expect(paced.waiting).toBe(2);
  });

  it('refuses every held write when they will never be submitted', () => {
    const { paced, refused } = pacedWrites(10);
    paced.hold('a');
    paced.hold('b');
    paced.fail(new NotReadyError('primary is closed'));
    expect([...refused.keys()]).toEqual(['a', 'b']);
    for (const error of refused.values()) expect(error).toBeInstanceOf(NotReadyError);
    expect(paced.waiting).toBe(0);
  });

  it('is not re-entered by a submission that releases again', () => {
    const { paced } = pacedWrites(10);
    for (const write of ['a', 'b']) paced.hold(write);
    const order: string[] = [];
    const submit = (write: string): void => {
      order.push(write);
      paced.release(submit); // as the runtime's settled hook does, from inside a submission
    };
    paced.release(submit);
    expect(order).toEqual(['a', 'b']);
  });
});
