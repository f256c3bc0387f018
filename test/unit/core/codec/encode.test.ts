import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../../src/core/assert.js';
import { decodeFrameBody } from '../../../../src/core/codec/decode.js';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { decodeEveryWay } from './feed.js';
import { sampleEntries, sampleFrames, sampleSet } from './sample-frames.js';

const bodyText = (frame: Frame): string => new TextDecoder().decode(encodeFrame(frame, DEFAULT_LIMITS).bytes.subarray(4));
const wire = (frame: Frame): { type: string; sequence: number; timestamp: number; data: Record<string, unknown>; checksum: string } =>
  JSON.parse(bodyText(frame)) as never;

describe('encodeFrame', () => {
  it('writes the documented bytes for the worked example of PROTOCOL.md', () => {
    const { bytes, checksum } = encodeFrame(sampleFrames.operation, DEFAULT_LIMITS);
    const body = '{"type":"SET","sequence":42,"timestamp":1700000000.123,"data":{"_value_encoded":true,"db":"main",'
      + '"expires_at_ms":1700000360000,"key":"zo\\u00eb","namespace":"users","path":"users/zo\\u00eb","tags":["vip"],'
      + '"value":"aGVsbG8="},"checksum":"5efaf764bfaf3c8c2b5939cf09bb85ccebc846bf16208e2529e2df103db90fc1"}';
    expect(new TextDecoder().decode(bytes.subarray(4))).toBe(body);
    expect(checksum).toBe('5efaf764bfaf3c8c2b5939cf09bb85ccebc846bf16208e2529e2df103db90fc1');
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, (body.length >> 8) & 0xff, body.length & 0xff]);
    expect(bytes.length).toBe(4 + body.length);
  });

  it('orders the envelope keys type, sequence, timestamp, data, checksum', () => {
    for (const frame of Object.values(sampleFrames)) {
      expect(Object.keys(wire(frame))).toEqual(['type', 'sequence', 'timestamp', 'data', 'checksum']);
    }
  });

  it('writes the length prefix big-endian, past 16 bits', () => {
    const frame: Frame = { ...sampleFrames.operation, op: { ...sampleSet, value: new Uint8Array(70_000) } } as Frame;
    const { bytes } = encodeFrame(frame, DEFAULT_LIMITS);
    expect(new DataView(bytes.buffer).getUint32(0, false)).toBe(bytes.length - 4);
    expect(bytes[1]).toBe(1);
  });

  it('round-trips one frame of every kind', () => {
    for (const frame of Object.values(sampleFrames)) {
      const { bytes, checksum } = encodeFrame(frame, DEFAULT_LIMITS);
      expect(decodeEveryWay(bytes.subarray(4))).toEqual(frame);
      expect(decodeFrameBody(bytes.subarray(4), DEFAULT_LIMITS).checksum).toBe(checksum);
    }
  });

  it('uses the wire type and fields of each kind', () => {
    const types = Object.fromEntries(Object.entries(sampleFrames).map(([kind, frame]) => [kind, wire(frame).type]));
    expect(types).toEqual({
      operation: 'SET', batch: 'BATCH', hello: 'HELLO', challenge: 'CHALLENGE', auth: 'AUTH', welcome: 'WELCOME', syncRequest: 'SYNC_REQUEST',
      syncResponse: 'SYNC_RESPONSE', snapshotChunk: 'SNAPSHOT_CHUNK', snapshotEnd: 'SNAPSHOT_END', ack: 'ACK',
      heartbeat: 'HEARTBEAT', error: 'ERROR',
    });
    expect(wire(sampleFrames.hello).data).toEqual({ auth: null, protocol_version: 1, replica_id: 'replica-1' });
    expect(wire(sampleFrames.welcome).data).toEqual({ last_sequence: 41, protocol_version: 1, replication_id: 'f'.repeat(32) });
    expect(wire(sampleFrames.challenge).data).toEqual({ nonce: '0123456789abcdef'.repeat(2) });
    expect(wire(sampleFrames.auth).data).toEqual({ proof: 'b'.repeat(64) });
    expect(wire(sampleFrames.syncRequest).data).toEqual({ from_sequence: 1, replication_id: null });
    expect(wire(sampleFrames.syncResponse).data).toEqual({ from_sequence: 42, mode: 'full_resync', replication_id: 'f'.repeat(32) });
    expect(wire(sampleFrames.snapshotEnd).data).toEqual({ chunk_count: 1, consistent_sequence: 41, digest: 'a'.repeat(64), entry_count: 2 });
    expect(wire(sampleFrames.ack).data).toEqual({ applied_sequence: 41, bytes_received: 1234, durable_sequence: 40, received_sequence: 42 });
    expect(wire(sampleFrames.heartbeat).data).toEqual({ last_sequence: 42, replication_id: 'f'.repeat(32) });
    expect(wire(sampleFrames.error).data).toEqual({ code: 'gap', message: 'expected 5, got 7' });
  });

  it('gives operation frames their sequence, BATCH its first, every other frame 0', () => {
    for (const [kind, frame] of Object.entries(sampleFrames)) {
      const expected = kind === 'operation' ? 42 : kind === 'batch' ? 7 : 0;
      expect(wire(frame).sequence, kind).toBe(expected);
    }
  });

  it('writes the timestamp as float seconds', () => {
    expect(wire(sampleFrames.hello).timestamp).toBe(1_700_000_000.123);
    expect(wire({ ...sampleFrames.hello, timestampMs: 0 }).timestamp).toBe(0);
  });

  it('writes each operation type with its fields, leaving out empty optional SET fields', () => {
    const items = (wire(sampleFrames.batch).data.operations as { type: string; sequence: number; data: unknown }[]);
    expect(items.map((item) => [item.type, item.sequence, item.data])).toEqual([
      ['DELETE', 7, { path: 'a' }],
      ['SET_TTL', 8, { path: 'b', expires_at_ms: null }],
      ['FLUSH', 9, { db: null, namespace: 'ns' }],
      ['METADATA', 10, { path: 'c', tags: [] }],
      ['SET', 11, { _value_encoded: true, db: 'main', key: 'zo\u00eb', namespace: 'users', path: 'users/zo\u00eb', value: 'AP8=' }],
    ]);
    // Inside data everything is in canonical form, items included: their keys come sorted.
    expect(Object.keys(items[0]!)).toEqual(['data', 'sequence', 'timestamp', 'type']);
  });

  it('writes snapshot entries as SET data objects', () => {
    const entries = wire(sampleFrames.snapshotChunk).data.entries as Record<string, unknown>[];
    expect(entries[1]).toEqual({ _value_encoded: true, db: 'main', key: 'zo\u00eb', namespace: 'users', path: 'p2', value: 'aGVsbG8=', expires_at_ms: 1_700_000_360_000 });
  });

  it('writes a pure-ASCII body whatever the strings hold', () => {
    const frame: Frame = { ...sampleFrames.error, message: 'caf\u00e9 \ud83d\ude00 \ud800 "\\\n\u007f' } as Frame;
    const { bytes } = encodeFrame(frame, DEFAULT_LIMITS);
    expect(bytes.subarray(4).every((byte) => byte >= 0x20 && byte <= 0x7e)).toBe(true);
    expect(decodeEveryWay(bytes.subarray(4))).toEqual(frame);
  });

  it('round-trips an 8 MiB value', () => {
    const value = new Uint8Array(DEFAULT_LIMITS.valueBytesMax);
    for (let index = 0; index < value.length; index += 1) value[index] = (index * 131) & 0xff;
    const frame: Frame = { ...sampleFrames.operation, op: { ...sampleSet, value } } as Frame;
    const { bytes } = encodeFrame(frame, DEFAULT_LIMITS);
    const decoded = decodeFrameBody(bytes.subarray(4), DEFAULT_LIMITS).frame;
    expect(decoded.kind === 'operation' && decoded.op.type === 'SET').toBe(true);
    const decodedValue = decoded.kind === 'operation' && decoded.op.type === 'SET' ? decoded.op.value : new Uint8Array();
    expect(Buffer.from(decodedValue).equals(Buffer.from(value))).toBe(true);
  });
});

