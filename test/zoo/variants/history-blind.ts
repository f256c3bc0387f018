import type { SyncRequestFrame, SyncResponseFrame } from '../../../src/core/frame.js';
import type { Peer } from '../../../src/core/primary/peer.js';
import { Primary } from '../../../src/core/primary/primary.js';
import { Secondary } from '../../../src/core/secondary/secondary.js';

/*
 * Original #4: no replication id, so after a primary restart a secondary's position is read as a
 * position in the new history. Our secondary alone refuses a continue of another history (and, with
 * only the primary flawed, retries forever: a liveness failure); the original had no id on either
 * side, so both sides here ignore it and the data of two histories mix.
 */

export class HistoryBlindPrimary extends Primary {
  protected override handleSyncRequest(peer: Peer, request: SyncRequestFrame): void {
    super.handleSyncRequest(peer, { ...request, replicationId: this.replicationId });
  }
}

export class HistoryBlindSecondary extends Secondary {
  protected override handleSyncResponse(response: SyncResponseFrame): void {
    if (response.mode === 'continue') this.historyId = response.replicationId;
    super.handleSyncResponse(response);
  }
}
