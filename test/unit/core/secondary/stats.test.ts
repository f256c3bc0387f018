/** A secondary's statistics follow its link and what it received. */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import type { Secondary } from '../../../../src/core/secondary/secondary.js';
import { bytesOf, drain, ofKind, T0 } from '../../../support/machine.js';
import { batchFrame, connected, entryFrame, HISTORY, receive, snapshotting, streaming } from '../../../support/secondary.js';

/** Connects again (as `connectionId`) once the backoff is over, and takes `response` after the WELCOME. */
function relink(secondary: Secondary, connectionId: number, response: Pick<Extract<Frame, { kind: 'syncResponse' }>, 'mode' | 'replicationId' | 'fromSequence'>): void {
  secondary.handleTimeout(secondary.nextWakeMs() ?? T0);
  secondary.handleConnected(connectionId, T0);
  secondary.handleBytes(connectionId, bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: response.replicationId, lastSequence: 3 }), T0);
  secondary.handleBytes(connectionId, bytesOf({ kind: 'syncResponse', timestampMs: T0, ...response }), T0);
  secondary.invariants();
  drain(secondary);
}

describe("a secondary's statistics", () => {
  it('count operations received and the time since the last one', () => {
    const secondary = streaming();
    expect(secondary.getStats(T0)).toMatchObject({ mode: 'secondary', primary: { operationsReceived: 0, secondsSinceLastOperation: null } });
    receive(secondary, entryFrame(1), T0 + 1_000);
    expect(secondary.getStats(T0 + 3_000).primary).toMatchObject({ operationsReceived: 1, secondsSinceLastOperation: 2 });
  });

  it('show how far behind the primary this node knows it is, and since when, until storage catches up', () => {
    const secondary = streaming();
    expect(secondary.getStats(T0).primary).toMatchObject({ knownPrimarySequence: 0, lagOperations: 0, behindForMs: 0 });
    const [first] = ofKind(receive(secondary, entryFrame(1), T0 + 1_000), 'storage');
    receive(secondary, entryFrame(2), T0 + 1_500);
    expect(secondary.getStats(T0 + 3_000).primary).toMatchObject({ knownPrimarySequence: 2, lagOperations: 2, behindForMs: 2_000 });
    secondary.handleStorageDone(first?.requestId ?? -1, { kind: 'done', durable: true }, T0 + 4_000);
    const [second] = ofKind(drain(secondary), 'storage');
    // Still one behind: the time counts from when it first fell behind, not from the last apply.
    expect(secondary.getStats(T0 + 4_000).primary).toMatchObject({ lastAppliedSequence: 1, lagOperations: 1, behindForMs: 3_000 });
    secondary.handleStorageDone(second?.requestId ?? -1, { kind: 'done', durable: true }, T0 + 5_000);
    expect(secondary.getStats(T0 + 6_000).primary).toMatchObject({ lastAppliedSequence: 2, knownPrimarySequence: 2, lagOperations: 0, behindForMs: 0 });
  });

  it('take what the primary is known to have from the current connection only (the next may reach another primary)', () => {
    const secondary = streaming();
    const [first] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    receive(secondary, batchFrame(2, 2)); // waits, and is dropped with the link
    secondary.handleDisconnected(1, T0);
    secondary.handleStorageDone(first?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    relink(secondary, 2, { mode: 'continue', replicationId: HISTORY, fromSequence: 2 });
    expect(secondary.getStats(T0).primary).toMatchObject({ lastAppliedSequence: 1, knownPrimarySequence: 1, lagOperations: 0 });
  });

  it('show the primary connected only once the handshake is done', () => {
    expect(connected().getStats(T0).primary.connected).toBe(false);
    expect(snapshotting(1).secondary.getStats(T0).primary.connected).toBe(true);
    expect(streaming().getStats(T0).primary.connected).toBe(true);
  });
});