describe('encodeFrame asserts the frame is valid', () => {
  const op = sampleFrames.operation;
  const set = (change: Partial<typeof sampleSet>): Frame => ({ ...op, op: { ...sampleSet, ...change } }) as Frame;
  const batch = sampleFrames.batch;
  const cases: [string, Frame, RegExp][] = [
    ['operation sequence 0', { ...op, sequence: 0 } as Frame, /SET sequence must be a safe integer >= 1/],
    ['fractional milliseconds', { ...op, timestampMs: 1.5 } as Frame, /timestamp must be a whole number of milliseconds/],
    ['negative timestamp', { ...sampleFrames.hello, timestampMs: -1 } as Frame, /hello: timestamp/],
    ['timestamp past 2^50', { ...sampleFrames.hello, timestampMs: 2 ** 50 + 1 } as Frame, /timestamp/],
    ['empty path', set({ path: '' }), /SET data.path must be a non-empty string/],
    ['name too long', set({ key: 'k'.repeat(4097) }), /SET data.key must be a string of at most 4096/],
    ['too many tags', set({ tags: Array.from({ length: 257 }, () => 't') }), /SET data.tags must be an array of at most 256/],
    ['value too large', set({ value: new Uint8Array(DEFAULT_LIMITS.valueBytesMax + 1) }), /SET data.value must be at most/],
    ['fractional expiry', set({ expiresAtMs: 1.5 }), /SET data.expires_at_ms/],
    ['empty batch', { ...batch, entries: [] } as Frame, /BATCH data.operations must hold 1 to 1024/],
    ['gap in a batch', { ...batch, entries: [sampleEntries[0]!, sampleEntries[2]!] } as Frame, /operations\[1\] sequence 9 does not follow 7/],
    ['empty replica id', { ...sampleFrames.hello, replicaId: '' } as Frame, /HELLO data.replica_id must be a non-empty/],
    ['empty replication id', { ...sampleFrames.syncRequest, replicationId: '' } as Frame, /SYNC_REQUEST data.replication_id/],
    ['unknown mode', { ...sampleFrames.syncResponse, mode: 'partial' } as unknown as Frame, /SYNC_RESPONSE data.mode/],
    ['uppercase digest', { ...sampleFrames.snapshotEnd, digest: 'A'.repeat(64) } as Frame, /SNAPSHOT_END data.digest/],
    ['negative ack', { ...sampleFrames.ack, durableSequence: -1 } as Frame, /ACK data.durable_sequence/],
    ['unknown error code', { ...sampleFrames.error, code: 'oops' } as unknown as Frame, /ERROR data.code oops is not a known error code/],
    ['message too long', { ...sampleFrames.error, message: 'm'.repeat(4097) } as Frame, /ERROR data.message/],
    ['snapshot entry that is not a SET', { ...sampleFrames.snapshotChunk, entries: [{ type: 'DELETE', path: 'a' }] } as unknown as Frame, /entries\[0\] must be a SET/],
    ['unknown kind', { kind: 'ping', timestampMs: 0 } as unknown as Frame, /unknown frame kind ping/],
  ];
  it.each(cases)('%s', (_what, frame, message) => {
    expect(() => encodeFrame(frame, DEFAULT_LIMITS)).toThrow(AssertionError);
    expect(() => encodeFrame(frame, DEFAULT_LIMITS)).toThrow(message);
  });

  it('asserts the body fits frameBytesMax', () => {
    const bodyBytes = encodeFrame(sampleFrames.operation, DEFAULT_LIMITS).bytes.length - 4;
    expect(() => encodeFrame(sampleFrames.operation, { ...DEFAULT_LIMITS, frameBytesMax: bodyBytes })).not.toThrow();
    expect(() => encodeFrame(sampleFrames.operation, { ...DEFAULT_LIMITS, frameBytesMax: bodyBytes - 1 }))
      .toThrow(`body of ${bodyBytes} bytes exceeds frameBytesMax (${bodyBytes - 1})`);
  });

  it('asserts the batch and snapshot chunk entry limits', () => {
    expect(() => encodeFrame(sampleFrames.batch, { ...DEFAULT_LIMITS, batchEntriesMax: 4 })).toThrow(/1 to 4 operations, got 5/);
    expect(() => encodeFrame(sampleFrames.snapshotChunk, { ...DEFAULT_LIMITS, snapshotChunkEntriesMax: 1 })).toThrow(/at most 1 entries, got 2/);
  });
});
