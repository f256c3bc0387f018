import { describe, expect, it } from 'vitest';
import { frameChecksum } from '../../../../src/core/codec/checksum.js';
import { decodeFrameBody } from '../../../../src/core/codec/decode.js';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { BINARY_WIRE_FORMATS } from '../../../../src/core/codec/wire-format.js';
import { frameToWire, type WireEnvelope } from '../../../../src/core/codec/frame-wire.js';
import { ChecksumMismatchError, FrameTooLargeError, ProtocolError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import { decodeEveryWay } from './feed.js';
import { sampleFrames, sampleSet } from './sample-frames.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests mutate wire JSON freely */
type Mutable = { type: any; sequence: any; timestamp: any; data: any };

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A mutable deep copy of a frame's wire envelope. */
function wireOf(frame: Frame): Mutable {
  return JSON.parse(JSON.stringify(frameToWire(frame))) as Mutable;
}

/** A body with a correct checksum over whatever the envelope holds, so content checks are reached. */
function bodyOf(envelope: Mutable, extra: Record<string, unknown> = {}): Uint8Array {
  const checksum = frameChecksum(envelope as WireEnvelope);
  return utf8(JSON.stringify({ ...envelope, checksum, ...extra }));
}

function rejects(body: Uint8Array, message: RegExp | string, limits: Limits = DEFAULT_LIMITS): void {
  let caught: unknown;
  try {
    decodeEveryWay(body, limits);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect(caught).not.toBeInstanceOf(ChecksumMismatchError);
  expect((caught as Error).message).toMatch(message);
}

describe('decodeFrameBody: the envelope', () => {
  // Built inside each test: work done while tests are collected counts as static under Stryker
  // (npm run mutate), and a static mutant runs against every test.
  const hello = (): Mutable => wireOf(sampleFrames.hello);

  it('decodes the compact canonical body and a Python-style spaced one alike', () => {
    // json.dumps(body) as CPython writes it by default: spaces, insertion order.
    const python = '{"type": "SET", "sequence": 42, "timestamp": 1700000000.123, "data": {"path": "users/zo\\u00eb", '
      + '"key": "zo\\u00eb", "value": "aGVsbG8=", "db": "main", "namespace": "users", "tags": ["vip"], '
      + '"expires_at_ms": 1700000360000, "_value_encoded": true}, '
      + '"checksum": "5efaf764bfaf3c8c2b5939cf09bb85ccebc846bf16208e2529e2df103db90fc1"}';
    expect(decodeEveryWay(utf8(python))).toEqual(sampleFrames.operation);
  });

  it('returns the checksum it verified', () => {
    const body = bodyOf(hello());
    expect(decodeFrameBody(body, DEFAULT_LIMITS).checksum).toBe(frameChecksum(hello() as WireEnvelope));
  });

  it('rejects a missing checksum', () => {
    rejects(utf8(JSON.stringify(hello())), 'frame.checksum is missing');
  });

  it.each([
    ['empty', ''],
    ['uppercase', 'A'.repeat(64)],
    ['short', 'a'.repeat(63)],
    ['long', 'a'.repeat(65)],
    ['non-hex', 'g'.repeat(64)],
  ])('rejects a %s checksum', (_what, checksum) => {
    rejects(bodyOf(hello(), { checksum }), 'frame.checksum must be 64 lowercase hex characters');
  });

  it('rejects a checksum of the wrong JSON type', () => {
    rejects(bodyOf(hello(), { checksum: 5 }), 'frame.checksum must be a string');
    rejects(bodyOf(hello(), { checksum: null }), 'frame.checksum must be a string');
  });

  it('rejects a wrong checksum with ChecksumMismatchError', () => {
    expect(() => decodeEveryWay(bodyOf(hello(), { checksum: 'a'.repeat(64) }))).toThrow(ChecksumMismatchError);
    const changed = bodyOf({ ...hello(), timestamp: hello().timestamp + 1 }, { checksum: frameChecksum(hello() as WireEnvelope) });
    expect(() => decodeEveryWay(changed)).toThrow(ChecksumMismatchError);
  });

  it('verifies the checksum before it interprets the data', () => {
    const bad = wireOf(sampleFrames.operation);
    bad.data.value = 'not base64!';
    bad.data.unknown = 1;
    expect(() => decodeEveryWay(bodyOf(bad, { checksum: 'b'.repeat(64) }))).toThrow(ChecksumMismatchError);
  });

  it.each([
    ['an unknown envelope key', () => bodyOf(hello(), { extra: 1 }), 'frame.extra is not a known field'],
    ['a missing type', () => utf8(JSON.stringify({ sequence: 0, timestamp: 1, data: {}, checksum: 'a'.repeat(64) })), 'frame.type is missing'],
    ['a non-string type', () => bodyOf({ ...hello(), type: 1 }), 'frame.type must be a string'],
    ['a fractional sequence', () => bodyOf({ ...hello(), sequence: 1.5 }), 'frame.sequence must be a non-negative safe integer'],
    ['a negative sequence', () => bodyOf({ ...hello(), sequence: -1 }), 'frame.sequence must be a non-negative safe integer'],
    ['an unsafe sequence', () => bodyOf({ ...hello(), sequence: 2 ** 53 }), 'frame.sequence must be a non-negative safe integer'],
    ['a string timestamp', () => bodyOf({ ...hello(), timestamp: '1' }), 'frame.timestamp must be a number'],
    ['a negative timestamp', () => bodyOf({ ...hello(), timestamp: -0.0001 }), 'frame.timestamp must be >= 0'],
    ['a huge timestamp', () => bodyOf({ ...hello(), timestamp: 1e300 }), /timestamp must be a whole number of milliseconds/],
    ['data that is an array', () => bodyOf({ ...hello(), data: [] }), 'frame.data must be a JSON object'],
    ['data that is null', () => bodyOf({ ...hello(), data: null }), 'frame.data must be a JSON object'],
    ['an unknown type', () => bodyOf({ ...hello(), type: 'PING' }), 'unknown frame type "PING"'],
    ['a lowercase type', () => bodyOf({ ...hello(), type: 'hello' }), 'unknown frame type "hello"'],
    ['a top-level array', () => utf8('[1,2]'), 'frame must be a JSON object'],
    ['a top-level string', () => utf8('"x"'), 'frame must be a JSON object'],
    ['not JSON', () => utf8('{"type":'), 'frame body is not valid JSON'],
    ['trailing garbage', () => utf8(`${new TextDecoder().decode(bodyOf(hello()))}x`), 'frame body is not valid JSON'],
    ['invalid UTF-8', () => new Uint8Array([0x7b, 0xff, 0x7d]), 'frame body is not valid UTF-8'],
    ['an overlong UTF-8 encoding', () => new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]), 'frame body is not valid UTF-8'],
    ['a UTF-8 byte order mark', () => new Uint8Array([0xef, 0xbb, 0xbf, ...bodyOf(hello())]), 'frame body is not valid JSON'],
    ['a number out of range', () => utf8('{"type":"HELLO","sequence":0,"timestamp":1e999,"data":{},"checksum":""}'), 'a number is out of range'],
    ['deep nesting', () => utf8(`{"data":${'['.repeat(100)}${']'.repeat(100)}}`), 'nested too deeply'],
    ['a __proto__ key', () => utf8('{"__proto__":1,"type":"HELLO"}'), 'frame.__proto__ is not a known field'],
  ])('rejects %s', (_what, body, message) => {
    rejects(body(), message);
  });

  it('rejects an empty body and one above frameBytesMax', () => {
    expect(() => decodeFrameBody(new Uint8Array(0), DEFAULT_LIMITS)).toThrow('frame body is empty');
    const limits = { ...DEFAULT_LIMITS, frameBytesMax: 10 };
    expect(() => decodeFrameBody(utf8('{"a":"12345"}'), limits)).toThrow(FrameTooLargeError);
  });
});

