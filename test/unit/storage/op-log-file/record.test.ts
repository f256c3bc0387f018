import { describe, expect, it } from 'vitest';
import { operationWireBytesMax } from '../../../../src/core/codec/index.js';
import { writeOperation } from '../../../../src/core/codec/operation-binary.js';
import { encodeSized, Raw, writeParts, type Part } from '../../../../src/core/codec/binary-bytes.js';
import { LogCorruptError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import type { Operation } from '../../../../src/core/operation.js';
import { decodeLogRecord, encodeLogRecord, recordChunks } from '../../../../src/storage/op-log-file/record.js';
import { RECORD_MARKER } from '../../../../src/storage/record-frame.js';
import { del, set } from '../../../support/ops.js';

/** A payload made by hand: its CRC would hold, whatever it says. */
/** An operation's binary layout alone, as a record holds it. */
function binaryOf(op: Operation): Uint8Array {
  return encodeSized((out) => writeOperation(out, op));
}

function payloadOf(parts: Part[]): Uint8Array {
  return encodeSized((out) => writeParts(out, parts));
}

function decode(parts: Part[]): ReturnType<typeof decodeLogRecord> {
  return decodeLogRecord(payloadOf(parts), DEFAULT_LIMITS, 'seg at byte 30');
}

describe('decodeLogRecord', () => {
  it('reads back what encodeLogRecord wrote, after the marker and the frame header', () => {
    const operations = [set('a', '1'), del('b')];
    const [marker, , payload] = encodeLogRecord({ kind: 'operations', writtenAtMs: 5, firstSequence: 7, operations });
    expect(Buffer.from(marker as Uint8Array)).toEqual(RECORD_MARKER);
    expect(decodeLogRecord(payload as Uint8Array, DEFAULT_LIMITS, 'x')).toEqual({ kind: 'operations', writtenAtMs: 5, firstSequence: 7, operations });
    const [, , closed] = encodeLogRecord({ kind: 'closed', writtenAtMs: 9, lastSequence: 12 });
    expect(decodeLogRecord(closed as Uint8Array, DEFAULT_LIMITS, 'x')).toEqual({ kind: 'closed', writtenAtMs: 9, lastSequence: 12 });
  });

  it.each([
    ['a kind of no record', () => [3, 0, 1, 1], /^corrupt record in seg at byte 30: seg at byte 30 \.kind 3 is not a record kind$/],
    ['a first sequence of 0', () => [1, 0, 0, 1, new Raw(binaryOf(del('a')))], /\.firstSequence is 0$/],
    ['no operations', () => [1, 0, 1, 0], /\.count 0 does not fit the record$/],
    ['more operations than bytes left', () => [1, 0, 1, 3, 0, 0], /\.count 3 does not fit the record$/],
    ['an operation cut short', () => [1, 0, 1, 1, new Raw(binaryOf(del('a')).subarray(0, 2))], /operations\[0\]\./],
    ['a CLOSED without its last sequence', () => [2, 0], /\.lastSequence is missing/],
    ['no written time', () => [2], /\.writtenAtMs is missing/],
    ['OPERATIONS without a first sequence', () => [1, 0], /\.firstSequence is missing/],
    ['OPERATIONS without a count', () => [1, 0, 1], /\.count is missing/],
    ['nothing', () => [], /\.kind is missing/],
    ['bytes after the last field', () => [2, 0, 4, 0], /1 bytes after the last field$/],
  ])('refuses a payload whose CRC holds but that is not a record: %s', (_, partsOf, why) => {
    // Made in the test, not when the table is: what runs while tests are collected is not measured per test.
    const parts = partsOf() as Part[];
    expect(() => decode(parts)).toThrow(LogCorruptError);
    expect(() => decode(parts)).toThrow(why);
  });

  it('checks the count against the bytes left, not the record\'s', () => {
    const operation = new Raw(binaryOf(del('')));
    expect(decode([1, 0, 1, 2, operation, operation])).toMatchObject({ operations: [del(''), del('')] });
    expect(() => decode([1, 0, 1, 5, operation, operation])).toThrow(/count 5 does not fit/);
  });
});

describe('recordChunks', () => {
  const ops = (): ReturnType<typeof set>[] => [set('a', '1'), set('b', '22'), set('c', '333')];

  it('puts operations together while their encoded bytes stay within bytesMax, at bytesMax exactly too', () => {
    const sizes = ops().map((op) => operationWireBytesMax(op));
    const [a, b, c] = sizes as [number, number, number];
    expect(recordChunks(ops(), a + b + c)).toEqual([ops()]);
    expect(recordChunks(ops(), a + b + c - 1)).toEqual([ops().slice(0, 2), ops().slice(2)]);
    expect(recordChunks(ops(), a + b)).toEqual([ops().slice(0, 2), ops().slice(2)]);
    expect(recordChunks(ops(), a + b - 1)).toEqual([ops().slice(0, 1), ops().slice(1, 2), ops().slice(2)]);
  });

  it('gives an operation larger than bytesMax a record of its own', () => {
    expect(recordChunks(ops(), 1)).toEqual(ops().map((op) => [op]));
  });

  it('makes no record of no operations', () => {
    expect(recordChunks([], 100)).toEqual([]);
  });
});
