import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrameBody } from '../../../../src/core/codec/decode.js';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { portableSha256Bytes, useSha256Bytes } from '../../../../src/core/codec/sha256.js';
import { BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT } from '../../../../src/core/codec/wire-format.js';
import { portableCrc32, useCrc32 } from '../../../../src/core/codec/crc32.js';
import { AssertionError } from '../../../../src/core/assert.js';
import { ChecksumMismatchError, ProtocolError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';
import { BODY_LAYOUTS, deleteOp, KIND, OP, T, text, varint } from './binary-bodies.js';
import { decodeEveryWay } from './feed.js';
import { sampleFrames, sampleSet } from './sample-frames.js';

function flipLastBit(body: Uint8Array): Uint8Array {
  const flipped = body.slice();
  flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
  return flipped;
}

describe.each(BODY_LAYOUTS)('binary data frames, $format', ({ format, marker, checksumBytes, seal }) => {
  const decode = (body: Uint8Array, limits: Limits = DEFAULT_LIMITS): Frame => decodeEveryWay(body, limits, format);
  const operationBody = (sequence: number, op: readonly number[]): Uint8Array => seal([marker, KIND.operation, ...varint(sequence), ...varint(T), ...op]);

  it.each(['operation', 'batch', 'snapshotChunk'] as const)('round-trip a sample %s, whole and byte by byte', (kind) => {
    const frame = sampleFrames[kind];
    const { bytes } = encodeFrame(frame, DEFAULT_LIMITS, format);
    expect(bytes[4]).toBe(marker);
    expect(decode(bytes.subarray(4))).toEqual(frame);
  });

  it('keep control frames in JSON on a binary link', () => {
    const { bytes } = encodeFrame(sampleFrames.heartbeat, DEFAULT_LIMITS, format);
    expect(bytes).toEqual(encodeFrame(sampleFrames.heartbeat, DEFAULT_LIMITS).bytes);
  });

  it('are byte for byte the worked example of docs/PROTOCOL.md', () => {
    const frame: Frame = { kind: 'operation', sequence: 42, timestampMs: T, op: sampleSet };
    const frameBytes = { [BINARY_SHA256_FORMAT]: 91, [BINARY_CRC32_FORMAT]: 63 }[format];
    const expected = [
      marker, KIND.operation, ...varint(42), ...varint(T),
      OP.SET, ...text('users/zo\u00eb'), ...text('zo\u00eb'), ...text('main'), ...text('users'), 1, ...text('vip'), 1, ...varint(1_700_000_360_000), ...text('hello'),
    ];
    const { bytes, checksum } = encodeFrame(frame, DEFAULT_LIMITS, format);
    expect([...bytes.subarray(4)]).toEqual([...seal(expected)]);
    const doc = readFileSync(new URL('../../../../docs/PROTOCOL.md', import.meta.url), 'utf8');
    expect(doc).toContain(`\n${Buffer.from(bytes).toString('hex')}\n`);
    if (format === BINARY_SHA256_FORMAT) expect(doc).toContain(`is 91 bytes in\nbinary (305 in JSON)`);
    expect(bytes.length).toBe(frameBytes);
    expect(encodeFrame(frame, DEFAULT_LIMITS).bytes.length).toBe(305);
    expect(doc).toContain(`\`${checksum}\``);
  });

  it('refuse a checksum that does not match, before reading a field', () => {
    const body = flipLastBit(operationBody(1, deleteOp('a')));
    expect(() => decode(body)).toThrow(ChecksumMismatchError);
    expect(() => decode(body)).toThrow(`${format} frame checksum does not match its contents`);
    // A field no reader would accept, sealed wrongly: the checksum is what is reported.
    const hostile = flipLastBit(seal([marker, 99]));
    expect(() => decode(hostile)).toThrow(ChecksumMismatchError);
  });

  const limits: Limits = { ...DEFAULT_LIMITS, nameLengthMax: 8, tagsMax: 2, valueBytesMax: 16, batchEntriesMax: 2, snapshotChunkEntriesMax: 1 };
  const set = (path: string, rest: readonly number[] = [0, 0, ...text('v')]): number[] => [OP.SET, ...text(path), ...text('k'), ...text('db'), ...text('ns'), ...rest];
  const cases: [string, Uint8Array, RegExp][] = [
    ['a body too short for a checksum', Uint8Array.from([marker, ...new Array<number>(checksumBytes).fill(0)]), /shorter than a marker, a kind and a checksum/],
    ['an unknown frame kind', seal([marker, 9]), /kind 9 is not a data frame kind/],
    ['an unknown operation type', operationBody(1, [9]), /operation.type 9 is not an operation type/],
    ['a varint longer than needed', seal([marker, KIND.operation, 0x81, 0x00, ...varint(T), ...deleteOp('a')]), /operation.sequence is a varint longer than needed/],
    ['a varint of more than 8 bytes', seal([marker, KIND.operation, ...new Array<number>(8).fill(0xff), 1]), /more than 8 bytes/],
    ['a varint above the largest safe integer', seal([marker, KIND.operation, ...new Array<number>(7).fill(0xff), 0x7f]), /above the largest safe integer/],
    ['bytes after the last field', seal([marker, KIND.operation, 1, ...varint(T), ...deleteOp('a'), 0]), /1 bytes after the last field/],
    ['a frame that ends inside a field', seal([marker, KIND.operation, 1, ...varint(T), OP.DELETE, 5, 0x61]), /operation.path is 5 bytes, beyond the end of the frame/],
    ['a name that is not UTF-8 (a lone surrogate)', operationBody(1, [OP.DELETE, 3, 0xed, 0xa0, 0x80]), /operation.path is not valid UTF-8/],
    ['an empty path', operationBody(1, deleteOp('')), /data.path must be a non-empty string/],
    ['a name above nameLengthMax', operationBody(1, deleteOp('123456789')), /data.path must be a non-empty string of at most 8/],
    ['a name of more bytes than nameLengthMax can take', operationBody(1, deleteOp('a'.repeat(25))), /operation.path is 25 bytes, above 24/],
    ['a presence flag other than 0 or 1', operationBody(1, [OP.SET_TTL, ...text('a'), 2, 5]), /presence flag 2/],
    ['too many tags', operationBody(1, [OP.METADATA, ...text('a'), 3, ...text('x'), ...text('y'), ...text('z')]), /holds 3 tags, above 2/],
    ['a value above valueBytesMax', operationBody(1, set('a', [0, 0, 17, ...new Array<number>(17).fill(1)])), /operation.value is 17 bytes, above 16/],
    ['an operation of sequence 0', operationBody(0, deleteOp('a')), /sequence must be a safe integer >= 1/],
    ['a timestamp beyond 2^50 ms', seal([marker, KIND.operation, 1, ...varint(2 ** 50 + 1), ...deleteOp('a')]), /timestamp must be a whole number of milliseconds/],
    ['an empty BATCH', seal([marker, KIND.batch, ...varint(T), 0]), /must hold 1 to 2 operations, got 0/],
    ['a BATCH above batchEntriesMax', seal([marker, KIND.batch, ...varint(T), 3]), /must hold 1 to 2 operations, got 3/],
    ['a BATCH of sequences that do not follow', seal([marker, KIND.batch, ...varint(T), 2, 5, ...varint(T), ...deleteOp('a'), 7, ...varint(T), ...deleteOp('b')]), /sequence 7 does not follow 5/],
    ['a SNAPSHOT_CHUNK above snapshotChunkEntriesMax', seal([marker, KIND.snapshotChunk, ...varint(T), 0, 2]), /at most 1 entries, got 2/],
    ['a SNAPSHOT_CHUNK entry that is not a SET', seal([marker, KIND.snapshotChunk, ...varint(T), 0, 1, ...deleteOp('a')]), /entries\[0\].type 2 is not a SET/],
  ];

  it.each(cases)('refuse %s, whole and byte by byte', (_what, body, message) => {
    expect(() => decode(body, limits)).toThrow(ProtocolError);
    expect(() => decode(body, limits)).toThrow(message);
  });

  it('accept what the refused cases are near: a well-formed SET within every limit', () => {
    expect(decode(operationBody(3, set('p', [1, ...text('t'), 1, 9, ...text('v')])), limits)).toEqual({
      kind: 'operation', sequence: 3, timestampMs: T,
      op: { type: 'SET', path: 'p', key: 'k', db: 'db', namespace: 'ns', tags: ['t'], expiresAtMs: 9, value: new TextEncoder().encode('v') },
    });
  });

  // A decoder shares a name with the SET before, or a key with its path, when the bytes spell it.
  const setOf = (path: number[], key: number[], db: number[], namespace: number[]): number[] => [OP.SET, ...path, ...key, ...db, ...namespace, 0, 0, ...text('v')];
  const setEntry = (path: string, key: string, db: string, namespace: string) =>
    ({ type: 'SET', path, key, db, namespace, tags: [], expiresAtMs: null, value: new TextEncoder().encode('v') }) as const;

  it('decode names equal to those of the SET before, or to the path, and names of the same length that differ', () => {
    const batch = seal([
      marker, KIND.batch, ...varint(T), 3,
      1, ...varint(T), ...setOf(text('p1'), text('p1'), text('db'), text('ns')),
      2, ...varint(T), ...setOf(text('p2'), text('p3'), text('db'), text('nt')),
      3, ...varint(T), ...setOf(text('p3'), text('p2'), text('dc'), text('nt')),
    ]);
    expect(decode(batch)).toEqual({
      kind: 'batch', timestampMs: T,
      entries: [
        { sequence: 1, timestampMs: T, op: setEntry('p1', 'p1', 'db', 'ns') },
        { sequence: 2, timestampMs: T, op: setEntry('p2', 'p3', 'db', 'nt') },
        { sequence: 3, timestampMs: T, op: setEntry('p3', 'p2', 'dc', 'nt') },
      ],
    });
    // A shorter name followed by bytes that spell the rest of the one before: 'd', then the namespace's length 2.
    const shorter = seal([
      marker, KIND.batch, ...varint(T), 2,
      1, ...varint(T), ...setOf(text('a'), text('a'), text('d\u0002'), text('ns')),
      2, ...varint(T), ...setOf(text('b'), text('b'), text('d'), text('ns')),
    ]);
    expect(decode(shorter)).toMatchObject({ entries: [{ op: { db: 'd\u0002' } }, { op: { db: 'd', namespace: 'ns' } }] });
    const chunk = seal([marker, KIND.snapshotChunk, ...varint(T), 0, 2, ...setOf(text('a'), text('a'), text('d'), text('n')), ...setOf(text('b'), text('a'), text('e'), text('n'))]);
    expect(decode(chunk)).toEqual({ kind: 'snapshotChunk', timestampMs: T, index: 0, entries: [setEntry('a', 'a', 'd', 'n'), setEntry('b', 'a', 'e', 'n')] });
  });

  it('refuse a name whose bytes are the code units of the name before but not UTF-8 (é as the one byte e9)', () => {
    const latin1 = [1, 0xe9];
    const keyLikePath = operationBody(1, setOf(text('\u00e9'), latin1, text('db'), text('ns')));
    expect(() => decode(keyLikePath)).toThrow('operation.key is not valid UTF-8');
    const dbLikeBefore = seal([
      marker, KIND.batch, ...varint(T), 2,
      1, ...varint(T), ...setOf(text('a'), text('a'), text('\u00e9'), text('ns')),
      2, ...varint(T), ...setOf(text('b'), text('b'), latin1, text('ns')),
    ]);
    expect(() => decode(dbLikeBefore)).toThrow('BATCH.operations[1].db is not valid UTF-8');
  });

  // Exact messages: a reader that named the wrong part or field would send an operator to the wrong byte.
  const named: [string, Uint8Array, string][] = [
    ['an unknown kind', seal([marker, 9]), 'envelope.kind 9 is not a data frame kind'],
    ['an operation\'s timestamp', seal([marker, KIND.operation, 1, 0x81, 0x00]), 'operation.timestamp is a varint longer than needed'],
    ['a BATCH\'s timestamp', seal([marker, KIND.batch, 0x81, 0x00]), 'BATCH.timestamp is a varint longer than needed'],
    ['a BATCH\'s count', seal([marker, KIND.batch, ...varint(T), 0x80, 0x00]), 'BATCH.operations is a varint longer than needed'],
    ['an empty BATCH', seal([marker, KIND.batch, ...varint(T), 0]), 'BATCH.operations must hold 1 to 2 operations, got 0'],
    ['a BATCH above batchEntriesMax', seal([marker, KIND.batch, ...varint(T), 3]), 'BATCH.operations must hold 1 to 2 operations, got 3'],
    ['a BATCH\'s second operation', seal([marker, KIND.batch, ...varint(T), 2, 5, ...varint(T), ...deleteOp('a'), 6, ...varint(T), 9]), 'BATCH.operations[1].type 9 is not an operation type'],
    ['a SNAPSHOT_CHUNK\'s timestamp', seal([marker, KIND.snapshotChunk, 0x81, 0x00]), 'SNAPSHOT_CHUNK.timestamp is a varint longer than needed'],
    ['a SNAPSHOT_CHUNK\'s index', seal([marker, KIND.snapshotChunk, ...varint(T), 0x80, 0x00]), 'SNAPSHOT_CHUNK.index is a varint longer than needed'],
    ['a SNAPSHOT_CHUNK\'s count', seal([marker, KIND.snapshotChunk, ...varint(T), 0, 0x80, 0x00]), 'SNAPSHOT_CHUNK.entries is a varint longer than needed'],
    ['a SNAPSHOT_CHUNK above snapshotChunkEntriesMax', seal([marker, KIND.snapshotChunk, ...varint(T), 0, 2]), 'SNAPSHOT_CHUNK.entries must hold at most 1 entries, got 2'],
    ['a SNAPSHOT_CHUNK entry cut before its type', seal([marker, KIND.snapshotChunk, ...varint(T), 0, 1]), 'SNAPSHOT_CHUNK.entries[0].type is missing: the frame ends before it'],
  ];

  it.each(named)('name the part and field they refuse: %s', (_what, body, message) => {
    expect(() => decode(body, limits)).toThrow(new ProtocolError(`binary frame ${message}`));
  });

  it('fit a body of exactly frameBytesMax, and assert on one byte more (the caller checked the frame, not its size)', () => {
    const frame = sampleFrames.operation;
    const bodyBytes = encodeFrame(frame, DEFAULT_LIMITS, format).bytes.length - 4;
    const atLimit = { ...DEFAULT_LIMITS, frameBytesMax: bodyBytes };
    expect(encodeFrame(frame, atLimit, format).bytes.length).toBe(bodyBytes + 4);
    const below = { ...DEFAULT_LIMITS, frameBytesMax: bodyBytes - 1 };
    expect(() => encodeFrame(frame, below, format)).toThrow(
      new AssertionError(`encodeBinaryFrame: body of ${bodyBytes} bytes exceeds frameBytesMax (${bodyBytes - 1})`),
    );
  });
});

describe('binary-1 data frames', () => {
  const format = BINARY_SHA256_FORMAT;

  it('refuse an installed SHA-256 whose digest is not 32 bytes, encoding and decoding', () => {
    const body = encodeFrame(sampleFrames.operation, DEFAULT_LIMITS, format).bytes.subarray(4);
    useSha256Bytes((bytes) => portableSha256Bytes(bytes).subarray(1));
    try {
      expect(() => encodeFrame(sampleFrames.operation, DEFAULT_LIMITS, format)).toThrow(new AssertionError('sha256Bytes: digest must be 32 bytes'));
      expect(() => decodeFrameBody(body, DEFAULT_LIMITS, format)).toThrow(new AssertionError('sha256Bytes: digest must be 32 bytes'));
    } finally {
      useSha256Bytes(portableSha256Bytes);
    }
  });
});

describe('binary-2 data frames', () => {
  const format = BINARY_CRC32_FORMAT;

  it('name a CRC-32 by 8 hex characters, its leading zeros kept', () => {
    const encoded = Array.from({ length: 200 }, (_, index) => encodeFrame({ kind: 'operation', sequence: index + 1, timestampMs: T, op: sampleSet }, DEFAULT_LIMITS, format));
    const small = encoded.find(({ bytes }) => bytes[bytes.length - 4]! < 0x10);
    expect(small?.checksum).toMatch(/^0[0-9a-f]{7}$/);
    expect(decodeEveryWay(small!.bytes.subarray(4), DEFAULT_LIMITS, format)).toMatchObject({ kind: 'operation' });
  });

  it('refuse an installed CRC-32 whose result is not an unsigned 32-bit integer, encoding and decoding', () => {
    const body = encodeFrame(sampleFrames.operation, DEFAULT_LIMITS, format).bytes.subarray(4);
    for (const wrong of [-1, 2 ** 32, 0.5]) {
      useCrc32(() => wrong);
      try {
        expect(() => encodeFrame(sampleFrames.operation, DEFAULT_LIMITS, format)).toThrow(new AssertionError('crc32: the result must be an unsigned 32-bit integer'));
        expect(() => decodeFrameBody(body, DEFAULT_LIMITS, format)).toThrow(new AssertionError('crc32: the result must be an unsigned 32-bit integer'));
      } finally {
        useCrc32(portableCrc32);
      }
    }
  });
});
