import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { LogCorruptError } from '../../../../src/core/errors.js';
import { planRecovery, type LogExtent } from '../../../../src/core/log-persistence/recovery.js';

const log: LogExtent = { historyId: 'h', base: null, firstSequence: 5, lastSequence: 9, closed: false };

describe('planRecovery', () => {
  it('replays what the log holds beyond the storage and continues the history, with always', () => {
    expect(planRecovery(log, { replicationId: 'h', sequence: 7 }, 'always')).toEqual({ kind: 'continue', replayFrom: 8 });
    expect(planRecovery(log, { replicationId: 'h', sequence: 4 }, 'always')).toEqual({ kind: 'continue', replayFrom: 5 });
    expect(planRecovery(log, { replicationId: 'h', sequence: 9 }, 'always')).toEqual({ kind: 'continue', replayFrom: 10 });
  });

  it('continues after a clean shutdown whatever the policy, and ends the history after a crash without always', () => {
    expect(planRecovery({ ...log, closed: true }, { replicationId: 'h', sequence: 9 }, 'everysec').kind).toBe('continue');
    const crashed = planRecovery(log, { replicationId: 'h', sequence: 7 }, 'everysec');
    expect(crashed).toMatchObject({ kind: 'newHistory', replayFrom: 8 });
    expect(planRecovery(log, { replicationId: 'h', sequence: 7 }, 'no')).toMatchObject({ kind: 'newHistory', replayFrom: 8 });
  });

  it('ends the history when the storage is ahead of the log (its unsynced tail lost), replaying nothing', () => {
    const plan = planRecovery(log, { replicationId: 'h', sequence: 10 }, 'always');
    expect(plan).toMatchObject({ kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY });
    if (plan.kind === 'newHistory') expect(plan.why).toMatch(/storage holds sequence 10 of a log that ends at 9/);
  });

  it('replays the whole history onto the storage where it began (its base)', () => {
    const fromStart = { ...log, firstSequence: 1, base: { replicationId: 'old', sequence: 40 } };
    expect(planRecovery(fromStart, { replicationId: 'old', sequence: 40 }, 'always')).toEqual({ kind: 'continue', replayFrom: 1 });
    expect(planRecovery({ ...fromStart, base: null }, null, 'always')).toEqual({ kind: 'continue', replayFrom: 1 });
  });

  it('refuses a log that lacks records the storage needs, with a typed error', () => {
    expect(() => planRecovery(log, { replicationId: 'h', sequence: 3 }, 'always')).toThrow(LogCorruptError);
    expect(() => planRecovery(log, null, 'always')).toThrow(/log begins at sequence 5: the records before are missing/);
  });

  it('starts a new history over storage that another history replaced since, and with no log', () => {
    expect(planRecovery(log, { replicationId: 'other', sequence: 3 }, 'always').kind).toBe('newHistory');
    expect(planRecovery({ ...log, base: { replicationId: 'old', sequence: 1 } }, null, 'always').kind).toBe('newHistory');
    expect(planRecovery(null, { replicationId: 'x', sequence: 3 }, 'always')).toMatchObject({ kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY });
  });

  it('says why it starts a new history: the why is what an operator reads in the log', () => {
    expect(planRecovery(null, null, 'always')).toEqual({ kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY, why: 'no persisted log' });
    expect(planRecovery(log, { replicationId: 'other', sequence: 3 }, 'always')).toEqual({
      kind: 'newHistory', replayFrom: Number.POSITIVE_INFINITY, why: 'the storage holds another history than the log (it was replaced since, as a secondary)',
    });
    expect(planRecovery(log, { replicationId: 'h', sequence: 7 }, 'no')).toEqual({
      kind: 'newHistory', replayFrom: 8, why: 'log fsync \'no\' and no clean shutdown: secondaries may hold sequences the log lost',
    });
  });

  it('names the records a log lacks', () => {
    expect(() => planRecovery(log, { replicationId: 'h', sequence: 3 }, 'always')).toThrow(
      new LogCorruptError('the storage stands at sequence 3 and the log begins at 5: the records between are missing; restore the log with its storage'),
    );
  });

  it('matches the storage with the log\'s base on both the history and the sequence', () => {
    const fromStart = { ...log, firstSequence: 1, base: { replicationId: 'old', sequence: 40 } };
    expect(planRecovery(fromStart, { replicationId: 'old', sequence: 41 }, 'always').kind).toBe('newHistory');
    expect(planRecovery(fromStart, { replicationId: 'other', sequence: 40 }, 'always').kind).toBe('newHistory');
  });

  it('takes a log that holds no record yet, and asserts on an extent that ends before it begins', () => {
    const empty = { ...log, firstSequence: 1, lastSequence: 0 };
    expect(planRecovery(empty, null, 'always')).toEqual({ kind: 'continue', replayFrom: 1 });
    expect(() => planRecovery({ ...empty, lastSequence: -1 }, null, 'always')).toThrow(new AssertionError('a log extent ends before it begins'));
    expect(() => planRecovery({ ...empty, firstSequence: 0, lastSequence: 0 }, null, 'always')).toThrow(new AssertionError('a log extent ends before it begins'));
    expect(() => planRecovery({ ...log, firstSequence: 1.5 }, null, 'always')).toThrow(new AssertionError('log.firstSequence must be a non-negative safe integer, got 1.5'));
  });
});
