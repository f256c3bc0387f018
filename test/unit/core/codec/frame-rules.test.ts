import { describe, expect, it } from 'vitest';
import { checkFrame, checkOperation, isErrorCode } from '../../../../src/core/codec/frame-rules.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import type { LogEntry, Operation } from '../../../../src/core/operation.js';
import { sampleFrames, sampleSet } from './sample-frames.js';

/** Small bounds, so each rule is tested at its limit and one past it. */
const small: Limits = { ...DEFAULT_LIMITS, nameLengthMax: 4, tagsMax: 2, valueBytesMax: 3, batchEntriesMax: 2, snapshotChunkEntriesMax: 1 };

class RuleBroken extends Error {}

/** The message of the first rule the frame breaks, or undefined when it keeps them all. */
function brokenRule(frame: Frame, limits: Limits = small): string | undefined {
  try {
    checkFrame(frame, limits, (message) => new RuleBroken(message));
  } catch (error) {
    expect(error).toBeInstanceOf(RuleBroken);
    return (error as Error).message;
  }
  return undefined;
}

const T = 1_000;
const set = (change: Partial<typeof sampleSet> = {}): Operation => ({ ...sampleSet, path: 'p', key: 'k', db: 'd', namespace: 'n', tags: [], value: new Uint8Array(1), ...change });
const entry = (sequence: number, op: Operation = set()): LogEntry => ({ sequence, timestampMs: T, op });
const operation = (op: Operation, sequence = 1): Frame => ({ kind: 'operation', sequence, timestampMs: T, op });
const hello = (change: object): Frame => ({ kind: 'hello', timestampMs: T, protocolVersion: 1, replicaId: 'r', auth: null, ...change }) as Frame;
const welcome = (change: object): Frame => ({ kind: 'welcome', timestampMs: T, protocolVersion: 1, replicationId: 'w', lastSequence: 5, ...change }) as Frame;
const nonce = 'a'.repeat(32);
const proof = 'b'.repeat(64);

