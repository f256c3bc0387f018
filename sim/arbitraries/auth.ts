import fc from 'fast-check';
import { SIM_AUTH_TOKEN } from '../options.js';

/**
 * The tokens of a cluster with auth on: the primary's, and each secondary's, mostly the same,
 * sometimes another or none (a secondary the handshake must refuse).
 */
export function authTokensArb(secondaries: number): fc.Arbitrary<Record<string, string>> {
  const secondaryToken = fc.oneof(
    { weight: 3, arbitrary: fc.constant<string | null>(SIM_AUTH_TOKEN) },
    { weight: 1, arbitrary: fc.constantFrom<string | null>('wrong-token', null) },
  );
  return fc.array(secondaryToken, { minLength: secondaries, maxLength: secondaries }).map((tokens) => {
    const byNode: Record<string, string> = { primary: SIM_AUTH_TOKEN };
    tokens.forEach((token, index) => {
      if (token !== null) byNode[`s${index + 1}`] = token;
    });
    return byNode;
  });
}
