/** A secondary's statistics follow its link and what it received. */
import { describe, expect, it } from 'vitest';
import { drain, ofKind, T0 } from '../../../support/machine.js';
import { connected, entryFrame, receive, snapshotting, streaming } from '../../../support/secondary.js';

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

  it('show the primary connected only once the handshake is done', () => {
    expect(connected().getStats(T0).primary.connected).toBe(false);
    expect(snapshotting(1).secondary.getStats(T0).primary.connected).toBe(true);
    expect(streaming().getStats(T0).primary.connected).toBe(true);
  });
});
