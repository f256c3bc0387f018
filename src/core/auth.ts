import { hmacSha256Hex } from './hmac.js';
import { codeUnitAt } from './string-methods.js';

/**
 * Challenge and response over a shared token (docs/PROTOCOL.md, "Authentication"). Each side
 * proves the token with an HMAC over both sides' fresh nonces, so a proof is good for one
 * connection only: replayed on another, it meets another nonce. The role is bound in, so a
 * primary's proof cannot be reflected as a secondary's, and so are the names each side trusts
 * after it (the replica id; the history and its last sequence).
 */
const AUTH_DOMAIN = 'nadb-auth-2';

export interface AuthNonces {
  /** The primary's, sent in CHALLENGE. */
  readonly primaryNonce: string;
  /** The secondary's, sent in HELLO. */
  readonly secondaryNonce: string;
}

/** What the secondary sends in AUTH. */
export function secondaryProof(token: string, nonces: AuthNonces, replicaId: string): string {
  return mac(token, ['secondary', nonces.primaryNonce, nonces.secondaryNonce, replicaId]);
}

/** What the primary sends in WELCOME: it also vouches for the history it announces there. */
export function primaryProof(token: string, nonces: AuthNonces, replicaId: string, replicationId: string, lastSequence: number): string {
  return mac(token, ['primary', nonces.primaryNonce, nonces.secondaryNonce, replicaId, replicationId, lastSequence]);
}

/**
 * Compares two proofs in time that depends on their length only (fixed, 64), never on where they
 * first differ, so a peer cannot find a proof byte by byte from how fast it is refused.
 */
export function proofsEqual(expected: string, received: string): boolean {
  if (expected.length !== received.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i += 1) difference |= codeUnitAt(expected, i) ^ codeUnitAt(received, i);
  return difference === 0;
}

/** A JSON array: every field delimited and escaped, so no two field lists give the same message. */
function mac(token: string, fields: readonly (string | number)[]): string {
  return hmacSha256Hex(token, JSON.stringify([AUTH_DOMAIN, ...fields]));
}