describe('decodeFrameBody: strict data', () => {
  const small: Limits = { ...DEFAULT_LIMITS, nameLengthMax: 40, tagsMax: 2, valueBytesMax: 5, batchEntriesMax: 5, snapshotChunkEntriesMax: 2 };
  const shortSet: Frame = { ...sampleFrames.operation, op: { ...sampleSet, path: 'p', key: 'k', value: new Uint8Array([1, 2, 3]) } } as Frame;
  const mutated = (frame: Frame, mutate: (wire: Mutable) => void): Mutable => {
    const wire = wireOf(frame);
    mutate(wire);
    return wire;
  };
  const cases: [string, Frame, (wire: Mutable) => void, RegExp | string][] = [
    ['an unknown SET field', shortSet, (w) => { w.data.ttl = 5; }, 'SET data.ttl is not a known field'],
    ['a missing SET path', shortSet, (w) => { delete w.data.path; }, 'SET data.path is missing'],
    ['a missing SET key', shortSet, (w) => { delete w.data.key; }, 'SET data.key is missing'],
    ['a numeric path', shortSet, (w) => { w.data.path = 5; }, 'SET data.path must be a string'],
    ['an empty path', shortSet, (w) => { w.data.path = ''; }, 'SET data.path must be a non-empty string of at most 40'],
    ['a name too long', shortSet, (w) => { w.data.db = 'd'.repeat(41); }, 'SET data.db must be a string of at most 40'],
    ['too many tags', shortSet, (w) => { w.data.tags = ['a', 'b', 'c']; }, 'SET data.tags must be an array of at most 2 tags'],
    ['a tag too long', shortSet, (w) => { w.data.tags = ['t'.repeat(41)]; }, 'SET data.tags[0] must be a string of at most 40'],
    ['a non-string tag', shortSet, (w) => { w.data.tags = [1]; }, 'SET data.tags[0] must be a string'],
    ['tags that are not an array', shortSet, (w) => { w.data.tags = 'a'; }, 'SET data.tags must be an array'],
    ['a value too large', shortSet, (w) => { w.data.value = 'AAAAAAAA'; }, 'SET data.value must be at most 5 bytes'],
    ['a value far too large', shortSet, (w) => { w.data.value = 'A'.repeat(400); }, 'SET data.value is larger than 5 bytes'],
    ['non-canonical base64', shortSet, (w) => { w.data.value = 'AQJ='; }, /SET data.value is not canonical base64/],
    ['base64 without padding', shortSet, (w) => { w.data.value = 'AQID'.slice(0, 3); }, /SET data.value is not canonical base64/],
    ['a non-boolean _value_encoded', shortSet, (w) => { w.data._value_encoded = 1; }, 'SET data._value_encoded must be a boolean'],
    ['a legacy value with a lone surrogate', shortSet, (w) => { w.data.value = '\ud800'; w.data._value_encoded = false; }, 'not well-formed Unicode'],
    ['a negative expiry', shortSet, (w) => { w.data.expires_at_ms = -1; }, /SET data.expires_at_ms must be a safe integer >= 0/],
    ['a fractional expiry', shortSet, (w) => { w.data.expires_at_ms = 1.5; }, /SET data.expires_at_ms must be a safe integer/],
    ['a string expiry', shortSet, (w) => { w.data.expires_at_ms = '1'; }, 'SET data.expires_at_ms must be a number'],
    ['operation sequence 0', shortSet, (w) => { w.sequence = 0; }, 'SET sequence must be a safe integer >= 1, got 0'],
    ['the original DELETE shape', { kind: 'operation', sequence: 1, timestampMs: 0, op: { type: 'DELETE', path: 'p' } },
      (w) => { w.data = { key: 'k', db: 'd', namespace: 'n' }; }, 'DELETE data.key is not a known field'],
    ['a SET_TTL without expires_at_ms', { kind: 'operation', sequence: 1, timestampMs: 0, op: { type: 'SET_TTL', path: 'p', expiresAtMs: 5 } },
      (w) => { delete w.data.expires_at_ms; }, 'SET_TTL data.expires_at_ms is missing'],
    ['a FLUSH without db', { kind: 'operation', sequence: 1, timestampMs: 0, op: { type: 'FLUSH', db: null, namespace: null } },
      (w) => { delete w.data.db; }, 'FLUSH data.db is missing'],
    ['a METADATA with null tags', { kind: 'operation', sequence: 1, timestampMs: 0, op: { type: 'METADATA', path: 'p', tags: [] } },
      (w) => { w.data.tags = null; }, 'METADATA data.tags must be an array'],
    ['a gap inside a batch', sampleFrames.batch, (w) => { w.data.operations[2].sequence = 10; }, 'BATCH data.operations[2] sequence 10 does not follow 8'],
    ['a duplicate inside a batch', sampleFrames.batch, (w) => { w.data.operations[1].sequence = 7; }, 'BATCH data.operations[1] sequence 7 does not follow 7'],
    ['a batch whose sequence is not its first', sampleFrames.batch, (w) => { w.sequence = 8; }, "BATCH sequence 8 is not its first operation's 7"],
    ['an empty batch', sampleFrames.batch, (w) => { w.data.operations = []; w.sequence = 0; }, 'BATCH data.operations must hold 1 to 5 operations, got 0'],
    ['a batch too long', sampleFrames.batch, (w) => { w.data.operations.push({ ...w.data.operations[4], sequence: 12 }); },
      'BATCH data.operations must hold 1 to 5 operations, got 6'],
    ['a batch item with a checksum', sampleFrames.batch, (w) => { w.data.operations[0].checksum = 'a'.repeat(64); }, 'BATCH data.operations[0].checksum is not a known field'],
    ['a batch item missing its timestamp', sampleFrames.batch, (w) => { delete w.data.operations[0].timestamp; }, 'BATCH data.operations[0].timestamp is missing'],
    ['a batch item with a negative timestamp', sampleFrames.batch, (w) => { w.data.operations[0].timestamp = -1; }, 'BATCH data.operations[0].timestamp must be >= 0'],
    ['a nested batch', sampleFrames.batch, (w) => { w.data.operations[0].type = 'BATCH'; }, 'BATCH data.operations[0].type "BATCH" is not an operation type'],
    ['a control frame in a batch', sampleFrames.batch, (w) => { w.data.operations[0].type = 'HELLO'; }, 'BATCH data.operations[0].type "HELLO" is not an operation type'],
    ['a bad field inside a batch item', sampleFrames.batch, (w) => { w.data.operations[0].data.path = ''; }, 'BATCH data.operations[0] data.path must be a non-empty'],
    ['a non-object batch item', sampleFrames.batch, (w) => { w.data.operations[0] = 'x'; }, 'BATCH data.operations[0] must be a JSON object'],
    ['a HELLO with a sequence', sampleFrames.hello, (w) => { w.sequence = 1; }, 'HELLO sequence must be 0, got 1'],
    ['a HELLO without auth', sampleFrames.hello, (w) => { delete w.data.auth; }, 'HELLO data.auth is missing'],
    ['an empty replica id', sampleFrames.hello, (w) => { w.data.replica_id = ''; }, 'HELLO data.replica_id must be a non-empty'],
    ['a fractional protocol version', sampleFrames.hello, (w) => { w.data.protocol_version = 1.5; }, 'HELLO data.protocol_version must be a safe integer >= 0'],
    ['a negative last sequence', sampleFrames.welcome, (w) => { w.data.last_sequence = -1; }, 'WELCOME data.last_sequence must be a safe integer >= 0'],
    ['a null replication id in WELCOME', sampleFrames.welcome, (w) => { w.data.replication_id = null; }, 'WELCOME data.replication_id must be a string'],
    ['a SYNC_REQUEST without from_sequence', sampleFrames.syncRequest, (w) => { delete w.data.from_sequence; }, 'SYNC_REQUEST data.from_sequence is missing'],
    ['an empty replication id', sampleFrames.syncRequest, (w) => { w.data.replication_id = ''; }, 'SYNC_REQUEST data.replication_id must be a non-empty'],
    ['an unknown sync mode', sampleFrames.syncResponse, (w) => { w.data.mode = 'partial'; }, 'SYNC_RESPONSE data.mode must be "continue" or "full_resync"'],
    ['a snapshot entry with a type', sampleFrames.snapshotChunk, (w) => { w.data.entries[0].type = 'SET'; }, 'SNAPSHOT_CHUNK data.entries[0].type is not a known field'],
    ['too many snapshot entries', sampleFrames.snapshotChunk, (w) => { w.data.entries.push(w.data.entries[0]); },
      'SNAPSHOT_CHUNK data.entries must hold at most 2 entries, got 3'],
    ['a snapshot chunk with a sequence', sampleFrames.snapshotChunk, (w) => { w.sequence = 3; }, 'SNAPSHOT_CHUNK sequence must be 0, got 3'],
    ['an uppercase digest', sampleFrames.snapshotEnd, (w) => { w.data.digest = 'A'.repeat(64); }, 'SNAPSHOT_END data.digest must be 64 lowercase hex characters'],
    ['a fractional byte count', sampleFrames.ack, (w) => { w.data.bytes_received = 1.5; }, 'ACK data.bytes_received must be a safe integer >= 0'],
    ['an unknown heartbeat field', sampleFrames.heartbeat, (w) => { w.data.sequence = 1; }, 'HEARTBEAT data.sequence is not a known field'],
    ['an unknown error code', sampleFrames.error, (w) => { w.data.code = 'nope'; }, 'ERROR data.code "nope" is not a known error code'],
    ['an error message too long', sampleFrames.error, (w) => { w.data.message = 'm'.repeat(41); }, 'ERROR data.message must be a string of at most 40'],
  ];

  it.each(cases)('rejects %s', (_what, frame, mutate, message) => {
    rejects(bodyOf(mutated(frame, mutate)), message, small);
  });

  it('accepts the original optional-field forms of SET', () => {
    const wire = mutated(shortSet, (w) => {
      w.data = { path: 'p', key: 'k', value: '\ud83d\ude00', db: 'd', namespace: 'n' };
    });
    const expected = { ...shortSet, op: { ...sampleSet, path: 'p', key: 'k', db: 'd', namespace: 'n', value: utf8('\ud83d\ude00'), tags: [], expiresAtMs: null } };
    expect(decodeEveryWay(bodyOf(wire), small)).toEqual(expected);
    wire.data._value_encoded = false;
    wire.data.tags = [];
    wire.data.expires_at_ms = null;
    expect(decodeEveryWay(bodyOf(wire), small)).toEqual(expected);
  });

  it('rounds float seconds to the nearest millisecond', () => {
    const wire = wireOf(sampleFrames.hello);
    wire.timestamp = 1.0004999;
    expect(decodeEveryWay(bodyOf(wire)).timestampMs).toBe(1000);
    wire.timestamp = 1.0005001;
    expect(decodeEveryWay(bodyOf(wire)).timestampMs).toBe(1001);
    wire.timestamp = 0;
    expect(Object.is(decodeEveryWay(bodyOf(wire)).timestampMs, 0)).toBe(true);
  });

  it('accepts integers written as floats (5.0 from Python)', () => {
    const body = new TextDecoder().decode(bodyOf(wireOf(sampleFrames.ack))).replace('"applied_sequence":41', '"applied_sequence":41.0');
    expect(decodeEveryWay(utf8(body))).toEqual(sampleFrames.ack);
  });
});

