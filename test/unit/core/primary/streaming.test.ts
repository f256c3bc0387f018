/**
 * How a primary streams its log to a secondary: batches bounded by entries and by bytes, the
 * outbound budget to the byte, and a stalled secondary the log has left behind closed with log_overrun.
 */
import { describe, expect, it } from 'vitest';
import { operationWireBytesMax } from '../../../../src/core/codec/index.js';
import { DEFAULT_TIMING, type Limits } from '../../../../src/core/limits.js';
import type { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, T0 } from '../../../support/machine.js';
import { closeCodes, connect, ready, sync, write } from '../../../support/primary.js';

/** Frames of at most 8 KiB, so that a budget of a few frames is a valid configuration. */
const SMALL_FRAMES = { valueBytesMax: 1_024, batchBytesMax: 4_096, snapshotChunkBytesMax: 4_096, frameBytesMax: 8_192 };
const ENVELOPE_AND_BATCH = 4_096 + SMALL_FRAMES.batchBytesMax;

/** The sequences each streamed frame carries, when three equal writes were applied before the secondary joined. */
function framesOfThreeWrites(limits: Partial<Limits>): number[][] {
  const primary = ready({ limits });
  for (const path of ['k1', 'k2', 'k3']) write(primary, set(path, 'v'));
  connect(primary, 1);
  return sync(primary, 1, primary.replicationId, 1).flatMap((frame) => {
    if (frame.kind === 'operation') return [[frame.sequence]];
    if (frame.kind === 'batch') return [frame.entries.map((entry) => entry.sequence)];
    return [];
  });
}

function ack(primary: Primary, bytesReceived: number): void {
  primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 0, appliedSequence: 0, durableSequence: 0, bytesReceived }), T0);
  drain(primary);
}

describe('streaming to a secondary', () => {
  it('batches consecutive entries up to batchEntriesMax', () => {
    expect(framesOfThreeWrites({})).toEqual([[1, 2, 3]]);
    expect(framesOfThreeWrites({ batchEntriesMax: 2 })).toEqual([[1, 2], [3]]);
  });

  it('batches consecutive entries up to batchBytesMax, a full batch included', () => {
    const size = operationWireBytesMax(set('k1', 'v'));
    expect(framesOfThreeWrites({ batchBytesMax: 2 * size })).toEqual([[1, 2], [3]]);
  });

  it('sends a batch when the budget has room for it to the byte, and not one byte less', () => {
    const roomMax = 20_000 - ENVELOPE_AND_BATCH; // unacknowledged bytes that still leave room
    const primary = ready({ limits: { ...SMALL_FRAMES, outboundBudgetBytes: 20_000, batchEntriesMax: 1 } });
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    const sent = (): number => primary.getStats(T0).replicas[0]?.operationsSent ?? 0;
    const unacked = (): number => primary.getStats(T0).replicas[0]?.queueSize ?? 0;
    for (let i = 0; i < 12; i += 1) write(primary, set(`k${i}`, 'v'.repeat(1_000)));
    expect(unacked()).toBeGreaterThan(roomMax);
    const before = sent();
    const oneByteShort = unacked() - roomMax - 1; // bytesReceived counts from the start of the link
    ack(primary, oneByteShort);
    expect(sent()).toBe(before);
    ack(primary, oneByteShort + 1);
    expect(sent()).toBe(before + 1);
  });

  it('keeps within the window a HELLO grants when it is smaller than its own budget, and to its own budget when the window is larger', () => {
    const unackedAfterWrites = (windowBytes: number): number => {
      const primary = ready({ limits: { ...SMALL_FRAMES, outboundBudgetBytes: 40_000, batchEntriesMax: 1 } });
      primary.handleConnected(1, 'test:1', T0);
      primary.handleBytes(1, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 1, replicaId: 'r1', auth: null, windowBytes }), T0);
      drain(primary);
      sync(primary, 1, primary.replicationId, 1);
      for (let i = 0; i < 60; i += 1) write(primary, set(`k${i}`, 'v'.repeat(1_000)));
      primary.invariants();
      return primary.getStats(T0).replicas[0]?.queueSize ?? 0;
    };
    expect(unackedAfterWrites(20_000)).toBeLessThanOrEqual(20_000);
    expect(unackedAfterWrites(20_000)).toBeGreaterThan(20_000 - ENVELOPE_AND_BATCH);
    expect(unackedAfterWrites(80_000)).toBeGreaterThan(40_000 - ENVELOPE_AND_BATCH);
    expect(unackedAfterWrites(80_000)).toBeLessThanOrEqual(40_000);
  });

  it('closes a stalled secondary that fell behind what the log keeps for it', () => {
    const primary = ready({ limits: { ...SMALL_FRAMES, outboundBudgetBytes: 8_192, logEntriesMax: 2, pendingWritesMax: 2, logBytesMax: 1, replicaBacklogBytesMax: 1 } });
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    // No ACK for pacingStallMs: writes no longer wait for it (pacing.test.ts).
    const stalledMs = T0 + DEFAULT_TIMING.pacingStallMs;
    const outputs = [1, 2, 3, 4, 5].flatMap((i) => write(primary, set(`k${i}`, 'v'), stalledMs)); // the first fills the budget
    expect(closeCodes(outputs)).toEqual(['1:log_overrun']);
  });
});
