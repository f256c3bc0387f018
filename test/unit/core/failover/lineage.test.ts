import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { cursorOf, epochOf, holdsPrefixOf } from '../../../../src/core/failover/lineage.js';

const OLD = 'a'.repeat(32);
const NEW = 'b'.repeat(32);

describe('holdsPrefixOf', () => {
  const promoted = { replicationId: NEW, previous: { replicationId: OLD, endSequence: 5 } };

  it('holds its own history at any sequence', () => {
    expect(holdsPrefixOf(promoted, NEW, 0)).toBe(true);
    expect(holdsPrefixOf(promoted, NEW, 1_000)).toBe(true);
  });

  it('holds the previous history up to where it ended, and not one sequence past it', () => {
    expect(holdsPrefixOf(promoted, OLD, 0)).toBe(true);
    expect(holdsPrefixOf(promoted, OLD, 5)).toBe(true);
    expect(holdsPrefixOf(promoted, OLD, 6)).toBe(false);
  });

  it('holds no other history, nor none, nor a previous one of a primary that succeeds nobody', () => {
    expect(holdsPrefixOf(promoted, 'c'.repeat(32), 0)).toBe(false);
    expect(holdsPrefixOf(promoted, null, 0)).toBe(false);
    expect(holdsPrefixOf({ replicationId: NEW, previous: null }, OLD, 0)).toBe(false);
  });

  it('asserts that the applied sequence is one', () => {
    expect(() => holdsPrefixOf(promoted, NEW, -1)).toThrow(new AssertionError('appliedSequence must be a sequence'));
    expect(() => holdsPrefixOf(promoted, NEW, 1.5)).toThrow(new AssertionError('appliedSequence must be a sequence'));
  });
});

describe('cursors and epochs', () => {
  it('writes the epoch only above 0, and reads its absence as 0', () => {
    expect(cursorOf(OLD, 3, 0)).toEqual({ replicationId: OLD, sequence: 3 });
    expect(cursorOf(OLD, 3, 2)).toEqual({ replicationId: OLD, sequence: 3, epoch: 2 });
    expect(epochOf(null)).toBe(0);
    expect(epochOf({ replicationId: OLD, sequence: 3 })).toBe(0);
    expect(epochOf({ replicationId: OLD, sequence: 3, epoch: 7 })).toBe(7);
  });

  it('refuses an epoch that is not a non-negative integer', () => {
    expect(() => epochOf({ replicationId: OLD, sequence: 3, epoch: -1 })).toThrow(/epoch/);
    expect(() => epochOf({ replicationId: OLD, sequence: 3, epoch: 1.5 })).toThrow(/epoch/);
  });
});
