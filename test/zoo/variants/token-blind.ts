import { secondaryProof } from '../../../src/core/auth.js';
import type { AuthFrame, WelcomeFrame } from '../../../src/core/frame.js';
import type { Peer } from '../../../src/core/primary/peer.js';
import { Primary } from '../../../src/core/primary/primary.js';
import { Secondary } from '../../../src/core/secondary/secondary.js';

/*
 * Original #19: no authentication, so any host that connects receives the full catch-up. Here
 * the primary takes any AUTH as proof; the secondary, like any peer that wants the data, does not
 * check the primary's proof either (our secondary alone would refuse the WELCOME: mutual
 * authentication hides a primary that lets strangers in, so only the pair shows it).
 */

export class TokenBlindPrimary extends Primary {
  protected override handleAuth(peer: Peer, auth: AuthFrame): void {
    const pending = peer.pendingHello;
    const token = this.authTokens[0];
    if (pending === null || token === undefined || pending.hello.nonce === undefined) return super.handleAuth(peer, auth);
    const nonces = { primaryNonce: pending.primaryNonce, secondaryNonce: pending.hello.nonce };
    super.handleAuth(peer, { ...auth, proof: secondaryProof(token, nonces, pending.hello.replicaId) });
  }
}

export class ProofBlindSecondary extends Secondary {
  protected override primaryRefusal(_welcome: WelcomeFrame): string | null {
    return null;
  }
}
