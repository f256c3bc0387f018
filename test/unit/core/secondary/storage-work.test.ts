/**
 * The secondary's storage work: one request at a time, merging what waits up to
 * storageRequestEntriesMax operations (staged snapshot pages as well as live applies), and
 * dropping what waits when its link is lost, since the next link starts over from storage.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import type { Frame } from '../../../../src/core/frame.js';
import { drain, ofKind, T0 } from '../../../support/machine.js';
import { set } from '../../../support/ops.js';
import { batchFrame, entryFrame, receive, snapshotFrames, snapshotting, streaming } from '../../../support/secondary.js';

function operationsOf(outputs: ReturnType<typeof drain>): number[] {
  return ofKind(outputs, 'storage').map((output) => ('operations' in output.request ? output.request.operations.length : 0));
}

describe("a secondary's storage work", () => {
  it('merges waiting frames up to storageRequestEntriesMax operations, a request that reaches it exactly included', () => {
    const secondary = streaming(undefined, { storageRequestEntriesMax: 4, batchEntriesMax: 2 });
    const [first] = ofKind(receive(secondary, batchFrame(1, 2)), 'storage');
    for (const from of [3, 5, 7]) receive(secondary, batchFrame(from, 2));
    secondary.handleStorageDone(first?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    expect(operationsOf(drain(secondary))).toEqual([4]);
  });

  it('bounds merged snapshot pages the same way', () => {
    const { secondary, outputs } = snapshotting(1, { limits: { storageRequestEntriesMax: 3 } });
    const [begin] = ofKind(outputs, 'storage');
    const chunks = snapshotFrames([[set('a', '1')], [set('b', '1')], [set('c', '1'), set('d', '1')]], 0).slice(0, 3);
    for (const chunk of chunks) receive(secondary, chunk as Frame);
    secondary.handleStorageDone(begin?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    const [merged] = ofKind(drain(secondary), 'storage');
    expect(merged?.request).toMatchObject({ kind: 'stageApply', operations: [{ path: 'a' }, { path: 'b' }] });
    secondary.handleStorageDone(merged?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    expect(operationsOf(drain(secondary))).toEqual([2]);
  });

  it('drops the work still waiting when its link is lost', () => {
    const secondary = streaming();
    const [inflight] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    receive(secondary, entryFrame(2)); // waits behind 1
    secondary.handleDisconnected(1, T0);
    drain(secondary);
    secondary.handleStorageDone(inflight?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    expect(ofKind(drain(secondary), 'storage')).toEqual([]);
    secondary.invariants();
  });

  it('keeps no applied operation once storage lost its data: they belong to the history lost with it', () => {
    const secondary = streaming();
    const [first] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    secondary.handleStorageDone(first?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    const [second] = ofKind(receive(secondary, entryFrame(2)), 'storage');
    secondary.handleStorageDone(second?.requestId ?? 0, { kind: 'failed', message: 'Redis lost the data', lost: true }, T0);
    drain(secondary);
    secondary.invariants();
    expect(secondary.getStats(T0)).toMatchObject({ replicationId: null, sequenceNumber: 0, operationLogSize: 0 });
  });

  it('refuses an answer with nothing in flight, to another request, or with a scan result', () => {
    const secondary = streaming();
    expect(() => secondary.handleStorageDone(1, { kind: 'done', durable: true }, T0)).toThrow(AssertionError);
    const [apply] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    expect(() => secondary.handleStorageDone((apply?.requestId ?? 0) + 1, { kind: 'done', durable: true }, T0)).toThrow(/storage completed out of order/);
    expect(() => secondary.handleStorageDone(apply?.requestId ?? 0, { kind: 'scanned', entries: [], done: true }, T0)).toThrow(/a secondary never scans/);
  });
});