describe('checkFrame: each rule at its bound, one past it, and its message', () => {
  const cases: [string, Frame, string | undefined][] = [
    ['a timestamp of 0', { ...sampleFrames.ack, timestampMs: 0 }, undefined],
    ['a timestamp of 2^50', { ...sampleFrames.ack, timestampMs: 2 ** 50 }, undefined],
    ['a timestamp past 2^50', { ...sampleFrames.ack, timestampMs: 2 ** 50 + 1 }, `ack: timestamp must be a whole number of milliseconds in [0, 2^50], got ${2 ** 50 + 1}`],
    ['a negative timestamp', { ...sampleFrames.ack, timestampMs: -1 }, 'ack: timestamp must be a whole number of milliseconds in [0, 2^50], got -1'],
    ['a fractional timestamp', { ...sampleFrames.ack, timestampMs: 0.5 }, 'ack: timestamp must be a whole number of milliseconds in [0, 2^50], got 0.5'],
    ['an operation entry of sequence 1', operation(set(), 1), undefined],
    ['an operation entry of sequence 0', operation(set(), 0), 'SET sequence must be a safe integer >= 1, got 0'],
    ['an operation entry with a bad timestamp', { ...operation(set()), timestampMs: -1 }, 'operation: timestamp must be a whole number of milliseconds in [0, 2^50], got -1'],
    ['a name at nameLengthMax', operation(set({ key: 'kkkk' })), undefined],
    ['a name past nameLengthMax', operation(set({ key: 'kkkkk' })), 'SET data.key must be a string of at most 4 UTF-16 code units'],
    ['an empty key, db and namespace', operation(set({ key: '', db: '', namespace: '' })), undefined],
    ['an empty path', operation(set({ path: '' })), 'SET data.path must be a non-empty string of at most 4 UTF-16 code units'],
    ['a path that is not a string', operation(set({ path: ['p'] as unknown as string })), 'SET data.path must be a non-empty string of at most 4 UTF-16 code units'],
    ['a db past nameLengthMax', operation(set({ db: 'ddddd' })), 'SET data.db must be a string of at most 4 UTF-16 code units'],
    ['a namespace past nameLengthMax', operation(set({ namespace: 'nnnnn' })), 'SET data.namespace must be a string of at most 4 UTF-16 code units'],
    ['tagsMax tags', operation(set({ tags: ['a', 'b'] })), undefined],
    ['one tag past tagsMax', operation(set({ tags: ['a', 'b', 'c'] })), 'SET data.tags must be an array of at most 2 tags'],
    ['tags that are not an array', operation(set({ tags: 'ab' as unknown as string[] })), 'SET data.tags must be an array of at most 2 tags'],
    ['a second tag too long', operation(set({ tags: ['', 'ttttt'] })), 'SET data.tags[1] must be a string of at most 4 UTF-16 code units'],
    ['a value of valueBytesMax', operation(set({ value: new Uint8Array(3) })), undefined],
    ['a value past valueBytesMax', operation(set({ value: new Uint8Array(4) })), 'SET data.value must be at most 3 bytes'],
    ['a value that is not bytes', operation(set({ value: [1] as unknown as Uint8Array })), 'SET data.value must be at most 3 bytes'],
    ['an expiry of 0', operation(set({ expiresAtMs: 0 })), undefined],
    ['a negative expiry', operation(set({ expiresAtMs: -1 })), 'SET data.expires_at_ms must be a safe integer >= 0, got -1'],
    ['a DELETE with an empty path', operation({ type: 'DELETE', path: '' }), 'DELETE data.path must be a non-empty string of at most 4 UTF-16 code units'],
    ['a SET_TTL with an empty path', operation({ type: 'SET_TTL', path: '', expiresAtMs: null }), 'SET_TTL data.path must be a non-empty string of at most 4 UTF-16 code units'],
    ['a SET_TTL with a negative expiry', operation({ type: 'SET_TTL', path: 'p', expiresAtMs: -1 }), 'SET_TTL data.expires_at_ms must be a safe integer >= 0, got -1'],
    ['a FLUSH of everything', operation({ type: 'FLUSH', db: null, namespace: null }), undefined],
    ['a FLUSH with a db too long', operation({ type: 'FLUSH', db: 'ddddd', namespace: null }), 'FLUSH data.db must be a string of at most 4 UTF-16 code units'],
    ['a FLUSH with a namespace too long', operation({ type: 'FLUSH', db: '', namespace: 'nnnnn' }), 'FLUSH data.namespace must be a string of at most 4 UTF-16 code units'],
    ['a METADATA with an empty path', operation({ type: 'METADATA', path: '', tags: [] }), 'METADATA data.path must be a non-empty string of at most 4 UTF-16 code units'],
    ['a METADATA with too many tags', operation({ type: 'METADATA', path: 'p', tags: ['a', 'b', 'c'] }), 'METADATA data.tags must be an array of at most 2 tags'],
    ['an unknown operation type', operation({ type: 'PING' } as unknown as Operation), 'PING: unknown operation type PING'],
    ['a batch of batchEntriesMax', { kind: 'batch', timestampMs: T, entries: [entry(1), entry(2)] }, undefined],
    ['a batch past batchEntriesMax', { kind: 'batch', timestampMs: T, entries: [entry(1), entry(2), entry(3)] }, 'BATCH data.operations must hold 1 to 2 operations, got 3'],
    ['an empty batch', { kind: 'batch', timestampMs: T, entries: [] }, 'BATCH data.operations must hold 1 to 2 operations, got 0'],
    ['a batch with a gap', { kind: 'batch', timestampMs: T, entries: [entry(1), entry(3)] }, 'BATCH data.operations[1] sequence 3 does not follow 1'],
    ['a batch going back', { kind: 'batch', timestampMs: T, entries: [entry(2), entry(1)] }, 'BATCH data.operations[1] sequence 1 does not follow 2'],
    ['a batch item of sequence 0', { kind: 'batch', timestampMs: T, entries: [entry(0), entry(1)] }, 'BATCH data.operations[0] sequence must be a safe integer >= 1, got 0'],
    ['a batch item with a bad timestamp', { kind: 'batch', timestampMs: T, entries: [entry(1), { ...entry(2), timestampMs: 0.5 }] },
      'BATCH data.operations[1] timestamp must be a whole number of milliseconds in [0, 2^50], got 0.5'],
    ['a batch item with a bad operation', { kind: 'batch', timestampMs: T, entries: [entry(1, { type: 'DELETE', path: '' })] },
      'BATCH data.operations[0] data.path must be a non-empty string of at most 4 UTF-16 code units'],
    ['a snapshot chunk of snapshotChunkEntriesMax', { kind: 'snapshotChunk', timestampMs: T, index: 0, entries: [set() as never] }, undefined],
    ['a snapshot chunk past snapshotChunkEntriesMax', { kind: 'snapshotChunk', timestampMs: T, index: 0, entries: [set() as never, set() as never] },
      'SNAPSHOT_CHUNK data.entries must hold at most 1 entries, got 2'],
    ['a snapshot chunk of a negative index', { kind: 'snapshotChunk', timestampMs: T, index: -1, entries: [] }, 'SNAPSHOT_CHUNK data.index must be a safe integer >= 0, got -1'],
    ['a snapshot entry too long', { kind: 'snapshotChunk', timestampMs: T, index: 0, entries: [set({ key: 'kkkkk' }) as never] },
      'SNAPSHOT_CHUNK data.entries[0] data.key must be a string of at most 4 UTF-16 code units'],
    ['a snapshot entry that is not a SET', { kind: 'snapshotChunk', timestampMs: T, index: 0, entries: [{ type: 'DELETE', path: 'p' } as never] },
      'SNAPSHOT_CHUNK data.entries[0] must be a SET operation'],
    ['a batch item of an unknown type', { kind: 'batch', timestampMs: T, entries: [entry(1), entry(2, { type: 'PING' } as unknown as Operation)] },
      'BATCH data.operations[1]: unknown operation type PING'],
    ['a batch item with a tag too long', { kind: 'batch', timestampMs: T, entries: [entry(1, set({ tags: ['a', 'ttttt'] }))] },
      'BATCH data.operations[0] data.tags[1] must be a string of at most 4 UTF-16 code units'],
    ['a batch item with a value too large', { kind: 'batch', timestampMs: T, entries: [entry(1), entry(2, set({ value: new Uint8Array(4) }))] },
      'BATCH data.operations[1] data.value must be at most 3 bytes'],
    ['a HELLO with an unsafe protocol version', hello({ protocolVersion: 2 ** 53 }), `HELLO data.protocol_version must be a safe integer >= 0, got ${2 ** 53}`],
    ['a HELLO with an empty replica id', hello({ replicaId: '' }), 'HELLO data.replica_id must be a non-empty string of at most 4 UTF-16 code units'],
    ['a HELLO with an empty auth', hello({ auth: '' }), undefined],
    ['a HELLO with an auth too long', hello({ auth: 'aaaaa' }), 'HELLO data.auth must be a string of at most 4 UTF-16 code units'],
    ['a HELLO with a nonce', hello({ nonce }), undefined],
    ['a HELLO with a short nonce', hello({ nonce: nonce.slice(1) }), 'HELLO data.nonce must be 32 lowercase hex characters'],
    ['a HELLO with an uppercase nonce', hello({ nonce: nonce.toUpperCase() }), 'HELLO data.nonce must be 32 lowercase hex characters'],
    ['a HELLO of epoch 1', hello({ epoch: 1 }), undefined],
    ['a HELLO of epoch 0', hello({ epoch: 0 }), 'HELLO data.epoch must be a safe integer >= 1, got 0'],
    ['a HELLO with a window of one byte', hello({ windowBytes: 1, snapshotWindowBytes: 1 }), undefined],
    ['a HELLO with a window of 0', hello({ windowBytes: 0 }), 'HELLO data.window_bytes must be a safe integer >= 1, got 0'],
    ['a HELLO with a fractional snapshot window', hello({ snapshotWindowBytes: 1.5 }), 'HELLO data.snapshot_window_bytes must be a safe integer >= 1, got 1.5'],
    ['a HELLO that takes values of one byte', hello({ receiveLimits: { valueBytesMax: 1 } }), undefined],
    ['a HELLO that takes no tags', hello({ receiveLimits: { tagsMax: 0 } }), 'HELLO data.tags_max must be a safe integer >= 1, got 0'],
    ['a HELLO with a timeout of 1 ms', hello({ replicationTimeoutMs: 1 }), undefined],
    ['a HELLO with a timeout of 0', hello({ replicationTimeoutMs: 0 }), 'HELLO data.replication_timeout_ms must be a safe integer >= 1, got 0'],
    ['a HELLO offering WIRE_FORMATS_OFFERED_MAX formats', hello({ wireFormats: Array.from({ length: 8 }, () => 'f') }), undefined],
    ['a HELLO offering one format more', hello({ wireFormats: Array.from({ length: 9 }, () => 'f') }), 'HELLO data.wire_formats must be an array of at most 8 names'],
    ['a HELLO offering formats that are not an array', hello({ wireFormats: 'binary-1' }), 'HELLO data.wire_formats must be an array of at most 8 names'],
    ['a HELLO offering a format of WIRE_FORMAT_NAME_LENGTH_MAX', hello({ wireFormats: ['f'.repeat(32)] }), undefined],
    ['a HELLO offering a format one longer', hello({ wireFormats: ['binary-1', 'f'.repeat(33)] }),
      'HELLO data.wire_formats[1] must be a non-empty string of at most 32 UTF-16 code units'],
    ['a HELLO offering an empty format', hello({ wireFormats: [''] }), 'HELLO data.wire_formats[0] must be a non-empty string of at most 32 UTF-16 code units'],
    ['a HELLO offering a format that is not a string', hello({ wireFormats: [['f']] }), 'HELLO data.wire_formats[0] must be a non-empty string of at most 32 UTF-16 code units'],
    ['a CHALLENGE', { kind: 'challenge', timestampMs: T, nonce }, undefined],
    ['a CHALLENGE with a long nonce', { kind: 'challenge', timestampMs: T, nonce: `${nonce}a` }, 'CHALLENGE data.nonce must be 32 lowercase hex characters'],
    ['a CHALLENGE with a nonce that is not hex', { kind: 'challenge', timestampMs: T, nonce: 'g'.repeat(32) }, 'CHALLENGE data.nonce must be 32 lowercase hex characters'],
    ['an AUTH', { kind: 'auth', timestampMs: T, proof }, undefined],
    ['an AUTH with a short proof', { kind: 'auth', timestampMs: T, proof: nonce }, 'AUTH data.proof must be 64 lowercase hex characters'],
    ['an AUTH with a proof that is not a string', { kind: 'auth', timestampMs: T, proof: 5 as unknown as string }, 'AUTH data.proof must be 64 lowercase hex characters'],
    ['a WELCOME choosing binary-1', welcome({ wireFormat: 'binary-1' }), undefined],
    ['a WELCOME choosing binary-2', welcome({ wireFormat: 'binary-2' }), undefined],
    ['a WELCOME choosing another format', welcome({ wireFormat: 'json' }), 'WELCOME data.wire_format must be a binary format when present'],
    ['a WELCOME with a negative protocol version', welcome({ protocolVersion: -1 }), 'WELCOME data.protocol_version must be a safe integer >= 0, got -1'],
    ['a WELCOME with an empty replication id', welcome({ replicationId: '' }), 'WELCOME data.replication_id must be a non-empty string of at most 4 UTF-16 code units'],
    ['a WELCOME with a proof', welcome({ proof }), undefined],
    ['a WELCOME with an uppercase proof', welcome({ proof: proof.toUpperCase() }), 'WELCOME data.proof must be 64 lowercase hex characters'],
    ['a WELCOME of epoch 0', welcome({ epoch: 0 }), 'WELCOME data.epoch must be a safe integer >= 1, got 0'],
    ['a WELCOME whose previous history ended at its last sequence', welcome({ previous: { replicationId: 'v', endSequence: 5 } }), undefined],
    ['a WELCOME whose previous history ended after it', welcome({ previous: { replicationId: 'v', endSequence: 6 } }), 'WELCOME data.previous_end_sequence must not pass last_sequence'],
    ['a WELCOME with an empty previous replication id', welcome({ previous: { replicationId: '', endSequence: 5 } }),
      'WELCOME data.previous_replication_id must be a non-empty string of at most 4 UTF-16 code units'],
    ['a WELCOME with a negative previous end', welcome({ previous: { replicationId: 'v', endSequence: -1 } }), 'WELCOME data.previous_end_sequence must be a safe integer >= 0, got -1'],
    ['a WELCOME with a fractional last sequence', welcome({ lastSequence: 5.5 }), 'WELCOME data.last_sequence must be a safe integer >= 0, got 5.5'],
    ['a SYNC_REQUEST with an empty replication id', { ...sampleFrames.syncRequest, replicationId: '' } as Frame,
      'SYNC_REQUEST data.replication_id must be a non-empty string of at most 4 UTF-16 code units'],
    ['a SYNC_REQUEST from a negative sequence', { ...sampleFrames.syncRequest, fromSequence: -1 } as Frame, 'SYNC_REQUEST data.from_sequence must be a safe integer >= 0, got -1'],
    ['a SYNC_RESPONSE to continue', { kind: 'syncResponse', timestampMs: T, mode: 'continue', replicationId: 'r', fromSequence: 0 }, undefined],
    ['a SYNC_RESPONSE of an unknown mode', { kind: 'syncResponse', timestampMs: T, mode: 'partial' as never, replicationId: 'r', fromSequence: 0 },
      'SYNC_RESPONSE data.mode must be "continue" or "full_resync"'],
    ['a SYNC_RESPONSE with an empty replication id', { kind: 'syncResponse', timestampMs: T, mode: 'continue', replicationId: '', fromSequence: 0 },
      'SYNC_RESPONSE data.replication_id must be a non-empty string of at most 4 UTF-16 code units'],
    ['a SYNC_RESPONSE from a negative sequence', { kind: 'syncResponse', timestampMs: T, mode: 'continue', replicationId: 'r', fromSequence: -1 },
      'SYNC_RESPONSE data.from_sequence must be a safe integer >= 0, got -1'],
    ['a SNAPSHOT_END with a negative chunk count', { ...sampleFrames.snapshotEnd, chunkCount: -1 } as Frame, 'SNAPSHOT_END data.chunk_count must be a safe integer >= 0, got -1'],
    ['a SNAPSHOT_END with a negative entry count', { ...sampleFrames.snapshotEnd, entryCount: -1 } as Frame, 'SNAPSHOT_END data.entry_count must be a safe integer >= 0, got -1'],
    ['a SNAPSHOT_END with a short digest', { ...sampleFrames.snapshotEnd, digest: 'a' } as Frame, 'SNAPSHOT_END data.digest must be 64 lowercase hex characters'],
    ['a SNAPSHOT_END with a negative sequence', { ...sampleFrames.snapshotEnd, consistentSequence: -1 } as Frame,
      'SNAPSHOT_END data.consistent_sequence must be a safe integer >= 0, got -1'],
    ['an ACK with a negative received sequence', { ...sampleFrames.ack, receivedSequence: -1 } as Frame, 'ACK data.received_sequence must be a safe integer >= 0, got -1'],
    ['an ACK with a negative applied sequence', { ...sampleFrames.ack, appliedSequence: -1 } as Frame, 'ACK data.applied_sequence must be a safe integer >= 0, got -1'],
    ['an ACK with a negative durable sequence', { ...sampleFrames.ack, durableSequence: -1 } as Frame, 'ACK data.durable_sequence must be a safe integer >= 0, got -1'],
    ['an ACK with a negative byte count', { ...sampleFrames.ack, bytesReceived: -1 } as Frame, 'ACK data.bytes_received must be a safe integer >= 0, got -1'],
    ['a HEARTBEAT before any history', { ...sampleFrames.heartbeat, replicationId: null } as Frame, undefined],
    ['a HEARTBEAT with an empty replication id', { ...sampleFrames.heartbeat, replicationId: '' } as Frame,
      'HEARTBEAT data.replication_id must be a non-empty string of at most 4 UTF-16 code units'],
    ['a HEARTBEAT with a negative last sequence', { ...sampleFrames.heartbeat, replicationId: 'r', lastSequence: -1 } as Frame, 'HEARTBEAT data.last_sequence must be a safe integer >= 0, got -1'],
    ['an ERROR with an empty message', { kind: 'error', timestampMs: T, code: 'gap', message: '' }, undefined],
    ['an ERROR with a message too long', { kind: 'error', timestampMs: T, code: 'gap', message: 'mmmmm' }, 'ERROR data.message must be a string of at most 4 UTF-16 code units'],
    ['an ERROR with a code that is not a string', { kind: 'error', timestampMs: T, code: 5 as never, message: '' }, 'ERROR data.code 5 is not a known error code'],
    ['an ERROR with a code that names one only as a string', { kind: 'error', timestampMs: T, code: ['gap'] as never, message: '' }, 'ERROR data.code gap is not a known error code'],
    ['an ERROR with an inherited name as its code', { kind: 'error', timestampMs: T, code: 'toString' as never, message: '' }, 'ERROR data.code toString is not a known error code'],
    ['an unknown kind', { kind: 'ping', timestampMs: T } as unknown as Frame, 'unknown frame kind ping'],
  ];

  it.each(cases)('%s', (_what, frame, message) => {
    expect(brokenRule(frame)).toBe(message);
  });
});

describe('checkOperation', () => {
  it('checks one operation alone, named by its type', () => {
    const fail = (message: string): Error => new RuleBroken(message);
    expect(() => checkOperation(set({ key: 'kkkk' }), small, fail)).not.toThrow();
    expect(() => checkOperation(set({ key: 'kkkkk' }), small, fail)).toThrow('SET data.key must be a string of at most 4 UTF-16 code units');
    expect(() => checkOperation({ type: 'DELETE', path: '' }, small, fail)).toThrow(RuleBroken);
  });
});

describe('isErrorCode', () => {
  it('knows the documented codes and nothing inherited', () => {
    expect(['protocol', 'checksum', 'frame_too_large', 'version', 'auth', 'unexpected_frame', 'gap', 'history', 'timeout', 'budget',
      'log_overrun', 'storage', 'snapshot', 'capacity', 'shutdown', 'fenced'].every(isErrorCode)).toBe(true);
    expect(['', 'GAP', 'constructor', '__proto__', 'hasOwnProperty'].some(isErrorCode)).toBe(false);
  });
});
