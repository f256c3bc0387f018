/** A secondary's statistics follow its link and what it received. */
import { describe, expect, it } from 'vitest';
import { T0 } from '../../../support/machine.js';
import { connected, entryFrame, receive, snapshotting, streaming } from '../../../support/secondary.js';

describe("a secondary's statistics", () => {
  it('count operations received and the time since the last one', () => {
    const secondary = streaming();
    expect(secondary.getStats(T0)).toMatchObject({ mode: 'secondary', primary: { operationsReceived: 0, secondsSinceLastOperation: null } });
    receive(secondary, entryFrame(1), T0 + 1_000);
    expect(secondary.getStats(T0 + 3_000).primary).toMatchObject({ operationsReceived: 1, secondsSinceLastOperation: 2 });
  });

  it('show the primary connected only once the handshake is done', () => {
    expect(connected().getStats(T0).primary.connected).toBe(false);
    expect(snapshotting(1).secondary.getStats(T0).primary.connected).toBe(true);
    expect(streaming().getStats(T0).primary.connected).toBe(true);
  });
});