describe('decodeFrameBody: error messages', () => {
  it('stay short whatever the peer sends', () => {
    const wire = wireOf(sampleFrames.hello);
    wire.data['k'.repeat(10_000)] = 1;
    rejects(bodyOf(wire), /^HELLO data\.k{64}\.\.\. is not a known field$/);
    rejects(bodyOf({ ...wire, type: 'T'.repeat(10_000) }), /^unknown frame type "T{64}"$/);
  });
});

describe('decodeFrameBody: the two ways a checksum is verified', () => {
  const heartbeat = { kind: 'heartbeat' as const, timestampMs: 1_700_000_000_123, replicationId: 'f'.repeat(32), lastSequence: 42 };

  it('data in our layout but not canonical (keys unsorted) still verifies, the long way', () => {
    const text = new TextDecoder().decode(encodeFrame(heartbeat, DEFAULT_LIMITS).bytes.subarray(4));
    const reordered = text.replace(`{"last_sequence":42,"replication_id":"${'f'.repeat(32)}"}`, `{"replication_id":"${'f'.repeat(32)}","last_sequence":42}`);
    expect(reordered).not.toBe(text);
    expect(decodeFrameBody(new TextEncoder().encode(reordered), DEFAULT_LIMITS).frame).toEqual(heartbeat);
  });

  it('a changed value fails both ways', () => {
    const text = new TextDecoder().decode(encodeFrame(heartbeat, DEFAULT_LIMITS).bytes.subarray(4));
    const changed = text.replace('"last_sequence":42', '"last_sequence":43');
    expect(() => decodeFrameBody(new TextEncoder().encode(changed), DEFAULT_LIMITS)).toThrow(ChecksumMismatchError);
  });
});

