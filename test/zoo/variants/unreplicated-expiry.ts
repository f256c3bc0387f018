import { Primary } from '../../../src/core/primary/primary.js';

/**
 * Original #12: "expirations on the primary are never replicated". The primary deletes an expired
 * key from its own storage without giving the delete a sequence, so no secondary hears of it.
 */
export class UnreplicatedExpiryPrimary extends Primary {
  protected override expireKeys(nowMs: number): void {
    if (this.state !== 'ready') return;
    for (let path = this.expiry.takeExpired(nowMs); path !== undefined; path = this.expiry.takeExpired(nowMs)) {
      const lastSequence = this.issuedSequence;
      this.request({ kind: 'apply', operations: [{ type: 'DELETE', path }], cursor: null }, (requestId) => ({ requestId, kind: 'apply', lastSequence }));
    }
  }
}
