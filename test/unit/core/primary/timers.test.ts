/**
 * When a primary wakes and what it does then: the handshake deadline, heartbeats on an idle link,
 * the deadline of a full outbound budget, and expiries only when there is room to write them.
 * Every deadline is checked on both sides: nothing happens a millisecond before it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../../../../src/core/limits.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, sentFrames, T0 } from '../../../support/machine.js';
import { closeCodes, connect, ready, sync, write } from '../../../support/primary.js';

const { handshakeTimeoutMs, heartbeatIntervalMs, helloTimeoutMs, replicationTimeoutMs } = DEFAULT_TIMING;
/** Small frames, and a budget that holds one batch: a second one waits for an ACK. */
const ONE_BATCH_BUDGET = { valueBytesMax: 1_024, batchBytesMax: 4_096, snapshotChunkBytesMax: 4_096, frameBytesMax: 8_192, outboundBudgetBytes: 8_192 };

function wakeAt(primary: Primary, nowMs: number): ReturnType<typeof drain> {
  primary.handleTimeout(nowMs);
  return drain(primary);
}

function heartbeatFromSecondary(primary: Primary, nowMs: number): void {
  primary.handleBytes(1, bytesOf({ kind: 'heartbeat', timestampMs: nowMs, replicationId: null, lastSequence: 0 }), nowMs);
}

describe('a primary waking up', () => {
  it('closes links that have not said HELLO by its deadline and not finished their handshake by its own, sending no heartbeat meanwhile', () => {
    const primary = ready();
    primary.handleConnected(1, 'test', T0); // no HELLO
    connect(primary, 2); // no SYNC_REQUEST
    expect(primary.nextWakeMs()).toBe(T0 + helloTimeoutMs);
    expect(wakeAt(primary, T0 + helloTimeoutMs - 1)).toEqual([]);
    expect(closeCodes(wakeAt(primary, T0 + helloTimeoutMs))).toEqual(['1:timeout']);
    expect(primary.nextWakeMs()).toBe(T0 + handshakeTimeoutMs);
    expect(wakeAt(primary, T0 + heartbeatIntervalMs)).toEqual([]);
    expect(wakeAt(primary, T0 + handshakeTimeoutMs - 1)).toEqual([]);
    expect(closeCodes(wakeAt(primary, T0 + handshakeTimeoutMs))).toEqual(['2:timeout']);
  });

  it('sends a heartbeat on a streaming link only once it has been idle for the interval', () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    expect(wakeAt(primary, T0 + heartbeatIntervalMs - 1)).toEqual([]);
    expect(sentFrames(wakeAt(primary, T0 + heartbeatIntervalMs))).toMatchObject([{ kind: 'heartbeat', lastSequence: 0 }]);
  });

  it('heartbeats a link in a full resync with the last sequence its snapshot covers', () => {
    const primary = ready();
    write(primary, set('a', '1'));
    write(primary, set('b', '2'));
    connect(primary, 1);
    primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
    drain(primary); // the snapshot scan stays in flight
    expect(sentFrames(wakeAt(primary, T0 + heartbeatIntervalMs))).toMatchObject([{ kind: 'heartbeat', lastSequence: 2 }]);
  });

  it('closes a link whose outbound budget stayed full for the replication timeout, not a millisecond earlier', () => {
    const primary = ready({ limits: ONE_BATCH_BUDGET });
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    write(primary, set('a', '1')); // fills the budget: no ACK comes
    write(primary, set('b', '2')); // waits for room from T0 on
    const almost = T0 + replicationTimeoutMs - 1;
    heartbeatFromSecondary(primary, almost);
    expect(closeCodes(wakeAt(primary, almost))).toEqual([]);
    expect(primary.nextWakeMs()).toBe(T0 + replicationTimeoutMs);
    heartbeatFromSecondary(primary, T0 + replicationTimeoutMs);
    expect(closeCodes(wakeAt(primary, T0 + replicationTimeoutMs))).toEqual(['1:budget']);
  });

  it('wakes for its links before a later expiry', () => {
    const primary = ready();
    write(primary, set('a', '1', { expiresAtMs: T0 + 60_000 }));
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    expect(primary.nextWakeMs()).toBe(T0 + heartbeatIntervalMs);
  });

  it('does not wake for an expiry while no DELETE could be queued, and expires at most up to the bound', () => {
    const primary = ready({ limits: { pendingWritesMax: 1, logEntriesMax: 10 } });
    write(primary, set('a', '1', { expiresAtMs: T0 + 1_000 }));
    write(primary, set('b', '1', { expiresAtMs: T0 + 1_000 }));
    primary.submitWrite(set('c', '1'), T0); // in flight
    primary.submitWrite(set('d', '1'), T0); // pending: the queue is full
    const [inflight] = ofKind(drain(primary), 'storage');
    expect(primary.nextWakeMs()).toBeUndefined();
    primary.handleStorageDone(inflight?.requestId ?? 0, { kind: 'done', durable: true }, T0 + 2_000);
    drain(primary);
    expect(primary.nextWakeMs()).toBe(T0 + 1_000);
    primary.handleTimeout(T0 + 2_000);
    expect(primary.getStats(T0 + 2_000)).toMatchObject({ pendingWrites: 1, expiredKeys: 1 });
  });
});