describe('decodeFrameBody: bounds', () => {
  it('accepts a body of exactly frameBytesMax', () => {
    const body = encodeFrame(sampleFrames.ack, DEFAULT_LIMITS).bytes.subarray(4);
    expect(decodeFrameBody(body, { ...DEFAULT_LIMITS, frameBytesMax: body.length }).frame).toEqual(sampleFrames.ack);
    expect(() => decodeFrameBody(body, { ...DEFAULT_LIMITS, frameBytesMax: body.length - 1 }))
      .toThrow(`frame body of ${body.length} bytes exceeds frameBytesMax (${body.length - 1})`);
  });

  it('takes containers nested 8 deep (the envelope counts), and refuses a 9th before it reads a field', () => {
    const nestedIn = (depth: number): unknown => (depth === 0 ? [] : [nestedIn(depth - 1)]);
    rejects(bodyOf({ ...wireOf(sampleFrames.hello), data: { x: nestedIn(5) } }), 'HELLO data.x is not a known field');
    rejects(bodyOf({ ...wireOf(sampleFrames.hello), data: { x: nestedIn(6) } }), 'frame body: the document is nested too deeply');
  });

  it.each(BINARY_WIRE_FORMATS)('refuses a %s body on a JSON link', (format) => {
    const { bytes } = encodeFrame(sampleFrames.operation, DEFAULT_LIMITS, format);
    rejects(bytes.subarray(4), `a ${format} frame on a link that did not negotiate ${format} (json)`);
  });

  it('cuts the frame type in a checksum mismatch to 64 characters', () => {
    const body = bodyOf({ ...wireOf(sampleFrames.hello), type: 'T'.repeat(100) }, { checksum: 'a'.repeat(64) });
    expect(() => decodeFrameBody(body, DEFAULT_LIMITS)).toThrow(new ChecksumMismatchError(`${'T'.repeat(64)} frame checksum does not match its contents`));
  });
});
