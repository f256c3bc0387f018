/**
 * Write pacing: a secondary whose acknowledgements keep moving is never cut off by the log's
 * backlog bound; the primary refuses the write that would cut it off (BacklogFullError), which
 * the runtime holds and submits again. One silent for pacingStallMs no longer holds writes back.
 */
import { describe, expect, it } from 'vitest';
import { BacklogFullError } from '../../../../src/core/errors.js';
import { DEFAULT_TIMING, type Timing } from '../../../../src/core/limits.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import type { Output } from '../../../../src/core/output.js';
import { bytesOf, drain, ofKind, T0 } from '../../../support/machine.js';
import { closeCodes, complete, connect, ready, sync, write } from '../../../support/primary.js';

/** Frames of at most 8 KiB, a budget that the SYNC_RESPONSE leaves no room in for a batch, and a log that keeps nothing beyond what a secondary needs. */
const LIMITS = {
  valueBytesMax: 1_024,
  batchBytesMax: 4_096,
  snapshotChunkBytesMax: 4_096,
  frameBytesMax: 8_192,
  outboundBudgetBytes: 8_192,
  logEntriesMax: 4,
  pendingWritesMax: 4,
  logBytesMax: 1,
  replicaBacklogBytesMax: 1,
};
const STALL_MS = DEFAULT_TIMING.pacingStallMs;

/** A streaming secondary on connection 1 that has acknowledged nothing, so was sent nothing of write 1, which the log keeps for it. */
function streamingWithFullBudget(timing: Partial<Timing> = {}): Primary {
  const primary = ready({ limits: LIMITS, timing });
  connect(primary, 1);
  sync(primary, 1, primary.replicationId, 1);
  write(primary, set('k1', 'v'));
  return primary;
}

/** Bytes each primary's secondary on connection 1 has acknowledged so far. */
const acked = new WeakMap<Primary, number>();

/** The secondary acknowledges `count` more bytes, at `nowMs`. */
function ackBytes(primary: Primary, count: number, nowMs: number): void {
  const bytesReceived = (acked.get(primary) ?? 0) + count;
  acked.set(primary, bytesReceived);
  primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: nowMs, receivedSequence: 0, appliedSequence: 0, durableSequence: 0, bytesReceived }), nowMs);
  complete(primary, drain(primary), [], nowMs);
}

/** The secondary acknowledges every byte sent to it so far, at `nowMs`. */
function ackEverything(primary: Primary, nowMs: number): Output[] {
  const bytesReceived = (acked.get(primary) ?? 0) + (primary.getStats(nowMs).replicas[0]?.queueSize ?? 0);
  acked.set(primary, bytesReceived);
  primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: nowMs, receivedSequence: 0, appliedSequence: 0, durableSequence: 0, bytesReceived }), nowMs);
  return complete(primary, drain(primary), [], nowMs);
}

