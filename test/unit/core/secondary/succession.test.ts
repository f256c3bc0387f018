import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import type { Output } from '../../../../src/core/output.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import type { Cursor } from '../../../../src/core/storage-request.js';
import { drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { batchFrame, connected, entry, HISTORY, receive, streaming } from '../../../support/secondary.js';

const NEW = 'b'.repeat(32);

function welcome(fields: Partial<Extract<Frame, { kind: 'welcome' }>>): Frame {
  return { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: NEW, lastSequence: 5, ...fields };
}

function continueFrom(fromSequence: number, replicationId = NEW): Frame {
  return { kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId, fromSequence };
}

/** Answers every storage request among outputs as done and durable, and those they cause. */
function completeStorage(secondary: Secondary, outputs: Output[]): Output[] {
  const all = [...outputs];
  for (let i = 0; i < all.length; i += 1) {
    const output = all[i];
    if (output?.kind !== 'storage') continue;
    secondary.handleStorageDone(output.requestId, { kind: 'done', durable: true }, T0);
    secondary.invariants();
    all.push(...drain(secondary));
  }
  return all;
}

describe('a secondary whose primary was promoted from another secondary', () => {
  it('continues into the new history from its own position, and persists the move with the new epoch before applying', () => {
    const secondary = connected({ cursor: { replicationId: HISTORY, sequence: 3 } });
    receive(secondary, welcome({ epoch: 1, previous: { replicationId: HISTORY, endSequence: 5 } }));
    const outputs = receive(secondary, continueFrom(4));
    const [adopt] = ofKind(outputs, 'storage');
    expect(adopt?.request).toEqual({ kind: 'apply', operations: [], cursor: { replicationId: NEW, sequence: 3, epoch: 1 } });
    completeStorage(secondary, outputs);
    expect(secondary.position).toEqual({ replicationId: NEW, sequence: 3, epoch: 1 });
    const applied = completeStorage(secondary, receive(secondary, batchFrame(4, 3)));
    expect(ofKind(applied, 'storage')[0]?.request).toMatchObject({ kind: 'apply', cursor: { replicationId: NEW, sequence: 6, epoch: 1 } });
    expect(secondary.getStats(T0)).toMatchObject({ partialResyncs: 1, fullResyncs: 0, sequenceNumber: 6 });
  });

  it('refuses a continue into a history that ended before its position: it holds writes the new one never had', () => {
    const secondary = connected({ cursor: { replicationId: HISTORY, sequence: 6 } });
    receive(secondary, welcome({ epoch: 1, previous: { replicationId: HISTORY, endSequence: 5 } }));
    const outputs = receive(secondary, continueFrom(7));
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'protocol' }]);
    expect(ofKind(outputs, 'storage')).toEqual([]);
    expect(secondary.position).toEqual({ replicationId: HISTORY, sequence: 6 });
  });

  it('refuses a continue into another history than the WELCOME said it continues', () => {
    const secondary = connected({ cursor: { replicationId: HISTORY, sequence: 3 } });
    receive(secondary, welcome({ epoch: 1, previous: { replicationId: 'c'.repeat(32), endSequence: 5 } }));
    expect(ofKind(receive(secondary, continueFrom(4)), 'close')).toMatchObject([{ code: 'protocol' }]);
  });
});

describe('fencing on a secondary', () => {
  const following: Cursor = { replicationId: NEW, sequence: 6, epoch: 2 };

  it('says its epoch in every HELLO, so an older primary learns it was deposed', () => {
    expect(sentFrames(helloOf(following))[0]).toMatchObject({ kind: 'hello', epoch: 2 });
    expect(sentFrames(helloOf({ replicationId: NEW, sequence: 6 }))[0]).not.toHaveProperty('epoch');
  });

  it('refuses a primary of an older epoch than its own, before asking it for anything', () => {
    const secondary = connected({ cursor: following });
    const outputs = receive(secondary, welcome({ replicationId: 'd'.repeat(32), epoch: 1 }));
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'fenced' }]);
    expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['error']);
    expect(outputs).toContainEqual({ kind: 'event', event: { kind: 'fenced', primaryEpoch: 1, epoch: 2 } });
    expect(secondary.position).toEqual(following);
  });

  it('refuses an old primary that announces no epoch at all', () => {
    const secondary = connected({ cursor: following });
    expect(ofKind(receive(secondary, welcome({ replicationId: 'd'.repeat(32) })), 'close')).toMatchObject([{ code: 'fenced' }]);
  });

  it('takes a full resync from a primary of a newer epoch, and the snapshot installs with that epoch', () => {
    const secondary = connected({ cursor: following });
    receive(secondary, welcome({ replicationId: 'e'.repeat(32), epoch: 3 }));
    const outputs = receive(secondary, { kind: 'syncResponse', timestampMs: T0, mode: 'full_resync', replicationId: 'e'.repeat(32), fromSequence: 1 });
    completeStorage(secondary, outputs);
    const end: Frame = { kind: 'snapshotEnd', timestampMs: T0, chunkCount: 0, entryCount: 0, digest: '0'.repeat(64), consistentSequence: 0 };
    const installed = completeStorage(secondary, receive(secondary, end));
    const commit = ofKind(installed, 'storage').find((output) => output.request.kind === 'stageCommit');
    expect(commit?.request).toMatchObject({ cursor: { replicationId: 'e'.repeat(32), sequence: 0, epoch: 3 } });
    expect(secondary.position).toEqual({ replicationId: 'e'.repeat(32), sequence: 0, epoch: 3 });
  });
});

describe('what a secondary hands over when promoted', () => {
  it('hands over its position and the operations it applied, not those still waiting for storage', () => {
    const secondary = streaming({ replicationId: HISTORY, sequence: 0 });
    completeStorage(secondary, receive(secondary, batchFrame(1, 3)));
    const [inflight] = ofKind(receive(secondary, { kind: 'operation', ...entry(4) }), 'storage');
    receive(secondary, { kind: 'operation', ...entry(5) });
    secondary.close(T0);
    expect(secondary.isIdle).toBe(false);
    expect(ofKind(drain(secondary), 'storage')).toEqual([]);
    secondary.handleStorageDone(inflight?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    expect(secondary.isIdle).toBe(true);
    const handover = secondary.handover();
    expect(handover.position).toEqual({ replicationId: HISTORY, sequence: 4 });
    expect(handover.entries.map((held) => held.sequence)).toEqual([1, 2, 3, 4]);
    expect(secondary.getStats(T0).operationLogSize).toBe(4);
  });

  it('hands over no position and no operations when it holds no data', () => {
    const secondary = connected();
    secondary.close(T0);
    expect(secondary.handover()).toEqual({ position: null, entries: [] });
  });

  it('refuses to hand over while it still runs, or once closed while storage still works', () => {
    expect(() => streaming().handover()).toThrow(/closed/);
    const secondary = streaming({ replicationId: HISTORY, sequence: 0 });
    receive(secondary, { kind: 'operation', ...entry(1) });
    secondary.close(T0);
    // Its apply may still land: the primary it becomes would not start from it.
    expect(() => secondary.handover()).toThrow(/no storage work in flight/);
  });
});

/** The outputs of a secondary at `cursor` once its connection opens: its HELLO. */
function helloOf(cursor: Cursor): Output[] {
  const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor });
  secondary.handleTimeout(T0);
  const [connect] = ofKind(drain(secondary), 'connect');
  secondary.handleConnected(connect?.connectionId ?? 0, T0);
  return drain(secondary);
}
