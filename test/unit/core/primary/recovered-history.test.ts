import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { drain, ofKind, random, T0 } from '../../../support/machine.js';
import { complete, connect, ready, sync } from '../../../support/primary.js';

const HISTORY = 'a'.repeat(32);
const entries = [3, 4, 5].map((sequence) => ({ sequence, timestampMs: T0, op: set(`k${sequence}`, 'v') }));

describe('Primary with a recovered history', () => {
  it('continues it: same id, the next sequence, and a secondary resumes from the recovered log', () => {
    const primary = ready({ history: { replicationId: HISTORY, lastSequence: 5, entries } });
    expect(primary.replicationId).toBe(HISTORY);
    expect(primary.getStats(T0)).toMatchObject({ sequenceNumber: 5, appliedSequence: 5, firstLogSequence: 3, lastLogSequence: 5 });
    expect(primary.submitWrite(set('k6', 'v'), T0)).toBe(6);
    const [apply] = ofKind(drain(primary), 'storage');
    // The cursor names the history in the storage, for the log's recovery rules.
    expect(apply?.request).toMatchObject({ kind: 'apply', cursor: { replicationId: HISTORY, sequence: 6 } });
    complete(primary, apply === undefined ? [] : [apply]);
    connect(primary, 1);
    const frames = sync(primary, 1, HISTORY, 4);
    expect(frames[0]).toMatchObject({ kind: 'syncResponse', mode: 'continue', fromSequence: 4 });
    expect(frames.slice(1).flatMap((frame) => (frame.kind === 'batch' ? frame.entries.map((entry) => entry.sequence) : frame.kind === 'operation' ? [frame.sequence] : []))).toEqual([4, 5, 6]);
  });

  it('gives a full resync to a secondary behind the recovered log', () => {
    const primary = ready({ history: { replicationId: HISTORY, lastSequence: 5, entries } });
    connect(primary, 1);
    expect(sync(primary, 1, HISTORY, 2)[0]).toMatchObject({ kind: 'syncResponse', mode: 'full_resync', fromSequence: 6 });
  });

  it('refuses entries that do not end at lastSequence', () => {
    expect(() => new Primary({ nowMs: T0, random: random(), history: { replicationId: HISTORY, lastSequence: 6, entries: [entries[0]!, entries[2]!] } })).toThrow(AssertionError);
  });
});