describe('write pacing', () => {
  it('refuses the write that would cut off a secondary that is keeping up, and keeps its link', () => {
    const primary = streamingWithFullBudget();
    expect(() => primary.submitWrite(set('k2', 'v'), T0 + STALL_MS - 1)).toThrow(BacklogFullError);
    expect(closeCodes(drain(primary))).toEqual([]);
    expect(primary.getStats(T0).sequenceNumber).toBe(1);
  });

  it('takes writes again once the secondary acknowledged and was sent what it needed', () => {
    const primary = streamingWithFullBudget();
    expect(() => primary.submitWrite(set('k2', 'v'), T0 + 10)).toThrow(BacklogFullError);
    expect(ofKind(ackEverything(primary, T0 + 20), 'transmit')).not.toEqual([]); // write 1 went out
    expect(closeCodes(write(primary, set('k2', 'v'), T0 + 30))).toEqual([]);
    expect(primary.getStats(T0 + 30).sequenceNumber).toBe(2);
  });

  it('lets a stalled secondary go: writes go on after pacingStallMs without an ACK, and the backlog bound cuts it off', () => {
    const primary = streamingWithFullBudget();
    expect(() => primary.submitWrite(set('k2', 'v'), T0 + STALL_MS - 1)).toThrow(BacklogFullError);
    expect(closeCodes(write(primary, set('k2', 'v'), T0 + STALL_MS))).toEqual(['1:log_overrun']);
  });

  it('lets a secondary go whose storage hangs though it reads and acknowledges every heartbeat: they are no progress', () => {
    const heartbeatMs = STALL_MS / 4;
    const primary = streamingWithFullBudget({ heartbeatIntervalMs: heartbeatMs });
    for (let atMs = T0 + heartbeatMs; atMs < T0 + STALL_MS; atMs += heartbeatMs) {
      primary.handleTimeout(atMs);
      const heartbeatBytes = ofKind(drain(primary), 'transmit').reduce((sum, output) => sum + output.bytes.length, 0);
      expect(heartbeatBytes).toBeGreaterThan(0);
      ackBytes(primary, heartbeatBytes, atMs + 1);
    }
    expect(() => primary.submitWrite(set('k2', 'v'), T0 + STALL_MS - 1)).toThrow(BacklogFullError);
    expect(closeCodes(write(primary, set('k2', 'v'), T0 + STALL_MS))).toEqual(['1:log_overrun']);
  });

  it('stops holding writes back for a secondary keeping up once what it needs is pacingLagMsMax old', () => {
    // Under the heartbeat interval, so that no other timer is due first.
    const lagMaxMs = 3_000;
    const primary = streamingWithFullBudget({ pacingLagMsMax: lagMaxMs }); // write 1, at T0, kept for the secondary
    ackBytes(primary, 1, T0 + lagMaxMs - 2); // a trickle: it keeps acknowledging, its budget stays full
    expect(() => primary.submitWrite(set('k2', 'v'), T0 + lagMaxMs - 1)).toThrow(BacklogFullError);
    expect(primary.nextWakeMs()).toBe(T0 + lagMaxMs); // the held writes go on then
    expect(closeCodes(write(primary, set('k2', 'v'), T0 + lagMaxMs))).toEqual(['1:log_overrun']);
  });

  it('wakes when a secondary holding writes back would count as stalled, so that held writes go on', () => {
    const primary = streamingWithFullBudget();
    expect(primary.nextWakeMs()).toBeLessThanOrEqual(T0 + STALL_MS);
  });

  it('counts a secondary that had acknowledged everything as keeping up, however long it waited for a write', () => {
    const primary = streamingWithFullBudget();
    ackEverything(primary, T0 + 1); // write 1 goes out
    ackEverything(primary, T0 + 2); // and is acknowledged: nothing is unacknowledged from here on
    const laterMs = T0 + 10 * STALL_MS;
    write(primary, set('k2', 'v'), laterMs); // the budget has room: sent at once
    write(primary, set('k3', 'v'), laterMs); // kept for the secondary, whose budget the write before filled
    expect(() => primary.submitWrite(set('k4', 'v'), laterMs + 1)).toThrow(BacklogFullError);
  });

  it('holds writes back for a secondary in a full resync that waits on this primary\'s own scan', () => {
    const primary = ready({ limits: LIMITS });
    write(primary, set('a', '1'));
    connect(primary, 1);
    primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
    drain(primary); // the scan stays in flight: the secondary has nothing to acknowledge but the SYNC_RESPONSE
    ackEverything(primary, T0 + 1);
    primary.submitWrite(set('b', '2'), T0 + 2);
    drain(primary);
    expect(() => primary.submitWrite(set('c', '3'), T0 + 10 * STALL_MS)).toThrow(BacklogFullError);
  });

  it('holds writes back for a full resync whose replay fills the backlog, until the snapshot is sent', () => {
    const primary = ready({ limits: LIMITS });
    write(primary, set('a', '1'));
    connect(primary, 1);
    primary.handleBytes(1, bytesOf({ kind: 'syncRequest', timestampMs: T0, replicationId: null, fromSequence: 1 }), T0);
    const [scan] = ofKind(drain(primary), 'storage');
    primary.submitWrite(set('b', '2'), T0);
    const applies = drain(primary);
    expect(() => primary.submitWrite(set('c', '3'), T0 + 10)).toThrow(BacklogFullError);
    primary.handleStorageDone(scan?.requestId ?? 0, { kind: 'scanned', entries: [set('a', '1')], done: true }, T0 + 20);
    expect(closeCodes(complete(primary, [...applies, ...drain(primary)]))).toEqual([]);
    ackEverything(primary, T0 + 30);
    expect(closeCodes(write(primary, set('c', '3'), T0 + 40))).toEqual([]);
  });
});
