import { describe, expect, it } from 'vitest';
import { InvalidOperationError, LimitExceededError, NotReadyError } from '../../../../src/core/errors.js';
import { Primary } from '../../../../src/core/primary/primary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { complete, connect, connectWithToken, ready, sync } from '../../../support/primary.js';

describe('Primary', () => {
  it('takes no write before its start-up scan', () => {
    const primary = new Primary({ nowMs: T0, random: random() });
    expect(() => primary.submitWrite(set('a', '1'), T0)).toThrow(NotReadyError);
  });

  it('assigns consecutive sequences and acknowledges a write only when storage confirms', () => {
    const primary = ready();
    expect(primary.submitWrite(set('a', '1'), T0)).toBe(1);
    expect(primary.submitWrite(set('b', '2'), T0)).toBe(2);
    const outputs = drain(primary);
    const requests = ofKind(outputs, 'storage');
    expect(requests).toHaveLength(1); // one apply in flight; the second waits for it
    expect(outputs.some((output) => output.kind === 'event' && output.event.kind === 'writeApplied')).toBe(false);
    const applied = complete(primary, outputs).flatMap((output) => (output.kind === 'event' && output.event.kind === 'writeApplied' ? [output.event.sequence] : []));
    expect(applied).toEqual([1, 2]);
  });

  it('refuses an invalid write without consuming a sequence', () => {
    const primary = ready();
    expect(() => primary.submitWrite(set('', 'x'), T0)).toThrow(InvalidOperationError);
    expect(primary.submitWrite(set('a', '1'), T0)).toBe(1);
  });

  it('pushes back with LimitExceededError when storage falls behind', () => {
    const primary = ready({ limits: { pendingWritesMax: 3, logEntriesMax: 3 } });
    for (let i = 0; i < 4; i += 1) primary.submitWrite(set(`k${i}`, 'v'), T0); // one in flight, three pending
    expect(() => primary.submitWrite(set('k', 'v'), T0)).toThrow(LimitExceededError);
    // The error names the settings to raise, and the one that bounds it.
    expect(() => primary.submitWrite(set('k', 'v'), T0)).toThrow(/raise limits.pendingWritesMax, which may not exceed logEntriesMax \(3, set by maxOperationLog\)/);
  });

  it('refuses a write that would index more than expiringKeysMax expiring keys, naming the limit', () => {
    const primary = ready({ limits: { expiringKeysMax: 2 } });
    primary.submitWrite(set('a', '1', { expiresAtMs: T0 + 1_000 }), T0);
    primary.submitWrite(set('b', '1', { expiresAtMs: T0 + 1_000 }), T0);
    expect(() => primary.submitWrite(set('c', '1', { expiresAtMs: T0 + 1_000 }), T0)).toThrow(/2 expiring keys indexed \(expiringKeysMax\)/);
    expect(primary.submitWrite(set('c', '1'), T0)).toBe(3);
  });

  it('answers hello with welcome, and a matching covered request with continue', () => {
    const primary = ready();
    primary.submitWrite(set('a', '1'), T0);
    complete(primary, drain(primary));
    expect(connect(primary, 1)).toMatchObject([{ kind: 'welcome', replicationId: primary.replicationId, lastSequence: 1 }]);
    const frames = sync(primary, 1, primary.replicationId, 1);
    expect(frames[0]).toMatchObject({ kind: 'syncResponse', mode: 'continue', fromSequence: 1 });
    expect(frames[1]).toMatchObject({ kind: 'operation', sequence: 1 });
    expect(primary.getStats(T0)).toMatchObject({ mode: 'primary', partialResyncs: 1, fullResyncs: 0 });
  });

  it('gives a full resync to another history, with the snapshot and then the stream', () => {
    const primary = ready();
    connect(primary, 1);
    const entries = [set('x', '1'), set('y', '2')];
    const frames = sync(primary, 1, 'f'.repeat(32), 50, entries);
    expect(frames.map((frame) => frame.kind)).toEqual(['syncResponse', 'snapshotChunk', 'snapshotEnd']);
    expect(frames[0]).toMatchObject({ mode: 'full_resync', fromSequence: 1 });
    expect(frames[2]).toMatchObject({ chunkCount: 1, entryCount: 2, consistentSequence: 0 });
    expect(primary.getStats(T0)).toMatchObject({ partialResyncs: 0, fullResyncs: 1 });
  });

  it('gives a full resync when the log no longer holds the requested sequence (original failure 1)', () => {
    const primary = ready({ limits: { logEntriesMax: 2, pendingWritesMax: 2 } });
    for (let i = 1; i <= 5; i += 1) {
      primary.submitWrite(set(`k${i}`, 'v'), T0);
      complete(primary, drain(primary));
    }
    connect(primary, 1);
    expect(sync(primary, 1, primary.replicationId, 2)[0]).toMatchObject({ mode: 'full_resync', fromSequence: 6 });
  });

  it('refuses another protocol version, and a hello without the right proof', () => {
    const primary = ready({ authToken: 'secret' });
    primary.handleConnected(1, 'test', T0);
    primary.handleBytes(1, bytesOf({ kind: 'hello', timestampMs: T0, protocolVersion: 99, replicaId: 'r', auth: null }), T0);
    expect(ofKind(drain(primary), 'close')).toMatchObject([{ code: 'version' }]);
    expect(connectWithToken(primary, 2, 'r', 'wrong').answer).toMatchObject([{ kind: 'error', code: 'auth' }]);
    expect(connectWithToken(primary, 3, 'r', 'secret').answer).toMatchObject([{ kind: 'welcome' }]);
  });

  it('heartbeats consume no data sequence (original failure 10)', () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    primary.handleTimeout(T0 + 5_000);
    expect(sentFrames(drain(primary))).toMatchObject([{ kind: 'heartbeat', lastSequence: 0 }]);
    expect(primary.submitWrite(set('a', '1'), T0 + 5_000)).toBe(1);
  });

  it('closes a silent secondary after the replication timeout', () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    primary.handleTimeout(T0 + 15_000);
    expect(ofKind(drain(primary), 'close')).toMatchObject([{ connectionId: 1, code: 'timeout' }]);
  });

  it('stops at the outbound budget, resumes on ACK, and closes a secondary stalled on it', () => {
    const limits = { outboundBudgetBytes: 16 * 1024 * 1024, batchEntriesMax: 1 };
    const primary = ready({ limits });
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    const big = new Uint8Array(6 * 1024 * 1024);
    for (let i = 0; i < 4; i += 1) {
      primary.submitWrite({ ...set(`big${i}`, ''), value: big }, T0);
      complete(primary, drain(primary));
    }
    const stats = primary.getStats(T0).replicas[0];
    expect(stats?.operationsSent).toBe(2); // 2 x 8 MiB encoded fill the 16 MiB budget
    const sentBytes = stats?.bytesSent ?? 0;
    primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 2, appliedSequence: 2, durableSequence: 2, bytesReceived: sentBytes }), T0);
    drain(primary);
    expect(primary.getStats(T0).replicas[0]?.operationsSent).toBe(4);
    // No ACK for the rest: the budget stays full, and the link is closed, not left to grow.
    for (let t = 1; t <= 3; t += 1) {
      primary.handleBytes(1, bytesOf({ kind: 'heartbeat', timestampMs: T0, replicationId: null, lastSequence: 2 }), T0 + t * 5_000);
      primary.handleTimeout(T0 + t * 5_000);
      drain(primary);
    }
    primary.submitWrite(set('more', 'x'), T0 + 15_000);
    complete(primary, drain(primary));
    primary.handleBytes(1, bytesOf({ kind: 'heartbeat', timestampMs: T0, replicationId: null, lastSequence: 2 }), T0 + 29_000);
    primary.handleTimeout(T0 + 30_001);
    expect(ofKind(drain(primary), 'close')).toMatchObject([{ code: 'budget' }]);
  });

  it('closes a link whose ACK covers bytes never sent', () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 0, appliedSequence: 0, durableSequence: 0, bytesReceived: 1e9 }), T0);
    expect(ofKind(drain(primary), 'close')).toMatchObject([{ code: 'protocol' }]);
  });

  it('expires keys itself and replicates each expiry as a DELETE with the next sequence', () => {
    const primary = ready();
    primary.submitWrite(set('a', '1', { expiresAtMs: T0 + 1_000 }), T0);
    complete(primary, drain(primary));
    expect(primary.nextWakeMs()).toBe(T0 + 1_000);
    primary.handleTimeout(T0 + 1_000);
    const outputs = drain(primary);
    expect(outputs.some((output) => output.kind === 'event' && output.event.kind === 'expired' && output.event.sequence === 2)).toBe(true);
    const [apply] = ofKind(outputs, 'storage');
    expect(apply?.request).toMatchObject({ kind: 'apply', operations: [{ type: 'DELETE', path: 'a' }] });
    expect(primary.getStats(T0 + 1_000).expiredKeys).toBe(1);
  });

  it('deletes a due entry before a write could revive it (SET_TTL on an expired key)', () => {
    const primary = ready();
    primary.submitWrite(set('a', '1', { expiresAtMs: T0 + 1_000 }), T0);
    complete(primary, drain(primary));
    // No timer has fired yet, but readers stopped seeing 'a' at T0 + 1000.
    expect(primary.submitWrite({ type: 'SET_TTL', path: 'a', expiresAtMs: null }, T0 + 1_000)).toBe(3);
    const applies = ofKind(complete(primary, drain(primary)), 'storage').flatMap((output) => (output.request.kind === 'apply' ? output.request.operations : []));
    expect(applies.map((op) => op.type)).toEqual(['DELETE', 'SET_TTL']);
  });

  it('indexes the expiring entries found in storage at start-up', () => {
    const primary = ready({}, [set('old', 'v', { expiresAtMs: T0 + 500 })]);
    expect(primary.nextWakeMs()).toBe(T0 + 500);
  });

  it('reports lag from acknowledgements, in operations, bytes and time', () => {
    const primary = ready();
    connect(primary, 1);
    sync(primary, 1, primary.replicationId, 1);
    for (let i = 0; i < 3; i += 1) {
      primary.submitWrite(set(`k${i}`, 'v'), T0 + i * 100);
      complete(primary, drain(primary));
    }
    let replica = primary.getStats(T0 + 1_000).replicas[0];
    expect(replica).toMatchObject({ lagOperations: 3, lagMs: 1_000, connected: true });
    expect(replica?.lagBytes).toBeGreaterThan(0);
    primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 3, appliedSequence: 2, durableSequence: 1, bytesReceived: 0 }), T0 + 1_000);
    replica = primary.getStats(T0 + 1_000).replicas[0];
    expect(replica).toMatchObject({ lagOperations: 1, lagMs: 800, lagSeconds: 0.8, appliedSequence: 2, durableSequence: 1, receivedSequence: 3 });
    primary.handleBytes(1, bytesOf({ kind: 'ack', timestampMs: T0, receivedSequence: 3, appliedSequence: 3, durableSequence: 3, bytesReceived: 0 }), T0 + 1_000);
    // Caught up, it has no lag however long ago the last write was.
    expect(primary.getStats(T0 + 60_000).replicas[0]).toMatchObject({ lagOperations: 0, lagMs: 0 });
  });
});
