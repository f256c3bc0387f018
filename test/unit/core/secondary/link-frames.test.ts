/**
 * What a secondary accepts on its link, phase by phase: WELCOME of its protocol, a SYNC_RESPONSE
 * that continues exactly where it asked, snapshot chunks in order ending in a matching END, then
 * operations and heartbeats. Anything else closes the link; nothing behind it is acted on.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import type { Frame } from '../../../../src/core/frame.js';
import type { LogEntry } from '../../../../src/core/operation.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { set } from '../../../support/ops.js';
import { connected, entryFrame, HISTORY, receive, snapshotFrames, snapshotting, streaming } from '../../../support/secondary.js';

const WELCOME: Frame = { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0 };

function concat(...frames: Frame[]): Uint8Array {
  return Uint8Array.from(frames.flatMap((frame) => [...bytesOf(frame)]));
}

function closeCodes(outputs: ReturnType<typeof drain>): string[] {
  return ofKind(outputs, 'close').map((output) => output.code);
}

describe('frames a secondary receives', () => {
  it('handles every frame of one read, in order', () => {
    const secondary = connected({ cursor: { replicationId: HISTORY, sequence: 0 } });
    secondary.handleBytes(1, concat(WELCOME, { kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }, entryFrame(1)), T0);
    expect(ofKind(drain(secondary), 'storage')).toMatchObject([{ request: { kind: 'apply' } }]);
  });

  it('acts on nothing that follows the frame that closed the link', () => {
    const secondary = streaming();
    secondary.handleBytes(1, concat(entryFrame(2), entryFrame(1)), T0);
    const outputs = drain(secondary);
    expect(closeCodes(outputs)).toEqual(['gap']);
    expect(ofKind(outputs, 'storage')).toEqual([]);
  });

  it("ends the link on the primary's ERROR with its code", () => {
    const outputs = receive(streaming(), { kind: 'error', timestampMs: T0, code: 'log_overrun', message: 'behind' });
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'log_overrun', reason: 'primary reported: behind' }]);
  });

  it('refuses a WELCOME of another protocol version', () => {
    const outputs = receive(connected(), { ...WELCOME, protocolVersion: 2 });
    expect(closeCodes(outputs)).toEqual(['version']);
    expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['error']);
  });

  it.each([
    ['of another history', { replicationId: 'b'.repeat(32), fromSequence: 6 }],
    ['from another sequence', { replicationId: HISTORY, fromSequence: 7 }],
  ])('refuses to continue %s than it asked', (_what, response) => {
    const secondary = connected({ cursor: { replicationId: HISTORY, sequence: 5 } });
    receive(secondary, WELCOME);
    expect(closeCodes(receive(secondary, { kind: 'syncResponse', timestampMs: T0, mode: 'continue', ...response }))).toEqual(['protocol']);
  });

  it.each([
    ['before WELCOME', (): ReturnType<typeof connected> => connected(), { kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }],
    ['during a snapshot', (): ReturnType<typeof connected> => snapshotting(1).secondary, entryFrame(1)],
    ['while streaming', (): ReturnType<typeof connected> => streaming(), WELCOME],
  ] as const)('closes with a protocol error on an unexpected frame %s', (_when, make, frame) => {
    expect(closeCodes(receive(make(), frame))).toEqual(['protocol']);
  });

  it('refuses snapshot chunks out of order', () => {
    const [, second] = snapshotFrames([[set('a', '1')], [set('b', '1')]], 0);
    expect(closeCodes(receive(snapshotting(1).secondary, second as Frame))).toEqual(['protocol']);
  });

  it.each([
    ['chunks', { chunkCount: 2 }],
    ['entries', { entryCount: 2 }],
  ])('refuses an END whose count of %s differs, even with the right digest', (_what, change) => {
    const { secondary } = snapshotting(1);
    const [chunk, end] = snapshotFrames([[set('a', '1')]], 0);
    receive(secondary, chunk as Frame);
    const outputs = receive(secondary, { ...(end as Extract<Frame, { kind: 'snapshotEnd' }>), ...change });
    expect(closeCodes(outputs)).toEqual(['snapshot']);
  });

  it('refuses an END consistent before the snapshot starts', () => {
    const { secondary } = snapshotting(5);
    const [chunk, end] = snapshotFrames([[set('a', '1')]], 3);
    receive(secondary, chunk as Frame);
    expect(closeCodes(receive(secondary, end as Frame))).toEqual(['protocol']);
  });

  it('throws what is not a protocol error (a bug of its own), instead of taking it for a bad frame and reconnecting', () => {
    class BrokenSecondary extends Secondary {
      protected override acceptEntries(_entries: readonly LogEntry[], _frameBytes: number): void {
        throw new AssertionError('broken');
      }
    }
    const secondary = new BrokenSecondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 0 } });
    secondary.handleTimeout(T0);
    secondary.handleConnected(1, T0);
    secondary.handleBytes(1, concat(WELCOME, { kind: 'syncResponse', timestampMs: T0, mode: 'continue', replicationId: HISTORY, fromSequence: 1 }), T0);
    expect(() => secondary.handleBytes(1, bytesOf(entryFrame(1)), T0)).toThrow(new AssertionError('broken'));
  });

  it('cuts the reason it sends to nameLengthMax', () => {
    const secondary = streaming({ replicationId: HISTORY, sequence: 0 }, { nameLengthMax: 32 });
    const outputs = receive(secondary, { kind: 'error', timestampMs: T0, code: 'protocol', message: 'x'.repeat(32) });
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', message: `primary reported: ${'x'.repeat(14)}` }]);
  });
});
