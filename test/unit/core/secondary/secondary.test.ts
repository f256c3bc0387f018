import { describe, expect, it } from 'vitest';
import { encodeFrame, SNAPSHOT_DIGEST_INITIAL } from '../../../../src/core/codec/index.js';
import { ReadOnlyError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { Secondary } from '../../../../src/core/secondary/secondary.js';
import { set } from '../../../support/ops.js';
import { bytesOf, drain, ofKind, random, sentFrames, T0 } from '../../../support/machine.js';
import { batchFrame, entry, entryFrame, HISTORY, receive, streaming } from '../../../support/secondary.js';

describe('Secondary', () => {
  it('says hello, then asks to resume from its persisted position', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: { replicationId: HISTORY, sequence: 41 } });
    secondary.handleTimeout(T0);
    const [connect] = ofKind(drain(secondary), 'connect');
    expect(connect).toBeDefined();
    secondary.handleConnected(connect?.connectionId ?? 0, T0);
    expect(sentFrames(drain(secondary))).toMatchObject([{ kind: 'hello', protocolVersion: 1, replicaId: 'r1', auth: null }]);
    secondary.handleBytes(1, bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: 'b'.repeat(32), lastSequence: 7 }), T0);
    expect(sentFrames(drain(secondary))).toMatchObject([{ kind: 'syncRequest', replicationId: HISTORY, fromSequence: 42 }]);
  });

  it('advances the applied sequence only when storage confirms', () => {
    const secondary = streaming();
    const outputs = receive(secondary, { kind: 'batch', timestampMs: T0, entries: [entry(1), entry(2)] });
    const [request] = ofKind(outputs, 'storage');
    expect(request?.request).toMatchObject({ kind: 'apply', cursor: { replicationId: HISTORY, sequence: 2 } });
    expect(secondary.getStats(T0).sequenceNumber).toBe(0);
    expect(secondary.getStats(T0).primary.receivedSequence).toBe(2);
    secondary.handleStorageDone(request?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    expect(secondary.getStats(T0).sequenceNumber).toBe(2);
    const ack = sentFrames(drain(secondary)).find((frame) => frame.kind === 'ack');
    expect(ack).toMatchObject({ receivedSequence: 2, appliedSequence: 2, durableSequence: 2 });
  });

  it('keeps one storage request in flight and merges what arrives meanwhile', () => {
    const secondary = streaming();
    const first = ofKind(receive(secondary, entryFrame(1)), 'storage');
    expect(first).toHaveLength(1);
    expect(ofKind(receive(secondary, entryFrame(2)), 'storage')).toHaveLength(0);
    expect(ofKind(receive(secondary, entryFrame(3)), 'storage')).toHaveLength(0);
    secondary.handleStorageDone(first[0]?.requestId ?? 0, { kind: 'done', durable: false }, T0);
    const [merged] = ofKind(drain(secondary), 'storage');
    expect(merged?.request.kind === 'apply' && merged.request.operations.length).toBe(2);
  });

  it('merges at most storageRequestEntriesMax operations per request, so the applied sequence keeps moving', () => {
    const secondary = streaming(undefined, { storageRequestEntriesMax: 5, batchEntriesMax: 2 });
    const [first] = ofKind(receive(secondary, batchFrame(1, 2)), 'storage');
    for (let from = 3; from <= 30; from += 2) receive(secondary, batchFrame(from, 2));
    const sizes: number[] = [];
    const applied: number[] = [];
    for (let request = first; request !== undefined;) {
      sizes.push(request.request.kind === 'apply' ? request.request.operations.length : -1);
      secondary.handleStorageDone(request.requestId, { kind: 'done', durable: false }, T0);
      secondary.invariants();
      applied.push(secondary.getStats(T0).sequenceNumber);
      [request] = ofKind(drain(secondary), 'storage');
    }
    // The first frame goes alone (nothing else waited); then two frames of 2 fit in 5, three do not.
    expect(sizes).toEqual([2, 4, 4, 4, 4, 4, 4, 4]);
    expect(applied).toEqual([2, 6, 10, 14, 18, 22, 26, 30]);
  });

  it('ignores a duplicate', () => {
    const secondary = streaming();
    receive(secondary, entryFrame(1));
    const outputs = receive(secondary, entryFrame(1));
    expect(ofKind(outputs, 'storage')).toHaveLength(0);
    expect(ofKind(outputs, 'close')).toHaveLength(0);
    expect(secondary.getStats(T0).primary.duplicatesIgnored).toBe(1);
  });

  it('never applies across a gap: it closes and will resume (original failures 5 and 11)', () => {
    const secondary = streaming();
    const outputs = receive(secondary, entryFrame(2));
    expect(ofKind(outputs, 'storage')).toHaveLength(0);
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'gap' }]);
    expect(sentFrames(outputs)).toMatchObject([{ kind: 'error', code: 'gap' }]);
    expect(secondary.getStats(T0).primary.gapsDetected).toBe(1);
    expect(secondary.nextWakeMs()).toBeGreaterThanOrEqual(T0);
  });

  it('on a storage failure stops applying, reports it, and resumes from what was applied', () => {
    const secondary = streaming();
    const [request] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    receive(secondary, entryFrame(2));
    secondary.handleStorageDone(request?.requestId ?? 0, { kind: 'failed', message: 'disk full' }, T0);
    const outputs = drain(secondary);
    expect(outputs.some((output) => output.kind === 'event' && output.event.kind === 'storageFailed')).toBe(true);
    expect(ofKind(outputs, 'storage')).toHaveLength(0);
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'storage' }]);
    expect(secondary.getStats(T0).sequenceNumber).toBe(0);
    expect(secondary.getStats(T0).primary.storageFailures).toBe(1);
  });

  it.each([
    { result: { kind: 'failed', message: 'disk full' } as const, asks: HISTORY, from: 2 },
    { result: { kind: 'failed', message: 'Redis lost the data', lost: true } as const, asks: null, from: 1 },
  ])('after a storage failure (lost: $result.lost) asks to resume from $asks at $from', ({ result, asks, from }) => {
    const secondary = streaming();
    const [first] = ofKind(receive(secondary, entryFrame(1)), 'storage');
    secondary.handleStorageDone(first?.requestId ?? 0, { kind: 'done', durable: true }, T0);
    const [second] = ofKind(receive(secondary, entryFrame(2)), 'storage');
    secondary.handleStorageDone(second?.requestId ?? 0, result, T0);
    expect(ofKind(drain(secondary), 'close')).toMatchObject([{ code: 'storage' }]);
    expect(secondary.getStats(T0).primary.storageLosses).toBe(asks === null ? 1 : 0);
    const reconnectAtMs = secondary.nextWakeMs() ?? 0;
    secondary.handleTimeout(reconnectAtMs);
    const [connect] = ofKind(drain(secondary), 'connect');
    secondary.handleConnected(connect?.connectionId ?? 0, reconnectAtMs);
    drain(secondary);
    secondary.handleBytes(connect?.connectionId ?? 0, bytesOf({ kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 2 }), reconnectAtMs);
    expect(sentFrames(drain(secondary))).toMatchObject([{ kind: 'syncRequest', replicationId: asks, fromSequence: from }]);
  });

  it('rejects a corrupted frame: closes, and applies nothing of it (original failure 8)', () => {
    const secondary = streaming();
    const bytes = encodeFrame(entryFrame(1), DEFAULT_LIMITS).bytes.slice();
    const at = bytes.length - 10;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    secondary.handleBytes(1, bytes, T0);
    const outputs = drain(secondary);
    expect(ofKind(outputs, 'storage')).toHaveLength(0);
    expect(ofKind(outputs, 'close')[0]?.code).toMatch(/checksum|protocol/);
  });

  it('rejects a huge length prefix before buffering it (original failure 17)', () => {
    const secondary = streaming();
    secondary.handleBytes(1, new Uint8Array([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]), T0);
    expect(ofKind(drain(secondary), 'close')).toMatchObject([{ code: 'frame_too_large' }]);
  });

  it('detects a silent primary and reconnects with backoff (original failure 15)', () => {
    const secondary = streaming();
    const wakeMs = secondary.nextWakeMs() ?? 0;
    expect(wakeMs).toBeLessThanOrEqual(T0 + 15_000);
    let nowMs = T0;
    while (nowMs < T0 + 15_000) {
      nowMs = secondary.nextWakeMs() ?? nowMs;
      secondary.handleTimeout(nowMs);
      // Its idle storage is verified meanwhile, and answers.
      for (const request of ofKind(drain(secondary), 'storage')) secondary.handleStorageDone(request.requestId, { kind: 'done', durable: true }, nowMs);
    }
    expect(secondary.getStats(nowMs).primary.phase).toBe('idle');
    secondary.handleTimeout(secondary.nextWakeMs() ?? nowMs);
    expect(ofKind(drain(secondary), 'connect')).toHaveLength(1);
  });

  it('bytes that never complete a frame do not keep a link alive (a corrupted length prefix)', () => {
    const secondary = streaming();
    secondary.handleBytes(1, new Uint8Array([0x00, 0x10, 0x00, 0x00]), T0); // announces 1 MiB that never comes
    let closes: string[] = [];
    for (let nowMs = T0 + 1_000; nowMs <= T0 + 16_000 && closes.length === 0; nowMs += 1_000) {
      secondary.handleBytes(1, new Uint8Array(100), nowMs);
      secondary.handleTimeout(nowMs);
      closes = drain(secondary).flatMap((output) => (output.kind === 'close' ? [output.code] : []));
    }
    expect(closes).toEqual(['timeout']);
  });

  it('refuses writes', () => {
    expect(() => streaming().submitWrite(set('a', '1'), T0)).toThrow(ReadOnlyError);
  });

  it('refuses a snapshot whose digest does not match', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    secondary.handleTimeout(T0);
    drain(secondary);
    secondary.handleConnected(1, T0);
    receive(secondary, { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 5 });
    receive(secondary, { kind: 'syncResponse', timestampMs: T0, mode: 'full_resync', replicationId: HISTORY, fromSequence: 1 });
    receive(secondary, { kind: 'snapshotChunk', timestampMs: T0, index: 0, entries: [set('x', '1')] });
    const outputs = receive(secondary, { kind: 'snapshotEnd', timestampMs: T0, chunkCount: 1, entryCount: 1, digest: SNAPSHOT_DIGEST_INITIAL, consistentSequence: 0 });
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'snapshot' }]);
    expect(ofKind(outputs, 'storage').map((output) => output.request.kind)).not.toContain('stageCommit');
  });

  it('abandons a snapshot that stops progressing, even while heartbeats arrive', () => {
    const secondary = new Secondary({ nowMs: T0, random: random(), replicaId: 'r1', cursor: null });
    secondary.handleTimeout(T0);
    drain(secondary);
    secondary.handleConnected(1, T0);
    receive(secondary, { kind: 'welcome', timestampMs: T0, protocolVersion: 1, replicationId: HISTORY, lastSequence: 5 });
    const [begin] = ofKind(receive(secondary, { kind: 'syncResponse', timestampMs: T0, mode: 'full_resync', replicationId: HISTORY, fromSequence: 1 }), 'storage');
    secondary.handleStorageDone(begin?.requestId ?? 0, { kind: 'done', durable: false }, T0);
    drain(secondary);
    // The chunks and the end are lost; only heartbeats come through.
    let closes: string[] = [];
    for (let nowMs = T0 + 500; nowMs <= T0 + 16_000 && closes.length === 0; nowMs += 500) {
      const heartbeat = receive(secondary, { kind: 'heartbeat', timestampMs: nowMs, replicationId: HISTORY, lastSequence: 0 }, nowMs);
      secondary.handleTimeout(nowMs);
      closes = [...heartbeat, ...drain(secondary)].flatMap((output) => (output.kind === 'close' ? [output.code] : []));
    }
    expect(closes).toEqual(['timeout']);
  });

  it('closes when the primary moves to another history', () => {
    const secondary = streaming();
    const outputs = receive(secondary, { kind: 'heartbeat', timestampMs: T0, replicationId: 'c'.repeat(32), lastSequence: 0 });
    expect(ofKind(outputs, 'close')).toMatchObject([{ code: 'history' }]);
  });
});
