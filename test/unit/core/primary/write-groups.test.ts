import { describe, expect, it } from 'vitest';
import { WriteGroups, type WriteGroup } from '../../../../src/core/primary/write-groups.js';

function groups(): WriteGroups<WriteGroup> {
  return new WriteGroups<WriteGroup>(() => ({ lastSequence: 0 }));
}

describe('WriteGroups', () => {
  it('puts the writes held behind an apply in one group, which the next issued write closes', () => {
    const waiting = groups();
    const first = waiting.wait(1, true);
    const held = waiting.wait(2, false);
    expect(waiting.wait(3, false)).toBe(held);
    expect(held.lastSequence).toBe(3);
    expect(waiting.wait(4, true)).toBe(held); // issued with the held ones: their apply
    expect(waiting.wait(5, true)).not.toBe(held);
    expect(first).not.toBe(held);
  });

  it('tells a group only once its last write is applied, oldest first', () => {
    const waiting = groups();
    const first = waiting.wait(1, true);
    const held = waiting.wait(2, false);
    waiting.wait(3, false);
    expect(waiting.applied(1)).toEqual([first]);
    expect(waiting.applied(2)).toEqual([]);
    expect(waiting.applied(3)).toEqual([held]);
    expect(waiting.applied(3)).toEqual([]);
  });

  it('gives up every group waiting when the storage failed', () => {
    const waiting = groups();
    const first = waiting.wait(1, true);
    const held = waiting.wait(2, false);
    expect(waiting.abandon()).toEqual([first, held]);
    expect(waiting.applied(2)).toEqual([]);
  });
});
