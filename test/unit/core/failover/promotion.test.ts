import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { promotionOf } from '../../../../src/core/failover/promotion.js';
import { entry, HISTORY } from '../../../support/secondary.js';

describe('promotionOf', () => {
  it('takes the next epoch and continues the history the secondary holds, where it stands', () => {
    const promotion = promotionOf({ position: { replicationId: HISTORY, sequence: 5, epoch: 2 }, entries: [entry(4), entry(5)] });
    expect(promotion.epoch).toBe(3);
    expect(promotion.succeeds?.previous).toEqual({ replicationId: HISTORY, endSequence: 5 });
    expect(promotion.succeeds?.entries.map((held) => held.sequence)).toEqual([4, 5]);
  });

  it('continues nothing for a secondary that holds no history yet', () => {
    expect(promotionOf({ position: null, entries: [] })).toEqual({ epoch: 1, succeeds: null });
  });

  it('refuses a log that does not end where the secondary stands, or has a hole', () => {
    expect(() => promotionOf({ position: { replicationId: HISTORY, sequence: 6 }, entries: [entry(4), entry(5)] })).toThrow(/ends at 5/);
    expect(() => promotionOf({ position: { replicationId: HISTORY, sequence: 5 }, entries: [entry(3), entry(5)] })).toThrow(/consecutive/);
  });

  it('takes an empty log: the secondary kept none, its peers at its position still continue', () => {
    expect(promotionOf({ position: { replicationId: HISTORY, sequence: 9 }, entries: [] }).succeeds?.entries).toEqual([]);
  });

  it('takes a log that starts at sequence 1, and asserts on one that starts before it', () => {
    const whole = promotionOf({ position: { replicationId: HISTORY, sequence: 2 }, entries: [entry(1), entry(2)] });
    expect(whole.succeeds?.entries.map((held) => held.sequence)).toEqual([1, 2]);
    expect(() => promotionOf({ position: { replicationId: HISTORY, sequence: 1 }, entries: [entry(0), entry(1)] })).toThrow(
      new AssertionError('a handed-over log starts at sequence 1 or later'),
    );
  });

  it('asserts that a secondary without a position hands over no log', () => {
    expect(() => promotionOf({ position: null, entries: [entry(1)] })).toThrow(new AssertionError('a handover without a position holds no log'));
  });
});
