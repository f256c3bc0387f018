import { SNAPSHOT_DIGEST_INITIAL } from '../../../src/core/codec/index.js';
import { SCAN_START, type Peer } from '../../../src/core/primary/peer.js';
import { Primary } from '../../../src/core/primary/primary.js';

/**
 * Original #1: a secondary the log no longer covers gets the operations the log still holds and
 * nothing older. Expressed as an empty snapshot consistent just before the log's first operation.
 */
export class LastNCatchUpPrimary extends Primary {
  protected override startSnapshot(peer: Peer): void {
    const fromSequence = this.log.firstSequence;
    this.sendSyncResponse(peer, 'full_resync', fromSequence);
    this.finishSnapshot(peer, {
      fromSequence,
      position: SCAN_START,
      scanPending: false,
      issuedAtLastScan: fromSequence - 1,
      chunkCount: 0,
      entryCount: 0,
      digest: SNAPSHOT_DIGEST_INITIAL,
    });
  }
}
