import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The proof a secondary puts in its hello when the primary is configured with a shared token.
 * It binds the token to the replica id; it does not stop replay on an open network, so run it
 * over TLS or a private network (see README, Security).
 */
export function authProof(token: string, replicaId: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(`nadb-auth-v1:${token}:${replicaId}`)));
}
