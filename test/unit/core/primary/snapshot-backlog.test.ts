/**
 * A full resync while writes go on: the writes are not held behind the snapshot's scans, the log
 * keeps the replay the snapshot needs (up to replicaBacklogBytesMax beyond its own bounds), and a
 * snapshot whose replay is gone anyway is ended at once rather than finished in vain.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, type Limits } from '../../../../src/core/limits.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, complete, connect, ready, write } from '../../../support/primary.js';

/** Two writes applied, then a secondary from another history asks to sync: its snapshot scan is left in flight. */
function snapshotInFlight(limits: Partial<Limits>): { primary: Primary; scanId: number } {
  const primary = ready({ limits });
  write(primary, set('a', '1'));
  write(primary, set('b', '2'));
  connect(primary, 1);
  primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
  const [scan] = ofKind(drain(primary), 'storage');
  expect(scan?.request.kind).toBe('scan');
  return { primary, scanId: scan?.requestId ?? 0 };
}

describe('a full resync while writes go on', () => {
  it('issues the writes meanwhile, and the log keeps their replay past logEntriesMax', () => {
    const { primary, scanId } = snapshotInFlight({ logEntriesMax: 2, pendingWritesMax: 2 });
    primary.submitWrite(set('c', '3'), T0);
    const applies = drain(primary);
    expect(ofKind(applies, 'storage')).toMatchObject([{ request: { kind: 'apply' } }]); // not held behind the scan
    primary.submitWrite(set('d', '4'), T0);
    primary.submitWrite(set('e', '5'), T0);
    primary.handleStorageDone(scanId, { kind: 'scanned', entries: [set('a', '1'), set('b', '2')], done: true }, T0);
    const frames = sentFrames(complete(primary, [...applies, ...drain(primary)]));
    expect(frames.find((frame) => frame.kind === 'snapshotEnd')).toMatchObject({ consistentSequence: 2 });
    expect(frames.flatMap((frame) => (frame.kind === 'operation' ? [frame.sequence] : frame.kind === 'batch' ? frame.entries.map((entry) => entry.sequence) : []))).toEqual([3, 4, 5]);
  });

  it('keeps the replay of a snapshot whose scan is in flight: the writes after it wait for the storage too', () => {
    const { primary } = snapshotInFlight({ logEntriesMax: 3, pendingWritesMax: 3, logBytesMax: 1, replicaBacklogBytesMax: 1 });
    for (const path of ['c', 'd', 'e']) primary.submitWrite(set(path, 'v'), T0 + DEFAULT_TIMING.pacingStallMs);
    expect(closeCodes(drain(primary))).toEqual([]);
    expect(primary.getStats(T0).firstLogSequence).toBe(3);
  });

  it('ends a stalled snapshot whose replay the log could not keep, without waiting for its secondary', () => {
    const { primary, scanId } = snapshotInFlight({ logEntriesMax: 2, pendingWritesMax: 2, logBytesMax: 1, replicaBacklogBytesMax: 1, snapshotBudgetBytes: 1 });
    // One chunk fills the snapshot's window, and the secondary acknowledges none.
    primary.handleStorageDone(scanId, { kind: 'scanned', entries: [set('a', '1')], done: false }, T0);
    drain(primary);
    // No ACK for pacingStallMs: writes no longer wait for it (pacing.test.ts).
    const applies = ['c', 'd', 'e'].flatMap((path) => {
      primary.submitWrite(set(path, 'v'), T0 + DEFAULT_TIMING.pacingStallMs);
      return drain(primary);
    });
    expect(closeCodes(complete(primary, applies))).toEqual(['1:log_overrun']);
  });

  it('drops the scan of a link that closed meanwhile', () => {
    const { primary, scanId } = snapshotInFlight({});
    primary.handleDisconnected(1, T0);
    drain(primary);
    primary.handleStorageDone(scanId, { kind: 'scanned', entries: [set('a', '1')], done: true }, T0);
    expect(drain(primary)).toEqual([]);
  });
});
