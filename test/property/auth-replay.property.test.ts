/**
 * An eavesdropper who saw whole handshakes (each HELLO and the AUTH that answered its CHALLENGE)
 * replays one on a new connection: the primary must refuse it, whatever the token, the replica
 * id, the primary's random draws or how many connections came before. Each proof covers its own
 * connection's nonce, and the primary draws a fresh one for every CHALLENGE.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secondaryProof } from '../../src/core/auth.js';
import type { Frame } from '../../src/core/frame.js';
import type { Output } from '../../src/core/output.js';
import { hexArb, idArb, nameArb } from '../support/arbitraries.js';
import { bytesOf, drain, random, sentFrames, T0 } from '../support/machine.js';
import { closeCodes, ready } from '../support/primary.js';

const RUNS = 200;

/** The frames sent on one connection (a newer connection of the same replica closes the older one). */
function framesOn(connectionId: number, outputs: readonly Output[]): Frame[] {
  return sentFrames(outputs.filter((output) => output.kind !== 'transmit' || output.connectionId === connectionId));
}

function hello(replicaId: string, nonce: string): Uint8Array {
  return bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId, auth: null, nonce });
}

describe('a proof replayed from an earlier connection', () => {
  it('is refused, and the replaying connection gets nothing but the CHALLENGE and the refusal', () => {
    fc.assert(
      fc.property(
        nameArb({ minLength: 1, maxLength: 40 }),
        idArb,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(hexArb(32), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (token, replicaId, seed, secondaryNonces, pick) => {
          const primary = ready({ authToken: token, random: random(seed) });
          const seen = secondaryNonces.map((secondaryNonce, index) => {
            const connectionId = index + 1;
            primary.handleConnected(connectionId, `10.0.0.1:${connectionId}`, T0);
            primary.handleBytes(connectionId, hello(replicaId, secondaryNonce), T0);
            const [challenge] = sentFrames(drain(primary));
            if (challenge?.kind !== 'challenge') throw new Error('no challenge');
            const auth: Frame = { kind: 'auth', timestampMs: T0, proof: secondaryProof(token, { primaryNonce: challenge.nonce, secondaryNonce }, replicaId) };
            primary.handleBytes(connectionId, bytesOf(auth), T0);
            expect(framesOn(connectionId, drain(primary)).map((frame) => frame.kind)).toEqual(['welcome']);
            return { hello: hello(replicaId, secondaryNonce), auth: bytesOf(auth) };
          });
          const replayed = seen[pick % seen.length]!;
          const connectionId = seen.length + 1;
          primary.handleConnected(connectionId, '10.6.6.6:1', T0);
          primary.handleBytes(connectionId, Buffer.concat([replayed.hello, replayed.auth]), T0);
          primary.invariants();
          const outputs = drain(primary);
          expect(framesOn(connectionId, outputs).map((frame) => frame.kind)).toEqual(['challenge', 'error']);
          expect(closeCodes(outputs)).toEqual([`${connectionId}:auth`]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
