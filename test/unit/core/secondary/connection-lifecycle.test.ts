/**
 * The secondary's connections: it takes only the connection it asked for, ignores what an older
 * one still delivers, backs off before asking again, and once closed asks for none.
 */
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { DEFAULT_TIMING } from '../../../../src/core/limits.js';
import type { Frame } from '../../../../src/core/frame.js';
import type { Output } from '../../../../src/core/output.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { entryFrame, HISTORY, receive, streaming } from '../../../support/secondary.js';

function events(outputs: readonly Output[]): Extract<Output, { kind: 'event' }>['event'][] {
  return ofKind(outputs, 'event').map((output) => output.event);
}

function connects(secondary: Secondary, nowMs: number): number[] {
  secondary.handleTimeout(nowMs);
  return ofKind(drain(secondary), 'connect').map((output) => output.connectionId);
}

describe("a secondary's connections", () => {
  it('refuses an empty replicaId, an empty token or an unknown wire format, and has no position before it has data', () => {
    expect(() => new Secondary({ nowMs: T0, random: random(), replicaId: '', cursor: null })).toThrow(new AssertionError('replicaId must not be empty'));
    expect(() => new Secondary({ nowMs: T0, random: random(), replicaId: 'r', cursor: null, authToken: '' })).toThrow(new AssertionError('authToken must not be empty'));
    const wireFormat = 'xml' as unknown as 'json';
    expect(() => new Secondary({ nowMs: T0, random: random(), replicaId: 'r', cursor: null, wireFormat })).toThrow(new AssertionError('wireFormat must be one of binary, binary-1, json, got xml'));
    expect(new Secondary({ nowMs: T0, random: random(), replicaId: 'r', cursor: null }).position).toBeNull();
  });

  it('closes a connection it did not ask for, or no longer wants', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    expect(connects(secondary, T0)).toEqual([1]);
    secondary.handleConnected(7, T0);
    expect(ofKind(drain(secondary), 'close')).toEqual([{ kind: 'close', connectionId: 7, code: 'shutdown', reason: 'connection no longer wanted' }]);
    secondary.handleTimeout(T0 + DEFAULT_TIMING.handshakeTimeoutMs); // gives up on connection 1
    expect(ofKind(drain(secondary), 'close')).toMatchObject([{ connectionId: 1, code: 'timeout' }]);
    secondary.handleConnected(1, T0 + DEFAULT_TIMING.handshakeTimeoutMs);
    expect(ofKind(drain(secondary), 'close')).toMatchObject([{ connectionId: 1, code: 'shutdown' }]);
  });

  it('handles a failed connect to the connection it asked for by backing off, and ignores others', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    connects(secondary, T0);
    expect(secondary.getStats(T0).primary.reconnections).toBe(0); // the first connect is no reconnection
    secondary.handleConnectFailed(9, 'refused', T0);
    expect(drain(secondary)).toEqual([]);
    secondary.handleConnectFailed(1, 'refused', T0);
    const [closed, scheduled] = events(drain(secondary));
    // A refused dial is not a timeout: the close code says what happened.
    expect(closed).toEqual({ kind: 'connectionClosed', connectionId: 1, code: 'connect_failed', reason: 'connect failed: refused' });
    expect(scheduled).toMatchObject({ kind: 'reconnectScheduled', attempt: 1 });
    const atMs = scheduled?.kind === 'reconnectScheduled' ? scheduled.atMs : 0;
    expect(atMs).toBeGreaterThan(T0);
    expect(connects(secondary, atMs - 1)).toEqual([]);
    expect(connects(secondary, atMs)).toEqual([2]);
    expect(secondary.getStats(atMs).primary.reconnections).toBe(1);
    secondary.handleConnected(2, atMs);
    drain(secondary);
    secondary.handleConnectFailed(2, 'late', atMs); // it is connected by now
    expect(drain(secondary)).toEqual([]);
  });

  it('backs off further while each connection is closed right after its SYNC_RESPONSE, and anew once a link carried a frame and stayed up', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 5 } });
    let nowMs = T0;
    /** One connection up to its SYNC_RESPONSE, then `then`, then the primary's close: the attempt its reconnection is scheduled as. */
    const attemptAfter = (then: Frame): number => {
      const [connectionId] = connects(secondary, nowMs);
      secondary.handleConnected(connectionId ?? 0, nowMs);
      const frames: Frame[] = [
        { kind: 'welcome', timestampMs: nowMs, protocolVersion: 1, replicationId: HISTORY, lastSequence: 5 },
        { kind: 'syncResponse', timestampMs: nowMs, mode: 'continue', replicationId: HISTORY, fromSequence: 6 },
        then,
      ];
      for (const frame of frames) secondary.handleBytes(connectionId ?? 0, bytesOf(frame), nowMs);
      secondary.handleDisconnected(connectionId ?? 0, nowMs);
      const scheduled = events(drain(secondary)).find((event) => event.kind === 'reconnectScheduled');
      nowMs = scheduled?.kind === 'reconnectScheduled' ? scheduled.atMs : nowMs;
      return scheduled?.kind === 'reconnectScheduled' ? scheduled.attempt : 0;
    };
    const overrun: Frame = { kind: 'error', timestampMs: T0, code: 'log_overrun', message: 'secondary fell behind the log' };
    const heartbeat: Frame = { kind: 'heartbeat', timestampMs: T0, replicationId: HISTORY, lastSequence: 5 };
    expect([attemptAfter(overrun), attemptAfter(overrun), attemptAfter(overrun), attemptAfter(heartbeat), attemptAfter(overrun)]).toEqual([1, 2, 3, 1, 2]);
    // A frame that closes the link itself (a gap: 8 where 6 was due) is no sign that the link works.
    expect([attemptAfter(entryFrame(8)), attemptAfter(overrun)]).toEqual([3, 4]);
  });

  it('ignores bytes and disconnections of a connection that is not its link', () => {
    const secondary = streaming();
    secondary.handleBytes(9, bytesOf(entryFrame(1)), T0);
    secondary.handleDisconnected(9, T0);
    expect(drain(secondary)).toEqual([]);
    receive(secondary, entryFrame(2)); // a gap: the link closes
    secondary.handleBytes(1, bytesOf(entryFrame(1)), T0);
    secondary.handleDisconnected(1, T0);
    expect(drain(secondary)).toEqual([]);
  });

  it('tells a reset from an orderly close by the peer, and neither from its own shutdown', () => {
    const secondary = streaming();
    secondary.handleDisconnected(1, T0, 'reset');
    expect(events(drain(secondary))[0]).toEqual({ kind: 'connectionClosed', connectionId: 1, code: 'reset', reason: 'connection reset by the peer or the network' });
  });

  it('reports a disconnection, and the storage failure that follows it closes nothing more', () => {
    const secondary = streaming();
    const [apply] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    secondary.handleDisconnected(1, T0);
    expect(events(drain(secondary))).toMatchObject([{ kind: 'connectionClosed', connectionId: 1, code: 'peer_closed', reason: 'connection closed by the peer' }, { kind: 'reconnectScheduled' }]);
    secondary.handleStorageDone(apply?.requestId ?? 0, { kind: 'failed', message: 'disk' }, T0);
    expect(events(drain(secondary))).toEqual([{ kind: 'storageFailed', message: 'disk' }]);
  });

  it('while the handshake runs, gives up on it at the deadline and not before', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    connects(secondary, T0);
    secondary.handleTimeout(T0 + DEFAULT_TIMING.handshakeTimeoutMs - 1);
    expect(drain(secondary)).toEqual([]);
    secondary.handleTimeout(T0 + DEFAULT_TIMING.handshakeTimeoutMs);
    expect(ofKind(drain(secondary), 'close')).toMatchObject([{ connectionId: 1, code: 'timeout' }]);
  });

  it('once closed, closes its link or pending connection once and never asks for another', () => {
    const linked = streaming({ replicationId: HISTORY, sequence: 0 });
    linked.close(T0);
    const outputs = drain(linked);
    expect(ofKind(outputs, 'close')).toMatchObject([{ connectionId: 1, code: 'shutdown' }]);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'shutdown', message: 'secondary is shutting down' }]);
    expect(events(outputs).map((event) => event.kind)).toEqual(['connectionClosed']);
    linked.close(T0);
    expect(drain(linked)).toEqual([]);
    expect(linked.nextWakeMs()).toBeUndefined();
    expect(connects(linked, T0 + DEFAULT_TIMING.reconnectCapMs + 1)).toEqual([]);

    const pending = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    connects(pending, T0);
    pending.close(T0);
    expect(ofKind(drain(pending), 'close')).toMatchObject([{ connectionId: 1, code: 'shutdown' }]);

    const idle = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    idle.close(T0);
    expect(drain(idle)).toEqual([]);
  });

});
