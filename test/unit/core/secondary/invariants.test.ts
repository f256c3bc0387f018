/**
 * Secondary.invariants() fails on a secondary whose phase or sequences went wrong: checked
 * directly, since a correct secondary never trips it. The subclass reaches the fields the bug
 * zoo may touch.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { bytesOf, drain, random, T0 } from '../../../support/machine.js';
import { HISTORY } from '../../../support/secondary.js';

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
});
