import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LogCorruptError } from '../../../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { encodeLogRecord } from '../../../../src/storage/op-log-file/record.js';
import { encodeSegmentHeader, firstSequenceOfName, parseSegment, SEGMENT_MAGIC, segmentFileName } from '../../../../src/storage/op-log-file/segment.js';
import { oneSet } from './support.js';

function headerOf(json: string): Buffer {
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32LE(Buffer.byteLength(json), 0);
  lengths.writeUInt32LE(crc32(json), 4);
  return Buffer.concat([SEGMENT_MAGIC, lengths, Buffer.from(json)]);
}

function recordBytes(firstSequence: number, value = 'v'): Buffer {
  return Buffer.concat(encodeLogRecord(oneSet(firstSequence, value)));
}

const HEADER = (): Buffer => encodeSegmentHeader({ historyId: 'h', firstSequence: 1, base: null });

function parse(bytes: Buffer): ReturnType<typeof parseSegment> {
  return parseSegment(bytes, 'seg', DEFAULT_LIMITS);
}

describe('segment names', () => {
  it('are 16 digits and .seg, and nothing else is one', () => {
    expect(segmentFileName(42)).toBe('0000000000000042.seg');
    expect(firstSequenceOfName('0000000000000042.seg')).toBe(42);
    for (const name of ['x0000000000000042.seg', '0000000000000042.seg.tmp', '0000000000000042.segment', '42.seg', 'notes.txt']) {
      expect(firstSequenceOfName(name), name).toBeNull();
    }
  });
});

describe('parseSegment', () => {
  it('reads back a header with a base cursor, epoch included', () => {
    const base = { replicationId: 'old', sequence: 9, epoch: 2 };
    expect(parse(encodeSegmentHeader({ historyId: 'h', firstSequence: 3, base })).header).toEqual({ historyId: 'h', firstSequence: 3, base });
  });

  it.each([
    ['too short for its lengths', () => SEGMENT_MAGIC, /^seg is not a segment of the operation log: its first bytes are not NADBLOG1$/],
    ['too short for its lengths, its magic whole', () => Buffer.concat([SEGMENT_MAGIC, Buffer.alloc(2)]), /its first bytes are not NADBLOG1$/],
    ['another magic', () => Buffer.concat([Buffer.from('NADBLOG2'), HEADER().subarray(8)]), /its first bytes are not NADBLOG1$/],
    ['a header past its end', () => HEADER().subarray(0, HEADER().length - 1), /its header runs past its end$/],
    ['a header that fails its CRC', () => Buffer.from(HEADER().toString('latin1').replace('"h"', '"i"'), 'latin1'), /its header fails its CRC-32$/],
    ['a header that is not JSON', () => headerOf('{historyId'), /its header is not a JSON object$/],
    ['a header that is JSON null', () => headerOf('null'), /its header is not a JSON object$/],
    ['a header of no bytes', () => headerOf(''), /its header is not a JSON object$/],
    ['no history id', () => headerOf('{"firstSequence":1,"base":null}'), /its header has no history id and first sequence$/],
    ['an empty history id', () => headerOf('{"historyId":"","firstSequence":1,"base":null}'), /no history id and first sequence$/],
    ['a history id that is not text', () => headerOf('{"historyId":7,"firstSequence":1,"base":null}'), /no history id and first sequence$/],
    ['a first sequence of 0', () => headerOf('{"historyId":"h","firstSequence":0,"base":null}'), /no history id and first sequence$/],
    ['a first sequence that is not an integer', () => headerOf('{"historyId":"h","firstSequence":1.5,"base":null}'), /no history id and first sequence$/],
    ['a base that is not a cursor', () => headerOf('{"historyId":"h","firstSequence":1,"base":3}'), /its header's base is not a cursor$/],
    ['a base cursor that is not one', () => headerOf('{"historyId":"h","firstSequence":1,"base":"{}"}'), /^seg is not a segment of the operation log: corrupt cursor in its header's base: \{\}$/],
  ])('refuses a header: %s', (_, bytesOf, why) => {
    const bytes = bytesOf();
    expect(() => parse(bytes)).toThrow(LogCorruptError);
    expect(() => parse(bytes)).toThrow(why);
  });

  it('takes a header with no records', () => {
    expect(parse(HEADER())).toMatchObject({ records: [], goodBytes: HEADER().length, tail: null });
  });

  it('names what a torn tail is: a record cut short, or no marker', () => {
    const whole = Buffer.concat([HEADER(), recordBytes(1)]);
    expect(parse(whole.subarray(0, whole.length - 1)).tail).toEqual({ offset: HEADER().length, why: 'a record cut short' });
    // A marker cut short is a record cut short, but bytes that cannot begin one are no marker.
    expect(parse(Buffer.concat([HEADER(), Buffer.from('NL')])).tail).toEqual({ offset: HEADER().length, why: 'a record cut short' });
    expect(parse(Buffer.concat([HEADER(), Buffer.from('NX')])).tail).toEqual({ offset: HEADER().length, why: 'no record marker' });
    expect(parse(Buffer.concat([HEADER(), Buffer.from('XLR1')])).tail).toEqual({ offset: HEADER().length, why: 'no record marker' });
  });

  it('cuts a torn tail that holds record markers without a good record after them', () => {
    // A value that is itself a marker: the torn record holds it, and bad frames follow the markers.
    const torn = recordBytes(2, 'NLR1NLR1');
    const bytes = Buffer.concat([HEADER(), recordBytes(1), torn.subarray(0, torn.length - 1)]);
    const parsed = parse(bytes);
    expect(parsed.records.map(({ record }) => record.kind === 'operations' && record.firstSequence)).toEqual([1]);
    expect(parsed.tail).toEqual({ offset: HEADER().length + recordBytes(1).length, why: 'a record cut short' });
  });

  it('refuses a bad record with a good one after it, naming both bytes', () => {
    const bad = Buffer.concat([HEADER(), Buffer.from('NLR1'), Buffer.alloc(8), recordBytes(1)]);
    const at = HEADER().length;
    expect(() => parse(bad)).toThrow(LogCorruptError);
    expect(() => parse(bad)).toThrow(`corrupt record in seg at byte ${at} (a record length of 0 bytes), a good record at byte ${at + 12} after it: not a torn append`);
  });

  it('names the file and byte of a record whose CRC holds but that is not one', () => {
    const payload = Buffer.from([3, 0, 0, 0]);
    const lengths = Buffer.alloc(8);
    lengths.writeUInt32LE(payload.length, 0);
    lengths.writeUInt32LE(crc32(payload), 4);
    const bytes = Buffer.concat([HEADER(), Buffer.from('NLR1'), lengths, payload]);
    expect(() => parse(bytes)).toThrow(`corrupt record in seg at byte ${HEADER().length}: `);
  });
});
