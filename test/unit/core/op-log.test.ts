import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { OperationLog, type OperationLogLimits } from '../../../src/core/op-log.js';
import type { DeleteOperation, LogEntry } from '../../../src/core/operation.js';
import { survivors, watch } from '../../support/collected.js';
import { keepsText } from '../../support/kept-text.js';

function entry(sequence: number): LogEntry & { readonly op: DeleteOperation } {
  return { sequence, timestampMs: 1000 + sequence, op: { type: 'DELETE', path: `p${sequence}` } };
}

function logWith(limits: OperationLogLimits, sizes: readonly number[], startAfterSequence = 0): OperationLog {
  const log = new OperationLog(limits, startAfterSequence);
  sizes.forEach((size, index) => log.append(entry(startAfterSequence + index + 1), size));
  return log;
}

function retainedSequences(log: OperationLog): number[] {
  const sequences: number[] = [];
  for (let sequence = log.firstSequence; sequence <= log.lastSequence; sequence += 1) sequences.push(log.entryAt(sequence).sequence);
  return sequences;
}

/** Appends `count` entries to a log that keeps `kept` of them; a function of its own, so that no variable of the async test holds an entry. */
function appendWatched(log: OperationLog, count: number): WeakRef<object>[] {
  const entries = Array.from({ length: count }, (_, index) => entry(index + 1));
  for (const each of entries) log.append(each, 1);
  return watch(entries);
}

const roomy: OperationLogLimits = { logEntriesMax: 1000, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 };

