/**
 * Challenge and response, seen from each end: a proof is good for the one connection whose
 * nonces it covers, a peer that fails it gets nothing but the refusal, and a secondary with a
 * token trusts only a primary that proves the token back.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { primaryProof, proofsEqual, secondaryProof } from '../../../src/core/auth.js';
import type { Frame } from '../../../src/core/frame.js';
import { portableHmacSha256Hex } from '../../../src/core/hmac.js';
import { AssertionError } from '../../../src/core/assert.js';
import { AUTH_TOKENS_MAX, DEFAULT_TIMING } from '../../../src/core/limits.js';
import { Primary } from '../../../src/core/primary/primary.js';
import { Secondary, type SecondaryOptions } from '../../../src/core/secondary/secondary.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../support/machine.js';
import { closeCodes, connectWithToken, events, ready, SECONDARY_NONCE } from '../../support/primary.js';
import { HISTORY } from '../../support/secondary.js';

const TOKEN = 'correct horse battery staple';

function hello(replicaId: string, extra: Partial<Extract<Frame, { kind: 'hello' }>> = {}): Uint8Array {
  return bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId, auth: null, ...extra });
}

describe('HMAC-SHA256', () => {
  it('gives RFC 4231 test case 2, and what node:crypto gives for any key and message', () => {
    expect(portableHmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    for (const [key, message] of [['', ''], ['k'.repeat(200), 'zoë 😀'], [TOKEN, '["nadb-auth-2"]']] as const) {
      expect(portableHmacSha256Hex(key, message)).toBe(createHmac('sha256', key).update(message, 'utf8').digest('hex'));
    }
  });

  it('binds the role, both nonces and the names: no two inputs share a proof', () => {
    const nonces = { primaryNonce: 'a'.repeat(32), secondaryNonce: 'b'.repeat(32) };
    const proofs = [
      secondaryProof(TOKEN, nonces, 'r1'),
      secondaryProof(TOKEN, { ...nonces, primaryNonce: 'c'.repeat(32) }, 'r1'),
      secondaryProof(TOKEN, { ...nonces, secondaryNonce: 'c'.repeat(32) }, 'r1'),
      secondaryProof(TOKEN, nonces, 'r2'),
      secondaryProof('another token', nonces, 'r1'),
      primaryProof(TOKEN, nonces, 'r1', HISTORY, 0),
      primaryProof(TOKEN, nonces, 'r1', HISTORY, 1),
    ];
    expect(new Set(proofs).size).toBe(proofs.length);
    expect(proofsEqual(proofs[0]!, secondaryProof(TOKEN, nonces, 'r1'))).toBe(true);
    expect(proofsEqual(proofs[0]!, proofs[1]!)).toBe(false);
    expect(proofsEqual(proofs[0]!, proofs[0]!.slice(1))).toBe(false);
  });
});

describe('a primary with a token', () => {
  it('answers a HELLO with a fresh CHALLENGE and nothing else, a new nonce on every connection', () => {
    const primary = ready({ authToken: TOKEN });
    const nonces = [1, 2].map((connectionId) => {
      primary.handleConnected(connectionId, 'test', T0);
      primary.handleBytes(connectionId, hello(`r${connectionId}`, { nonce: SECONDARY_NONCE }), T0);
      const frames = sentFrames(drain(primary));
      expect(frames.map((frame) => frame.kind)).toEqual(['challenge']);
      return frames[0]?.kind === 'challenge' ? frames[0].nonce : '';
    });
    expect(nonces[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('welcomes a proof of the token, and proves the token back over the same nonces', () => {
    const primary = ready({ authToken: TOKEN });
    const { challenge, answer } = connectWithToken(primary, 1, 'r1', TOKEN);
    const [welcome] = answer;
    expect(welcome?.kind).toBe('welcome');
    if (welcome?.kind !== 'welcome' || challenge.kind !== 'challenge') return;
    const nonces = { primaryNonce: challenge.nonce, secondaryNonce: SECONDARY_NONCE };
    expect(welcome.proof).toBe(primaryProof(TOKEN, nonces, 'r1', primary.replicationId, welcome.lastSequence));
  });

  it('sends a wrong proof nothing but the refusal, and names its address', () => {
    const primary = ready({ authToken: TOKEN });
    primary.handleConnected(1, '10.6.6.6:4242', T0);
    primary.handleBytes(1, hello('r1', { nonce: SECONDARY_NONCE }), T0);
    drain(primary);
    // A peer that pipelines its sync request behind a bad proof gets no further.
    const syncRequest = bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 });
    primary.handleBytes(1, Buffer.concat([bytesOf({ kind: 'auth', timestampMs: T0, proof: 'f'.repeat(64) }), syncRequest]), T0);
    const outputs = drain(primary);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'auth' }]);
    expect(closeCodes(outputs)).toEqual(['1:auth']);
    expect(events(outputs)).toMatchObject([{ kind: 'connectionClosed', code: 'auth', address: '10.6.6.6:4242' }]);
    expect(primary.getStats(T0).replicas).toEqual([]);
  });

  it('refuses a proof replayed from an earlier connection: it covers another nonce', () => {
    const primary = ready({ authToken: TOKEN });
    primary.handleConnected(1, 'test', T0);
    primary.handleBytes(1, hello('r1', { nonce: SECONDARY_NONCE }), T0);
    const [challenge] = sentFrames(drain(primary));
    if (challenge?.kind !== 'challenge') throw new Error('no challenge');
    // What an eavesdropper saw on the first connection, byte for byte.
    const helloSeen = hello('r1', { nonce: SECONDARY_NONCE });
    const authSeen = bytesOf({ kind: 'auth', timestampMs: T0, proof: secondaryProof(TOKEN, { primaryNonce: challenge.nonce, secondaryNonce: SECONDARY_NONCE }, 'r1') });
    primary.handleBytes(1, authSeen, T0);
    expect(sentFrames(drain(primary)).map((frame) => frame.kind)).toEqual(['welcome']);

    primary.handleConnected(2, '10.6.6.6:1', T0);
    primary.handleBytes(2, Buffer.concat([helloSeen, authSeen]), T0);
    const outputs = drain(primary);
    expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['challenge', 'error']);
    expect(closeCodes(outputs)).toEqual(['2:auth']);
    expect(primary.getStats(T0).replicas).toMatchObject([{ replicaId: 'r1', connected: true, address: 'test' }]);
  });

  it('refuses protocol 1\'s static proof, a HELLO without a nonce, and a frame other than AUTH after the CHALLENGE', () => {
    const primary = ready({ authToken: TOKEN });
    const cases: [Uint8Array, string][] = [
      [hello('r1', { auth: 'd'.repeat(64) }), 'auth'],
      [hello('r1'), 'auth'],
      [Buffer.concat([hello('r1', { nonce: SECONDARY_NONCE }), bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 })]), 'protocol'],
    ];
    cases.forEach(([bytes, code], index) => {
      const connectionId = index + 1;
      primary.handleConnected(connectionId, 'test', T0);
      primary.handleBytes(connectionId, bytes, T0);
      primary.invariants();
      const outputs = drain(primary);
      expect(sentFrames(outputs).every((frame) => frame.kind === 'challenge' || frame.kind === 'error')).toBe(true);
      expect(closeCodes(outputs)).toEqual([`${connectionId}:${code}`]);
    });
  });

  it('with two tokens (a rotation), admits a proof of either and proves back the same one', () => {
    const primary = ready({ authToken: ['old token', 'new token'] });
    for (const [connectionId, token] of [[1, 'old token'], [2, 'new token']] as const) {
      const { challenge, answer } = connectWithToken(primary, connectionId, `r${connectionId}`, token);
      const [welcome] = answer;
      if (welcome?.kind !== 'welcome' || challenge.kind !== 'challenge') throw new Error(`connection ${connectionId} not welcomed`);
      const nonces = { primaryNonce: challenge.nonce, secondaryNonce: SECONDARY_NONCE };
      expect(welcome.proof).toBe(primaryProof(token, nonces, `r${connectionId}`, primary.replicationId, welcome.lastSequence));
    }
    expect(connectWithToken(primary, 3, 'r3', 'retired token').answer).toMatchObject([{ kind: 'error', code: 'auth' }]);
  });

  it('refuses an empty token, and more than AUTH_TOKENS_MAX', () => {
    expect(() => new Primary({ nowMs: T0, random: random(), authToken: '' })).toThrow(AssertionError);
    expect(() => new Primary({ nowMs: T0, random: random(), authToken: ['a', ''] })).toThrow(AssertionError);
    expect(() => new Primary({ nowMs: T0, random: random(), authToken: Array.from({ length: AUTH_TOKENS_MAX + 1 }, (_, i) => `t${i}`) })).toThrow(AssertionError);
  });

  it('gives a peer between CHALLENGE and AUTH a handshake slot and helloTimeoutMs, no more', () => {
    const primary = ready({ authToken: TOKEN, limits: { connectionsMax: 1 } });
    primary.handleConnected(1, 'test', T0);
    primary.handleBytes(1, hello('stranger', { nonce: SECONDARY_NONCE }), T0);
    drain(primary);
    // The stranger holds no secondary's slot: a secondary with the token still gets in.
    expect(connectWithToken(primary, 2, 'r2', TOKEN).answer.map((frame) => frame.kind)).toEqual(['welcome']);
    expect(primary.nextWakeMs()).toBe(T0 + DEFAULT_TIMING.helloTimeoutMs);
    primary.handleTimeout(T0 + DEFAULT_TIMING.helloTimeoutMs);
    expect(closeCodes(drain(primary))).toEqual(['1:timeout']);
  });
});

describe('a secondary with a token', () => {
  function connected(options: Partial<SecondaryOptions> = {}): { secondary: Secondary; helloFrame: Frame } {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null, authToken: TOKEN, ...options });
    secondary.handleTimeout(T0);
    const [connect] = ofKind(drain(secondary), 'connect');
    secondary.handleConnected(connect?.connectionId ?? 0, T0);
    const [helloFrame] = sentFrames(drain(secondary));
    if (helloFrame === undefined) throw new Error('no hello');
    return { secondary, helloFrame };
  }

  function challenged(): { secondary: Secondary; nonces: { primaryNonce: string; secondaryNonce: string }; answer: Frame[] } {
    const { secondary, helloFrame } = connected();
    const primaryNonce = 'e'.repeat(32);
    secondary.handleBytes(1, bytesOf({ kind: 'challenge', timestampMs: T0, nonce: primaryNonce }), T0);
    const secondaryNonce = helloFrame.kind === 'hello' ? (helloFrame.nonce ?? '') : '';
    return { secondary, nonces: { primaryNonce, secondaryNonce }, answer: sentFrames(drain(secondary)) };
  }

  const welcome = (proof?: string): Frame => ({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 3, ...(proof === undefined ? {} : { proof }) });

  it('says hello with a fresh nonce and no static proof, and answers the CHALLENGE with its proof', () => {
    const { helloFrame } = connected();
    expect(helloFrame).toMatchObject({ kind: 'hello', auth: null, nonce: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const { nonces, answer } = challenged();
    expect(answer).toEqual([{ kind: 'auth', timestampMs: T0, proof: secondaryProof(TOKEN, nonces, 'r1') }]);
  });

  it('asks to sync only once the primary has proved the token over its nonce', () => {
    const { secondary, nonces } = challenged();
    secondary.handleBytes(1, bytesOf(welcome(primaryProof(TOKEN, nonces, 'r1', HISTORY, 3))), T0);
    secondary.invariants();
    expect(sentFrames(drain(secondary)).map((frame) => frame.kind)).toEqual(['syncRequest']);
  });

  it('refuses a primary that proves another token, another history, or nothing at all', () => {
    const welcomes = (nonces: { primaryNonce: string; secondaryNonce: string }): Frame[] => [
      welcome(primaryProof('another token', nonces, 'r1', HISTORY, 3)),
      welcome(primaryProof(TOKEN, nonces, 'r1', 'f'.repeat(32), 3)),
      welcome(),
    ];
    for (let index = 0; index < 3; index += 1) {
      const { secondary, nonces } = challenged();
      secondary.handleBytes(1, bytesOf(welcomes(nonces)[index]!), T0);
      secondary.invariants();
      const outputs = drain(secondary);
      expect(sentFrames(outputs).map((frame) => frame.kind)).toEqual(['error']);
      expect(closeCodes(outputs)).toEqual(['1:auth']);
    }
  });

  it('refuses a primary that asks for no token: it could be anyone', () => {
    const { secondary } = connected();
    secondary.handleBytes(1, bytesOf(welcome()), T0);
    expect(closeCodes(drain(secondary))).toEqual(['1:auth']);
  });
});

describe('a secondary without a token', () => {
  it('refuses a CHALLENGE, saying why', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    secondary.handleTimeout(T0);
    drain(secondary);
    secondary.handleConnected(1, T0);
    expect(sentFrames(drain(secondary))).toMatchObject([{ kind: 'hello', auth: null }]);
    secondary.handleBytes(1, bytesOf({ kind: 'challenge', timestampMs: T0, nonce: 'e'.repeat(32) }), T0);
    const outputs = drain(secondary);
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'auth', reason: 'primary requires a token, and this secondary holds none' }]);
  });
});
