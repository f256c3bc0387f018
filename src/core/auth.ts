import { sha256Hex } from './codec/sha256.js';

/**
 * The proof a secondary puts in its hello when the primary is configured with a shared token.
 * It binds the token to the replica id; it does not stop replay on an open network, so run it
 * over TLS or a private network (see README, Security).
 */
export function authProof(token: string, replicaId: string): string {
  return sha256Hex(`nadb-auth-v1:${token}:${replicaId}`);
}
