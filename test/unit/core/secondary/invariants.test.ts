/**
 * Secondary.invariants() fails on a secondary whose phase or sequences went wrong: checked
 * directly, since a correct secondary never trips it. The subclass reaches the fields the bug
 * zoo may touch; the private ones are set by name, for no correct path leads there.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { DEFAULT_LIMITS, snapshotBudgetBytesOf } from '../../../../src/core/limits.js';
import { unackedBytesMax } from '../../../../src/core/link.js';
import { OperationLog } from '../../../../src/core/op-log.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import type { IssuedWork } from '../../../../src/core/secondary/work.js';
import { bytesOf, drain, random, T0 } from '../../../support/machine.js';
import { set } from '../../../support/ops.js';
import { entryFrame, HISTORY, snapshotting } from '../../../support/secondary.js';

class CorruptibleSecondary extends Secondary {
  corrupt(change: { phase?: 'idle' | 'snapshot'; receivedSequence?: number }): void {
    if (change.phase !== undefined) this.phase = change.phase;
    if (change.receivedSequence !== undefined) this.receivedSequence = change.receivedSequence;
  }
}

/** Streaming HISTORY from 6, with 5 applied. */
function streamingCorruptible(): CorruptibleSecondary {
  const secondary = new CorruptibleSecondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 5 } });
  secondary.handleTimeout(T0);
  drain(secondary);
  secondary.handleConnected(1, T0);
  secondary.handleBytes(1, bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 5 }), T0);
  secondary.handleBytes(1, bytesOf({ kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 6 }), T0);
  drain(secondary);
  secondary.invariants();
  return secondary;
}

describe('Secondary.invariants', () => {
  it.each([
    ['a link in a phase without one', { phase: 'idle' as const }, 'phase idle and link disagree'],
    ['a snapshot phase without staging', { phase: 'snapshot' as const }, 'snapshot phase without staging'],
    ['a live stream received behind what is applied', { receivedSequence: 3 }, 'received behind applied in a live stream'],
  ])('fails on %s', (_what, change, message) => {
    const secondary = streamingCorruptible();
    secondary.corrupt(change);
    expect(() => secondary.invariants()).toThrow(new AssertionError(message));
  });

  const tooMany = Array.from({ length: DEFAULT_LIMITS.storageRequestEntriesMax + 1 }, (_, index) => set(`p${index}`, 'v'));
  it.each([
    ['durable beyond applied', 'durableSequence', (): unknown => 6],
    ['storage work waiting with nothing in flight', 'work', (): unknown => [{ kind: 'stageBegin' }]],
    ['processed more bytes than received', 'processedBytes', (secondary: Secondary): unknown => secondary.getStats(T0).primary.bytesReceived + 1],
    ['the applied log does not end at the applied sequence', 'appliedLog', (): unknown => new OperationLog(DEFAULT_LIMITS, 4)],
    ['work bytes counted with no work queued', 'workBytes', (): unknown => 1],
  ])('fails with %s', (message, field, value) => {
    const secondary = streamingCorruptible();
    Reflect.set(secondary, field, value(secondary));
    expect(() => secondary.invariants()).toThrow(new AssertionError(message));
  });

  it.each([
    ['a storage request above storageRequestEntriesMax', (work: IssuedWork): IssuedWork => ({ ...work, request: { kind: 'apply', operations: tooMany, cursor: null } })],
    ['a storage request above storageRequestEntriesMax', (work: IssuedWork): IssuedWork => ({ ...work, request: { kind: 'stageApply', operations: tooMany } })],
    ['storage work in flight for an earlier link', (work: IssuedWork): IssuedWork => ({ ...work, connectionId: 0 })],
  ])('fails with %s (the request in flight changed)', (message, change) => {
    const secondary = streamingCorruptible();
    secondary.handleBytes(1, bytesOf(entryFrame(6)), T0);
    drain(secondary);
    secondary.invariants();
    Reflect.set(secondary, 'inflight', change(Reflect.get(secondary, 'inflight') as IssuedWork));
    expect(() => secondary.invariants()).toThrow(new AssertionError(message));
  });

  it('holds the work waiting and the request in flight together to the budget plus one frame, at it exactly included', () => {
    const secondary = streamingCorruptible();
    secondary.handleBytes(1, bytesOf(entryFrame(6)), T0);
    drain(secondary);
    const inflightBytes = (Reflect.get(secondary, 'inflight') as IssuedWork).frameBytes;
    Reflect.set(secondary, 'work', [{ kind: 'stageBegin' }]);
    Reflect.set(secondary, 'workBytes', unackedBytesMax(DEFAULT_LIMITS) - inflightBytes);
    secondary.invariants();
    Reflect.set(secondary, 'workBytes', unackedBytesMax(DEFAULT_LIMITS) - inflightBytes + 1);
    expect(() => secondary.invariants()).toThrow(/storage work holds \d+ frame bytes, above its window of 16777216 plus one frame/);
  });

  it('holds them to the snapshot window plus one frame until the snapshot ends', () => {
    const { secondary } = snapshotting(1);
    const bound = unackedBytesMax(DEFAULT_LIMITS, snapshotBudgetBytesOf(DEFAULT_LIMITS));
    Reflect.set(secondary, 'work', [{ kind: 'stageBegin' }]);
    Reflect.set(secondary, 'workBytes', bound);
    secondary.invariants();
    Reflect.set(secondary, 'workBytes', bound + 1);
    expect(() => secondary.invariants()).toThrow(/storage work holds \d+ frame bytes, above its window of 4194304 plus one frame/);
  });
});
