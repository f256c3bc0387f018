/**
 * A full resync is installed exactly at its consistent sequence S1: the operations up to S1, and
 * only those, go to the staged snapshot, and the commit naming S1 is queued only once they are in.
 * A commit ahead of them would, after a crash, leave a store that claims operations it lacks.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import type { Output } from '../../../../src/core/output.js';
import type { Secondary } from '../../../../src/core/secondary/secondary.js';
import type { StorageRequest } from '../../../../src/core/storage-request.js';
import { drain, ofKind, T0 } from '../../../support/machine.js';
import { set } from '../../../support/ops.js';
import { batchFrame, HISTORY, receive, snapshotFrames, snapshotting } from '../../../support/secondary.js';

/** Completes storage requests one by one, in order, until none is left; returns them, and what followed in `seen`. */
function runStorage(secondary: Secondary, outputs: Output[], seen: Output[] = []): StorageRequest[] {
  const requests: StorageRequest[] = [];
  for (let pending = ofKind(outputs, 'storage'); pending.length > 0; ) {
    const [next, ...rest] = pending;
    if (next === undefined) break;
    requests.push(next.request);
    secondary.handleStorageDone(next.requestId, { kind: 'done', durable: true }, T0);
    secondary.invariants();
    const followed = drain(secondary);
    seen.push(...followed);
    pending = [...rest, ...ofKind(followed, 'storage')];
  }
  return requests;
}

function describeRequest(request: StorageRequest): string {
  if (request.kind === 'stageApply' || request.kind === 'apply') return `${request.kind} ${request.operations.map((op) => ('path' in op ? op.path : op.type)).join(',')}`;
  if (request.kind === 'stageCommit') return `stageCommit ${request.cursor.sequence}`;
  return request.kind;
}

describe('installing a full resync', () => {
  it('stages the operations up to its consistent sequence, commits, then applies the rest live', () => {
    const { secondary, outputs } = snapshotting(4);
    const [chunk, end] = snapshotFrames([[set('x', '1')]], 5);
    const all = [...outputs, ...receive(secondary, chunk as Frame), ...receive(secondary, end as Frame)];
    // Nothing is committed while operations 4 and 5 are still missing.
    expect(runStorage(secondary, all).map(describeRequest)).toEqual(['stageBegin', 'stageApply x']);
    expect(runStorage(secondary, receive(secondary, batchFrame(4, 3))).map(describeRequest)).toEqual(['stageApply p4,p5', 'stageCommit 5', 'apply p6']);
    expect(secondary.position?.sequence).toBe(6);
  });

  it('reports the snapshot installed, with its history and sequence, once storage committed it', () => {
    const { secondary, outputs } = snapshotting(1);
    const [chunk, end] = snapshotFrames([[set('x', '1')]], 0);
    const all = [...outputs, ...receive(secondary, chunk as Frame), ...receive(secondary, end as Frame)];
    const seen: Output[] = [];
    expect(runStorage(secondary, all, seen).map(describeRequest)).toEqual(['stageBegin', 'stageApply x', 'stageCommit 0']);
    expect(ofKind(seen, 'event').map((output) => output.event)).toContainEqual({ kind: 'snapshotInstalled', replicationId: HISTORY, sequence: 0 });
  });
});
