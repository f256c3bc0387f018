/**
 * Why a secondary refuses a primary's WELCOME on authentication, one rule at a time: each reason
 * is read, so that a rule that stopped matching cannot pass by falling to the next one.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import { ofKind, T0 } from '../../../support/machine.js';
import { connected, HISTORY, receive } from '../../../support/secondary.js';

const WELCOME: Frame = { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0 };
const NONCE = 'f'.repeat(32);
const PROOF = '0'.repeat(64);

function refusals(outputs: ReturnType<typeof receive>): { code: string; reason: string }[] {
  return ofKind(outputs, 'close').map(({ code, reason }) => ({ code, reason }));
}

describe('a secondary refusing a primary on authentication', () => {
  it('refuses a proof when it holds no token: the two are not configured alike', () => {
    expect(refusals(receive(connected(), { ...WELCOME, proof: PROOF }))).toEqual([{ code: 'auth', reason: 'primary sent a proof, and this secondary holds no token' }]);
  });

  it('refuses a primary that asked for no token when it holds one', () => {
    expect(refusals(receive(connected({ authToken: 'secret' }), WELCOME))).toEqual([
      { code: 'auth', reason: 'primary asked for no token: refusing a primary that cannot prove it holds ours' },
    ]);
  });

  it('refuses a WELCOME whose proof is wrong, or missing, after its CHALLENGE', () => {
    for (const proof of [{ proof: PROOF }, {}]) {
      const secondary = connected({ authToken: 'secret' });
      receive(secondary, { kind: 'challenge', timestampMs: T0, nonce: NONCE });
      expect(refusals(receive(secondary, { ...WELCOME, ...proof }))).toEqual([{ code: 'auth', reason: 'primary failed to prove the token' }]);
    }
  });
});
