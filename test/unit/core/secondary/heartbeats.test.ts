/**
 * What a secondary learns from the primary's heartbeats: while streaming, one that names a
 * sequence beyond what arrived means operations were lost on the way (a gap: the link closes);
 * during a snapshot the operations after its start are not due yet, so it only tells how far
 * behind the node is.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import { ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { entryFrame, HISTORY, receive, snapshotting, streaming } from '../../../support/secondary.js';

function heartbeat(lastSequence: number): Frame {
  return { kind: 'heartbeat', timestampMs: T0, replicationId: HISTORY, lastSequence };
}

describe("a secondary given the primary's heartbeat", () => {
  it('while streaming, closes on one past what it received, as a gap', () => {
    const secondary = streaming();
    receive(secondary, entryFrame(1));
    const outputs = receive(secondary, heartbeat(2));
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'gap', reason: 'primary sent up to 2, received 1' }]);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'gap' }]);
    expect(secondary.getStats(T0).primary.gapsDetected).toBe(1);
  });

  it('while streaming, goes on when it names what was received, and counts it as known', () => {
    const secondary = streaming();
    receive(secondary, entryFrame(1));
    expect(ofKind(receive(secondary, heartbeat(1)), 'close')).toEqual([]);
    expect(secondary.getStats(T0).primary).toMatchObject({ gapsDetected: 0, knownPrimarySequence: 1, lagOperations: 1 });
  });

  it('during a snapshot, goes on however far ahead the primary is, and counts how far', () => {
    const { secondary } = snapshotting(1);
    expect(ofKind(receive(secondary, heartbeat(7)), 'close')).toEqual([]);
    expect(secondary.getStats(T0).primary).toMatchObject({ phase: 'snapshot', gapsDetected: 0, knownPrimarySequence: 7, lagOperations: 7 });
  });
});
