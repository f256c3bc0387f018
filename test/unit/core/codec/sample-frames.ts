/** One hand-written frame of every kind, valid under DEFAULT_LIMITS. */
import type { Frame } from '../../../../src/core/frame.js';
import type { LogEntry, SetOperation } from '../../../../src/core/operation.js';

const T = 1_700_000_000_123;

export const sampleSet: SetOperation = {
  type: 'SET', path: 'users/zo\u00eb', key: 'zo\u00eb', value: new TextEncoder().encode('hello'), db: 'main',
  namespace: 'users', tags: ['vip'], expiresAtMs: 1_700_000_360_000,
};

export const sampleEntries: LogEntry[] = [
  { sequence: 7, timestampMs: T, op: { type: 'DELETE', path: 'a' } },
  { sequence: 8, timestampMs: T + 1, op: { type: 'SET_TTL', path: 'b', expiresAtMs: null } },
  { sequence: 9, timestampMs: T + 2, op: { type: 'FLUSH', db: null, namespace: 'ns' } },
  { sequence: 10, timestampMs: T + 3, op: { type: 'METADATA', path: 'c', tags: [] } },
  { sequence: 11, timestampMs: T + 4, op: { ...sampleSet, tags: [], expiresAtMs: null, value: new Uint8Array([0, 255]) } },
];

export const sampleFrames: Record<Frame['kind'], Frame> = {
  operation: { kind: 'operation', sequence: 42, timestampMs: T, op: sampleSet },
  batch: { kind: 'batch', timestampMs: T + 5, entries: sampleEntries },
  hello: { kind: 'hello', timestampMs: T, protocolVersion: 1, replicaId: 'replica-1', auth: null },
  challenge: { kind: 'challenge', timestampMs: T, nonce: '0123456789abcdef'.repeat(2) },
  auth: { kind: 'auth', timestampMs: T, proof: 'b'.repeat(64) },
  welcome: { kind: 'welcome', timestampMs: T, protocolVersion: 1, replicationId: 'f'.repeat(32), lastSequence: 41 },
  syncRequest: { kind: 'syncRequest', timestampMs: T, replicationId: null, fromSequence: 1 },
  syncResponse: { kind: 'syncResponse', timestampMs: T, mode: 'full_resync', replicationId: 'f'.repeat(32), fromSequence: 42 },
  snapshotChunk: { kind: 'snapshotChunk', timestampMs: T, index: 0, entries: [sampleSet, { ...sampleSet, path: 'p2', tags: [] }] },
  snapshotEnd: { kind: 'snapshotEnd', timestampMs: T, chunkCount: 1, entryCount: 2, digest: 'a'.repeat(64), consistentSequence: 41 },
  ack: { kind: 'ack', timestampMs: T, receivedSequence: 42, appliedSequence: 41, durableSequence: 40, bytesReceived: 1234 },
  heartbeat: { kind: 'heartbeat', timestampMs: T, replicationId: 'f'.repeat(32), lastSequence: 42 },
  error: { kind: 'error', timestampMs: T, code: 'gap', message: 'expected 5, got 7' },
};
