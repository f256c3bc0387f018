import { describe, expect, it } from 'vitest';
import { DeposedError } from '../../../../src/core/errors.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { bytesOf, drain, random, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, complete, connect, connectWithToken, ready, SECONDARY_NONCE, write } from '../../../support/primary.js';
import { set } from '../../../support/ops.js';

function helloAtEpoch(epoch: number, nonce?: string, replicaId = 'follower'): Uint8Array {
  return bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId, auth: null, epoch, ...(nonce === undefined ? {} : { nonce }) });
}

describe('a primary shown a newer epoch', () => {
  it('learns from a secondary\'s HELLO that it was deposed, tells it, and closes every link', () => {
    const primary = ready();
    connect(primary, 1);
    primary.handleConnected(2, 'test:2', T0);
    primary.handleBytes(2, helloAtEpoch(1), T0);
    const outputs = drain(primary);
    expect(closeCodes(outputs).sort()).toEqual(['1:fenced', '2:fenced']);
    expect(sentFrames(outputs).some((frame) => frame.kind === 'welcome')).toBe(false);
    expect(outputs).toContainEqual({ kind: 'event', event: { kind: 'deposed', epoch: 1, reason: 'replica follower follows epoch 1' } });
    expect(primary.isDeposed).toBe(true);
    expect(primary.getStats(T0).deposedByEpoch).toBe(1);
    primary.invariants();
  });

  it('refuses writes with a DeposedError that names both epochs, and accepts nothing of them', () => {
    const primary = ready();
    write(primary, set('a', '1'));
    primary.handleConnected(1, 'test:1', T0);
    primary.handleBytes(1, helloAtEpoch(3), T0);
    drain(primary);
    expect(() => primary.submitWrite(set('b', '2'), T0)).toThrow(DeposedError);
    expect(() => primary.submitWrite(set('b', '2'), T0)).toThrow(/deposed by epoch 3 \(ours is 0\)/);
    expect(primary.lastSequence).toBe(1);
  });

  it('closes every later connection at once: it streams to nobody again', () => {
    const primary = ready();
    primary.handleConnected(1, 'test:1', T0);
    primary.handleBytes(1, helloAtEpoch(1), T0);
    drain(primary);
    primary.handleConnected(2, 'test:2', T0);
    expect(closeCodes(drain(primary))).toEqual(['2:fenced']);
  });

  it('takes a HELLO of its own epoch or an older one as an ordinary secondary', () => {
    const primary = new Primary({ nowMs: T0, random: random(), epoch: 2 });
    complete(primary, drain(primary));
    primary.handleConnected(1, 'test:1', T0);
    primary.handleBytes(1, helloAtEpoch(2), T0);
    expect(sentFrames(drain(primary))[0]).toMatchObject({ kind: 'welcome', epoch: 2 });
    primary.handleConnected(2, 'test:2', T0);
    primary.handleBytes(2, helloAtEpoch(1, undefined, 'laggard'), T0);
    expect(sentFrames(drain(primary))).toMatchObject([{ kind: 'welcome', epoch: 2 }]);
    expect(primary.isDeposed).toBe(false);
  });

  it('with a token, believes the epoch only of a peer that proved it: a stranger cannot depose it', () => {
    const primary = ready({ authToken: 'secret' });
    primary.handleConnected(1, 'test:1', T0);
    primary.handleBytes(1, helloAtEpoch(9, SECONDARY_NONCE), T0);
    drain(primary);
    primary.handleBytes(1, bytesOf({ kind: 'auth', timestampMs: T0, proof: '0'.repeat(64) }), T0);
    expect(closeCodes(drain(primary))).toEqual(['1:auth']);
    expect(primary.isDeposed).toBe(false);
    connectWithToken(primary, 2, 'r2', 'secret');
    expect(primary.isDeposed).toBe(false);
  });
});