describe('OperationLog', () => {
  it('keeps the writes its storage has yet to apply beyond every bound, and lets them go once applied', () => {
    const tight: OperationLogLimits = { logEntriesMax: 2, logBytesMax: 2, replicaBacklogBytesMax: 1 };
    const log = new OperationLog(tight);
    log.appliedThrough(0, Number.POSITIVE_INFINITY);
    for (let sequence = 1; sequence <= 5; sequence += 1) log.append(entry(sequence), 1);
    expect(retainedSequences(log)).toEqual([1, 2, 3, 4, 5]);
    log.invariants();
    log.appliedThrough(3, Number.POSITIVE_INFINITY);
    expect(retainedSequences(log)).toEqual([4, 5]);
    log.invariants();
  });

  it('lets applied writes go only as far as a secondary that needs them allows, within the backlog', () => {
    const log = new OperationLog({ logEntriesMax: 2, logBytesMax: 2, replicaBacklogBytesMax: 2 });
    log.appliedThrough(0, Number.POSITIVE_INFINITY);
    for (let sequence = 1; sequence <= 5; sequence += 1) log.append(entry(sequence), 1);
    log.appliedThrough(5, 2);
    expect(retainedSequences(log)).toEqual([2, 3, 4, 5]);
    log.invariants();
  });

  it('starts empty after startAfterSequence and covers only the next sequence', () => {
    const log = new OperationLog(roomy, 41);
    expect(log.size).toBe(0);
    expect(log.bytes).toBe(0);
    expect(log.lastSequence).toBe(41);
    expect(log.firstSequence).toBe(42);
    expect(log.covers(42)).toBe(true);
    expect(log.covers(41)).toBe(false);
    expect(log.covers(43)).toBe(false);
    expect(log.covers(0)).toBe(false);
    expect(log.bytesAfter(0)).toBe(0);
    expect(log.bytesAfter(41)).toBe(0);
    log.invariants();
  });

  it('starts at sequence 0 by default', () => {
    const log = new OperationLog(roomy);
    expect(log.lastSequence).toBe(0);
    expect(log.covers(1)).toBe(true);
    expect(log.covers(0)).toBe(false);
  });

  it('refuses a negative or fractional startAfterSequence', () => {
    expect(() => new OperationLog(roomy, -1)).toThrow(AssertionError);
    expect(() => new OperationLog(roomy, 1.5)).toThrow(AssertionError);
  });

  it('keeps appended entries in order and serves them by sequence', () => {
    const log = logWith(roomy, [10, 20, 30], 5);
    expect(log.size).toBe(3);
    expect(log.bytes).toBe(60);
    expect(log.firstSequence).toBe(6);
    expect(log.lastSequence).toBe(8);
    expect(retainedSequences(log)).toEqual([6, 7, 8]);
    expect(log.entryAt(7)).toEqual(entry(7));
    expect(log.sizeAt(6)).toBe(10);
    expect(log.sizeAt(7)).toBe(20);
    expect(log.sizeAt(8)).toBe(30);
  });

  it('refuses an append out of order', () => {
    const log = logWith(roomy, [10, 10]);
    expect(() => log.append(entry(2), 10)).toThrow(AssertionError);
    expect(() => log.append(entry(4), 10)).toThrow(AssertionError);
    expect(log.lastSequence).toBe(2);
    expect(log.size).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses an entry size of %s', (size) => {
    const log = new OperationLog(roomy);
    expect(() => log.append(entry(1), size)).toThrow(AssertionError);
    expect(log.size).toBe(0);
  });

  it.each([0, -1])('refuses a neededFrom of %s: it must be a sequence', (neededFrom) => {
    const log = new OperationLog(roomy);
    expect(() => log.append(entry(1), 10, neededFrom)).toThrow(new AssertionError('neededFrom must be a sequence'));
  });

  it("once told to, keeps an operation's encodings while it is in the log, and lets them go when it is evicted", () => {
    const log = new OperationLog({ logEntriesMax: 1, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 });
    log.keepEncodings();
    const first = entry(1);
    log.append(first, 10);
    expect(keepsText(first.op)).toBe(true);
    log.append(entry(2), 10);
    expect(keepsText(first.op)).toBe(false);
  });

  it('keeps no encodings until told to, nor for what it held before', () => {
    const log = new OperationLog(roomy);
    const [before, after] = [entry(1), entry(2)];
    log.append(before, 10);
    log.keepEncodings();
    log.append(after, 10);
    expect(keepsText(before.op)).toBe(false);
    expect(keepsText(after.op)).toBe(true);
  });

  it('evicts the oldest entries beyond logEntriesMax', () => {
    const log = logWith({ logEntriesMax: 3, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 }, [1, 2, 3, 4, 5]);
    expect(log.size).toBe(3);
    expect(retainedSequences(log)).toEqual([3, 4, 5]);
    expect(log.bytes).toBe(12);
    expect(log.firstSequence).toBe(3);
    log.invariants();
  });

  it('evicts the oldest entries beyond logBytesMax', () => {
    const log = logWith({ logEntriesMax: 100, logBytesMax: 100, replicaBacklogBytesMax: 0 }, [40, 40, 40]);
    expect(retainedSequences(log)).toEqual([2, 3]);
    expect(log.bytes).toBe(80);
    log.append(entry(4), 20);
    expect(retainedSequences(log)).toEqual([2, 3, 4]);
    expect(log.bytes).toBe(100);
    log.append(entry(5), 1);
    expect(retainedSequences(log)).toEqual([3, 4, 5]);
    expect(log.bytes).toBe(61);
    log.invariants();
  });

  it('lets go of what it evicts, long before its next compaction', async () => {
    // A secondary's applied log: its evicted entries, with the frames their values view, stayed reachable, up to as many as it kept.
    const log = new OperationLog({ logEntriesMax: 10, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 });
    const refs = appendWatched(log, 50);
    expect(log.firstSequence).toBe(41);
    expect(await survivors(refs.slice(0, 40))).toBe(0);
    expect(await survivors(refs.slice(40))).toBe(10);
  });

  it('keeps the newest entry even when it alone is above logBytesMax', () => {
    const log = logWith({ logEntriesMax: 100, logBytesMax: 100, replicaBacklogBytesMax: 0 }, [10, 10, 500]);
    expect(log.size).toBe(1);
    expect(log.bytes).toBe(500);
    expect(log.firstSequence).toBe(3);
    expect(log.entryAt(3)).toEqual(entry(3));
    log.invariants();
    // The next append evicts the oversized one, as it no longer is the newest.
    log.append(entry(4), 10);
    expect(retainedSequences(log)).toEqual([4]);
    expect(log.bytes).toBe(10);
  });

  it('covers from its first sequence through lastSequence + 1 only', () => {
    const log = logWith({ logEntriesMax: 3, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 }, [1, 1, 1, 1, 1]);
    expect(log.firstSequence).toBe(3);
    expect(log.covers(2)).toBe(false);
    expect(log.covers(3)).toBe(true);
    expect(log.covers(5)).toBe(true);
    expect(log.covers(6)).toBe(true);
    expect(log.covers(7)).toBe(false);
    expect(log.covers(log.firstSequence - 1)).toBe(false);
    expect(log.covers(log.lastSequence + 1)).toBe(true);
  });

  it('refuses entryAt and sizeAt outside the retained range', () => {
    const log = logWith({ logEntriesMax: 3, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 }, [1, 2, 3, 4, 5]);
    expect(() => log.entryAt(2)).toThrow(AssertionError);
    expect(() => log.entryAt(6)).toThrow(AssertionError);
    expect(() => log.sizeAt(6)).toThrow(AssertionError);
    // An evicted entry's size must not be served either, though its slot may still be held.
    expect(() => log.sizeAt(2)).toThrow(AssertionError);
    expect(() => log.sizeAt(1)).toThrow(AssertionError);
  });

  it('counts the bytes after a sequence', () => {
    const log = logWith({ logEntriesMax: 3, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 }, [1, 2, 4, 8, 16]);
    // Retained: 3 (4 bytes), 4 (8 bytes), 5 (16 bytes).
    expect(log.bytesAfter(0)).toBe(28);
    expect(log.bytesAfter(2)).toBe(28);
    expect(log.bytesAfter(3)).toBe(24);
    expect(log.bytesAfter(4)).toBe(16);
    expect(log.bytesAfter(5)).toBe(0);
    expect(log.bytesAfter(99)).toBe(0);
  });

  it('stays consistent across compaction of its arrays', () => {
    const sizes = Array.from({ length: 3000 }, (_, index) => (index % 7) + 1);
    const log = logWith({ logEntriesMax: 5, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 }, sizes, 10);
    log.invariants();
    expect(log.lastSequence).toBe(3010);
    expect(retainedSequences(log)).toEqual([3006, 3007, 3008, 3009, 3010]);
    const retainedSizes = sizes.slice(-5);
    expect([3006, 3007, 3008, 3009, 3010].map((sequence) => log.sizeAt(sequence))).toEqual(retainedSizes);
    expect(log.bytes).toBe(retainedSizes.reduce((sum, size) => sum + size, 0));
    expect(log.bytesAfter(3007)).toBe(retainedSizes.slice(2).reduce((sum, size) => sum + size, 0));
    expect(log.bytesAfter(1)).toBe(log.bytes);
  });

  it('compacts its arrays when it retains many entries too', () => {
    const log = logWith({ logEntriesMax: 2000, logBytesMax: 1_000_000, replicaBacklogBytesMax: 0 }, new Array<number>(6000).fill(1));
    log.invariants();
    expect(retainedSequences(log)).toEqual(Array.from({ length: 2000 }, (_, index) => 4001 + index));
  });

  it('keeps what a connected secondary still needs beyond its bounds, up to replicaBacklogBytesMax more', () => {
    const log = new OperationLog({ logEntriesMax: 2, logBytesMax: 25, replicaBacklogBytesMax: 30 });
    for (let sequence = 1; sequence <= 6; sequence += 1) log.append(entry(sequence), 10, 2);
    expect(retainedSequences(log)).toEqual([2, 3, 4, 5, 6]);
    log.invariants();
    // 60 bytes from sequence 2 would pass logBytesMax + replicaBacklogBytesMax (55): the need is dropped.
    log.append(entry(7), 10, 2);
    expect(retainedSequences(log)).toEqual([3, 4, 5, 6, 7]);
    log.invariants();
    // Nothing needed any more: back within the plain bounds at once.
    log.append(entry(8), 10);
    expect(retainedSequences(log)).toEqual([7, 8]);
    log.invariants();
  });

  it('keeps what is needed, greedily within the backlog bound, for any appends, needs and limits', () => {
    const scenario = fc.record({
      logEntriesMax: fc.integer({ min: 1, max: 8 }),
      logBytesMax: fc.integer({ min: 1, max: 60 }),
      replicaBacklogBytesMax: fc.integer({ min: 1, max: 80 }),
      appends: fc.array(fc.record({ size: fc.integer({ min: 1, max: 40 }), neededBack: fc.option(fc.nat({ max: 12 })) }), { maxLength: 60 }),
    });
    fc.assert(fc.property(scenario, ({ appends, ...limits }) => {
      const log = new OperationLog(limits);
      const sizes: number[] = [0];
      let firstBefore = 1;
      for (const [index, { size, neededBack }] of appends.entries()) {
        const sequence = index + 1;
        const neededFrom = neededBack === null ? Number.POSITIVE_INFINITY : Math.max(1, sequence + 1 - neededBack);
        log.append(entry(sequence), size, neededFrom);
        sizes.push(size);
        log.invariants();
        const bytesFrom = (first: number): number => sizes.slice(first, sequence + 1).reduce((sum, item) => sum + item, 0);
        const plainOver = (first: number): boolean => sequence - first + 1 > limits.logEntriesMax || (first < sequence && bytesFrom(first) > limits.logBytesMax);
        const backlogOver = (first: number): boolean => first < sequence && bytesFrom(first) > limits.logBytesMax + limits.replicaBacklogBytesMax;
        expect(log.bytes).toBe(bytesFrom(log.firstSequence));
        // Each entry this append evicted broke a bound that applied to it; what stays breaks none.
        for (let evicted = firstBefore; evicted < log.firstSequence; evicted += 1) {
          expect(backlogOver(evicted) || (plainOver(evicted) && evicted < neededFrom), `evicted ${evicted}`).toBe(true);
        }
        expect(backlogOver(log.firstSequence) || (plainOver(log.firstSequence) && log.firstSequence < neededFrom)).toBe(false);
        firstBefore = log.firstSequence;
      }
    }), { numRuns: 500 });
  });

  it('holds its invariants and matches a naive model for any appends and limits', () => {
    const scenario = fc.record({
      logEntriesMax: fc.integer({ min: 1, max: 8 }),
      logBytesMax: fc.integer({ min: 1, max: 60 }),
      start: fc.oneof(fc.constant(0), fc.nat({ max: 1_000_000 })),
      sizes: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }),
    });
    fc.assert(fc.property(scenario, ({ logEntriesMax, logBytesMax, start, sizes }) => {
      const log = new OperationLog({ logEntriesMax, logBytesMax, replicaBacklogBytesMax: 0 }, start);
      const appended: { sequence: number; size: number }[] = [];
      for (const [index, size] of sizes.entries()) {
        const sequence = start + index + 1;
        log.append(entry(sequence), size);
        appended.push({ sequence, size });
        log.invariants();

        expect(log.size).toBeGreaterThanOrEqual(1);
        expect(log.size).toBeLessThanOrEqual(logEntriesMax);
        if (log.size > 1) expect(log.bytes).toBeLessThanOrEqual(logBytesMax);
        expect(log.lastSequence).toBe(sequence);

        // Retained: exactly the last `size` appended, in order.
        const model = appended.slice(appended.length - log.size);
        expect(log.firstSequence).toBe(model[0]?.sequence);
        expect(retainedSequences(log)).toEqual(model.map((item) => item.sequence));
        expect(model.map((item) => log.sizeAt(item.sequence))).toEqual(model.map((item) => item.size));
        expect(log.bytes).toBe(model.reduce((sum, item) => sum + item.size, 0));
        expect(() => log.sizeAt(log.firstSequence - 1)).toThrow(AssertionError);
        expect(() => log.entryAt(log.firstSequence - 1)).toThrow(AssertionError);
        expect(() => log.sizeAt(sequence + 1)).toThrow(AssertionError);

        // Eviction is greedy: one more (older) entry would break a limit.
        const older = appended[appended.length - log.size - 1];
        if (older !== undefined) {
          expect(log.size + 1 > logEntriesMax || log.bytes + older.size > logBytesMax).toBe(true);
        }

        for (let probe = start - 1; probe <= sequence + 1; probe += 1) {
          const expectedAfter = model.filter((item) => item.sequence > probe).reduce((sum, item) => sum + item.size, 0);
          expect(log.bytesAfter(probe)).toBe(expectedAfter);
          expect(log.covers(probe)).toBe(probe >= log.firstSequence && probe <= sequence + 1);
        }
      }
    }), { numRuns: 200 });
  });
});
