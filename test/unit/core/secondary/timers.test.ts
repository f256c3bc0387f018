/**
 * When a secondary wakes and what it does then: the handshake deadline through the sync phase,
 * heartbeats on an idle link, and a snapshot that stops moving (heartbeats alone do not count as
 * progress, our own storage work does). Each deadline is checked on both sides.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../../../../src/core/limits.js';
import type { Secondary } from '../../../../src/core/secondary/secondary.js';
import { drain, ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { connected, HISTORY, receive, snapshotting, streaming } from '../../../support/secondary.js';

const { handshakeTimeoutMs, heartbeatIntervalMs, replicationTimeoutMs } = DEFAULT_TIMING;

function wakeAt(secondary: Secondary, nowMs: number): ReturnType<typeof drain> {
  secondary.handleTimeout(nowMs);
  return drain(secondary);
}

function closeCodes(outputs: ReturnType<typeof drain>): string[] {
  return ofKind(outputs, 'close').map((output) => output.code);
}

/** A heartbeat from the primary: the link is alive, the snapshot no further. */
function heartbeatFromPrimary(secondary: Secondary, nowMs: number): void {
  receive(secondary, { kind: 'heartbeat', timestampMs: nowMs, replicationId: HISTORY, lastSequence: 0 }, nowMs);
}

describe('a secondary waking up', () => {
  it('keeps the handshake deadline while it waits for the WELCOME, before and after answering a CHALLENGE', () => {
    const secondary = connected({ authToken: 'secret' });
    expect(secondary.nextWakeMs()).toBe(T0 + handshakeTimeoutMs);
    receive(secondary, { kind: 'challenge', timestampMs: T0, nonce: 'f'.repeat(32) });
    expect(secondary.getStats(T0).primary.phase).toBe('auth');
    expect(secondary.nextWakeMs()).toBe(T0 + handshakeTimeoutMs);
    expect(closeCodes(wakeAt(secondary, T0 + handshakeTimeoutMs - 1))).toEqual([]);
    expect(closeCodes(wakeAt(secondary, T0 + handshakeTimeoutMs))).toEqual(['timeout']);
  });

  it('keeps the handshake deadline while it waits for the SYNC_RESPONSE', () => {
    const secondary = connected();
    receive(secondary, { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 0 });
    expect(secondary.nextWakeMs()).toBe(T0 + handshakeTimeoutMs);
  });

  it('sends a heartbeat on a streaming link only once it has been idle for the interval', () => {
    const secondary = streaming();
    expect(wakeAt(secondary, T0 + heartbeatIntervalMs - 1)).toEqual([]);
    expect(sentFrames(wakeAt(secondary, T0 + heartbeatIntervalMs))).toMatchObject([{ kind: 'heartbeat' }]);
  });

  it('asks its storage whether it still holds its data once storage has been idle for a heartbeat interval', () => {
    const secondary = streaming();
    expect(secondary.nextWakeMs()).toBe(T0 + heartbeatIntervalMs);
    expect(ofKind(wakeAt(secondary, T0 + heartbeatIntervalMs - 1), 'storage')).toEqual([]);
    const [verify] = ofKind(wakeAt(secondary, T0 + heartbeatIntervalMs), 'storage');
    expect(verify?.request).toEqual({ kind: 'apply', operations: [], cursor: null });
    // One at a time: none while it is in flight, and the next an interval after it was issued.
    expect(ofKind(wakeAt(secondary, T0 + heartbeatIntervalMs + 1), 'storage')).toEqual([]);
    secondary.handleStorageDone(verify?.requestId ?? 0, { kind: 'done', durable: true }, T0 + heartbeatIntervalMs + 100);
    drain(secondary);
    expect(ofKind(wakeAt(secondary, T0 + 2 * heartbeatIntervalMs - 1), 'storage')).toEqual([]);
    const [again] = ofKind(wakeAt(secondary, T0 + 2 * heartbeatIntervalMs), 'storage');
    secondary.handleStorageDone(again?.requestId ?? 0, { kind: 'failed', message: 'gone', lost: true }, T0 + 2 * heartbeatIntervalMs);
    expect(closeCodes(drain(secondary))).toEqual(['storage']);
    expect(secondary.getStats(T0).primary.storageLosses).toBe(1);
  });

  it('does not take a long-running stream for a stalled snapshot', () => {
    const secondary = streaming();
    heartbeatFromPrimary(secondary, T0 + 10_000);
    expect(closeCodes(wakeAt(secondary, T0 + replicationTimeoutMs))).toEqual([]);
  });

  it('abandons a snapshot waiting on the primary exactly when it made no progress for the timeout', () => {
    const { secondary, outputs } = snapshotting(1);
    const [begin] = ofKind(outputs, 'storage');
    secondary.handleStorageDone(begin?.requestId ?? 0, { kind: 'done', durable: true }, T0); // the last progress
    drain(secondary);
    heartbeatFromPrimary(secondary, T0 + 12_000);
    expect(secondary.nextWakeMs()).toBe(T0 + replicationTimeoutMs);
    expect(closeCodes(wakeAt(secondary, T0 + 12_001))).toEqual([]);
    expect(closeCodes(wakeAt(secondary, T0 + replicationTimeoutMs - 1))).toEqual([]);
    expect(closeCodes(wakeAt(secondary, T0 + replicationTimeoutMs))).toEqual(['timeout']);
  });

  it('does not abandon a snapshot while its own storage is at work', () => {
    const { secondary } = snapshotting(1); // its stageBegin stays in flight
    heartbeatFromPrimary(secondary, T0 + 12_000);
    expect(secondary.nextWakeMs()).toBe(T0 + 12_000 + heartbeatIntervalMs);
    expect(closeCodes(wakeAt(secondary, T0 + replicationTimeoutMs))).toEqual([]);
  });
});
