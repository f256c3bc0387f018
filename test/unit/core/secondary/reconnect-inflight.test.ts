/**
 * A direct test of a link lost while its storage request is still in flight: the simulator
 * reaches it only now and then, and there only an assertion noticed a slip.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_TIMING } from '../../../../src/core/limits.js';
import type { LogEntry } from '../../../../src/core/operation.js';
import type { Output } from '../../../../src/core/output.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';

const HISTORY = 'c'.repeat(32);
const WAKES_MAX = 20;
const AFTER_ANY_BACKOFF_MS = T0 + DEFAULT_TIMING.reconnectCapMs + 1;

function batch(from: number, to: number): Frame {
  const entries: LogEntry[] = [];
  for (let sequence = from; sequence <= to; sequence += 1) entries.push({ sequence, timestampMs: T0, op: set(`p${sequence}`, `v${sequence}`) });
  return { kind: 'batch', timestampMs: T0, entries };
}

/** Wakes the machine until it asks for a connection (it waits out its backoff first). */
function nextConnect(secondary: Secondary, fromMs: number): { connectionId: number; nowMs: number } {
  for (let wakes = 0, nowMs = fromMs; wakes < WAKES_MAX; wakes += 1, nowMs = secondary.nextWakeMs() ?? nowMs) {
    secondary.handleTimeout(nowMs);
    const [connect] = ofKind(drain(secondary), 'connect');
    if (connect !== undefined) return { connectionId: connect.connectionId, nowMs };
  }
  throw new Error(`no connection asked for in ${WAKES_MAX} wake-ups`);
}

/** Opens the next connection the machine asks for and resumes from what it asks. */
function link(secondary: Secondary, fromMs: number): { connectionId: number; fromSequence: number; nowMs: number } {
  const { connectionId, nowMs } = nextConnect(secondary, fromMs);
  const connect = { connectionId };
  secondary.handleConnected(connect.connectionId, nowMs);
  drain(secondary);
  secondary.handleBytes(connect.connectionId, bytesOf({ kind: 'welcome', timestampMs: nowMs, protocolVersion: 1, replicationId: HISTORY, lastSequence: 10 }), nowMs);
  const request = sentFrames(drain(secondary)).find((frame) => frame.kind === 'syncRequest');
  if (request?.kind !== 'syncRequest') throw new Error('no SYNC_REQUEST');
  secondary.handleBytes(connect.connectionId, bytesOf({ kind: 'syncResponse', timestampMs: nowMs, mode: 'continue', replicationId: HISTORY, fromSequence: request.fromSequence }), nowMs);
  return { connectionId, fromSequence: request.fromSequence, nowMs };
}

function storageRequests(outputs: readonly Output[]): Extract<Output, { kind: 'storage' }>[] {
  return ofKind(outputs, 'storage');
}

describe('a link lost while a storage request of it is in flight', () => {
  it('reconnects only once that request is done, then resumes right after what it applied', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 0 } });
    const first = link(secondary, T0);
    drain(secondary);
    secondary.handleBytes(first.connectionId, bytesOf(batch(1, 3)), T0);
    const [inflight] = storageRequests(drain(secondary));
    expect(inflight?.request).toMatchObject({ kind: 'apply', cursor: { sequence: 3 } });

    secondary.handleDisconnected(first.connectionId, T0);
    drain(secondary);
    secondary.invariants();
    // Nothing to wake for until storage answers (a past reconnect time would wake its driver for nothing, again and again).
    expect(secondary.nextWakeMs()).toBeUndefined();
    // Asking from 1 now would replay 1..3 over an apply of them that may still land.
    expect(() => nextConnect(secondary, AFTER_ANY_BACKOFF_MS)).toThrow(/no connection asked for/);

    secondary.handleStorageDone(inflight?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    secondary.invariants();
    expect(secondary.position).toEqual({ replicationId: HISTORY, sequence: 3 });
    const second = link(secondary, AFTER_ANY_BACKOFF_MS);
    expect(second.fromSequence).toBe(4);
    secondary.handleBytes(second.connectionId, bytesOf(batch(4, 5)), second.nowMs);
    const [next] = storageRequests(drain(secondary));
    expect(next?.request).toMatchObject({ kind: 'apply', cursor: { sequence: 5 } });
    secondary.handleStorageDone(next?.requestId ?? 0, { kind: 'done', durable: true }, second.nowMs);
    secondary.invariants();
    expect(secondary.position).toEqual({ replicationId: HISTORY, sequence: 5 });
  });
});
