/**
 * What a peer that is no secondary, or lies like one, can make the primary do: each case was
 * found by trying it against a running primary (issue 11).
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, DEFAULT_TIMING } from '../../../../src/core/limits.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { lengthPrefix } from '../../../support/hostile-bytes.js';
import { connect, connectWithToken, helloBytes, ready, sync } from '../../../support/primary.js';

function hello(primary: Primary, connectionId: number, atMs = T0): void {
  primary.handleBytes(connectionId, helloBytes(`r${connectionId}`, atMs), atMs);
}

/** The connections the primary asked to close, in order. */
function closed(primary: Primary): number[] {
  return drain(primary).flatMap((output) => (output.kind === 'close' ? [output.connectionId] : []));
}

/** Connects, says HELLO and asks to continue from `fromSequence` of the primary's history. */
function streaming(primary: Primary, connectionId: number, fromSequence: number): Frame[] {
  connect(primary, connectionId);
  return sync(primary, connectionId, primary.replicationId, fromSequence);
}


describe('Primary, against strangers', () => {
  it('refuses a frame longer than a secondary ever sends as soon as its length arrives, before any handshake', () => {
    const primary = ready();
    primary.handleConnected(1, '10.0.0.9:1', T0);
    primary.handleBytes(1, lengthPrefix(DEFAULT_LIMITS.secondaryFrameBytesMax + 1), T0);
    const outputs = drain(primary);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'frame_too_large' }]);
    expect(outputs.some((output) => output.kind === 'close' && output.connectionId === 1)).toBe(true);
    primary.invariants();
  });

  it('takes the largest HELLO a secondary can send: both names at their longest, every code unit escaped', () => {
    const primary = ready();
    const longest = '\u0001'.repeat(DEFAULT_LIMITS.nameLengthMax);
    const hello = bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: longest, auth: longest });
    expect(hello.length).toBeGreaterThan(DEFAULT_LIMITS.secondaryFrameBytesMax / 2);
    primary.handleConnected(1, '10.0.0.9:1', T0);
    primary.handleBytes(1, hello, T0);
    expect(sentFrames(drain(primary))).toMatchObject([{ kind: 'welcome' }]);
  });

  it('closes a link whose ACK claims a sequence it was never sent', () => {
    const primary = ready();
    for (let i = 0; i < 3; i += 1) primary.submitWrite(set(`k${i}`, 'v'), T0);
    // Storage confirms the first write only (the other two wait for the next apply): 1 is all there is to send.
    const [apply] = ofKind(drain(primary), 'storage');
    primary.handleStorageDone(apply?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    drain(primary);
    expect(streaming(primary, 1, 1).map((frame) => frame.kind)).toEqual(['syncResponse', 'operation']);
    primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 1, appliedSequence: 1, durableSequence: 1, bytesReceived: 0 }), T0);
    expect(drain(primary).some((output) => output.kind === 'close')).toBe(false);
    expect(primary.getStats(T0).replicas[0]).toMatchObject({ appliedSequence: 1 });
    // Sequence 2 is in the log, but this link never carried it; 2^50 was never written at all.
    for (const claimed of [2, 2 ** 50]) {
      const again = ready();
      again.submitWrite(set('k', 'v'), T0);
      const [first] = ofKind(drain(again), 'storage');
      again.handleStorageDone(first?.requestId ?? 0, { kind: 'done', durable: true }, T0);
      drain(again);
      streaming(again, 1, 1);
      again.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 1, appliedSequence: claimed, durableSequence: 0, bytesReceived: 0 }), T0);
      const outputs = drain(again);
      expect(sentFrames(outputs), String(claimed)).toMatchObject([{ kind: 'error', code: 'protocol', message: expect.stringContaining('never sent on this connection') }]);
      expect(outputs.some((output) => output.kind === 'close' && output.connectionId === 1)).toBe(true);
      expect(again.getStats(T0).replicas[0]?.appliedSequence).toBe(0);
    }
  });

  it('gives connections without a HELLO slots of their own: a flood from many hosts closes its oldest, never a secondary', () => {
    const limits = { ...DEFAULT_LIMITS, connectionsMax: 2, handshakesMax: 4, handshakesPerHostMax: 2 };
    const primary = ready({ limits });
    primary.handleConnected(1, '10.0.0.1:1', T0);
    hello(primary, 1);
    drain(primary);
    // Silent strangers, each from a host of its own: the fifth closes the first of them.
    for (let id = 100; id < 105; id += 1) primary.handleConnected(id, `10.1.0.${id}:5000`, T0 + id);
    expect(closed(primary)).toEqual([100]);
    // A secondary connecting in the middle of the flood still gets in, and the one connected stays.
    primary.handleConnected(2, '10.0.0.2:1', T0 + 200);
    hello(primary, 2, T0 + 200);
    expect(closed(primary)).toEqual([101]);
    expect(primary.getStats(T0 + 200).replicas.filter((replica) => replica.connected)).toHaveLength(2);
    primary.invariants();
  });

  it('refuses a secondary past connectionsMax once it says HELLO, unless it replaces its own connection', () => {
    const primary = ready({ limits: { ...DEFAULT_LIMITS, connectionsMax: 1 } });
    primary.handleConnected(1, '10.0.0.1:1', T0);
    hello(primary, 1);
    drain(primary);
    primary.handleConnected(2, '10.0.0.2:1', T0);
    hello(primary, 2);
    expect(closed(primary)).toEqual([2]);
    // The same replica again (a half-open link): it replaces its older connection.
    primary.handleConnected(3, '10.0.0.1:2', T0);
    primary.handleBytes(3, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'r1', auth: null }), T0);
    expect(closed(primary)).toEqual([1]);
    primary.invariants();
  });

  it('refuses more connections without a HELLO from one host than handshakesPerHostMax', () => {
    const primary = ready();
    for (let id = 1; id <= DEFAULT_LIMITS.handshakesPerHostMax + 2; id += 1) primary.handleConnected(id, `10.9.9.9:${4000 + id}`, T0);
    const perHost = DEFAULT_LIMITS.handshakesPerHostMax;
    expect(closed(primary)).toEqual([perHost + 1, perHost + 2]);
    // Another host is not affected, and IPv6 hosts keep their colons.
    primary.handleConnected(50, '[::1]:4000', T0);
    primary.handleConnected(51, '::1:4001', T0);
    expect(closed(primary)).toEqual([]);
  });

  it('closes a connection that has not said HELLO within helloTimeoutMs, long before handshakeTimeoutMs', () => {
    const primary = ready();
    primary.handleConnected(1, '10.0.0.1:1', T0);
    drain(primary);
    expect(primary.nextWakeMs()).toBe(T0 + DEFAULT_TIMING.helloTimeoutMs);
    primary.handleTimeout(T0 + DEFAULT_TIMING.helloTimeoutMs - 1);
    expect(closed(primary)).toEqual([]);
    primary.handleTimeout(T0 + DEFAULT_TIMING.helloTimeoutMs);
    expect(closed(primary)).toEqual([1]);
    expect(DEFAULT_TIMING.helloTimeoutMs).toBeLessThan(DEFAULT_TIMING.handshakeTimeoutMs);
  });

  it('with authentication on, a peer without the token cannot take over a connected replica\'s id', () => {
    const primary = ready({ authToken: 'secret' });
    connectWithToken(primary, 1, 'r1', 'secret', '10.0.0.1:1');
    // The id is in /stats for anyone to read; the token is not.
    expect(connectWithToken(primary, 2, 'r1', 'guess', '10.6.6.6:1').answer).toMatchObject([{ kind: 'error', code: 'auth' }]);
    expect(primary.getStats(T0).replicas).toMatchObject([{ replicaId: 'r1', connected: true, address: '10.0.0.1:1' }]);
  });
});
