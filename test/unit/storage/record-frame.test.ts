import { crc32 } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { RECORD_BYTES_MAX } from '../../../src/storage/limits.js';
import { encodeLogRecord, LOG_RECORD_SHAPE } from '../../../src/storage/op-log-file/record.js';
import { describeAfterBad, frameAt, goodRecordAfter, isWholeUnderWrongLength, markedFrame, markedShape, RECORD_MARKER, type FrameShape } from '../../../src/storage/record-frame.js';

// RESYNC_CHECKED_BYTES_MAX made 1000 bytes, so that a search that gives up can be shown on a few.
vi.mock('../../../src/storage/limits.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/storage/limits.js')>()),
  RESYNC_CHECKED_BYTES_MAX: 1000,
}));

const MARKED: FrameShape = markedShape(4);
/** Unmarked records whose payloads begin with PAY, the search's landmark. */
const UNMARKED: FrameShape = { marked: false, payloadBytesMin: 4, landmark: { bytes: Buffer.from('PAY'), at: 8 } };

function marked(payload: string): Buffer {
  return Buffer.concat(markedFrame([Buffer.from(payload)]));
}

/** A frame as the first append-only format wrote it: the marked one without its marker. */
function unmarked(payload: string): Buffer {
  return marked(payload).subarray(RECORD_MARKER.length);
}

function frameHeader(payloadBytes: number, crc: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(payloadBytes, 0);
  header.writeUInt32LE(crc, 4);
  return header;
}

describe('markedFrame', () => {
  it('is the marker, the length and CRC-32 of the payload chunks as one buffer, then the chunks themselves', () => {
    const chunks = [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cd')];
    const frame = markedFrame(chunks);
    expect(frame[0]).toBe(RECORD_MARKER);
    expect(frame.slice(2)).toEqual(chunks);
    expect(Buffer.from(frame[1] as Uint8Array)).toEqual(frameHeader(4, crc32('abcd')));
  });
});

describe('frameAt', () => {
  it('reads a record at an offset, whole or arriving a byte at a time, marked or not', () => {
    for (const [shape, bytes] of [[MARKED, marked('payload')], [UNMARKED, unmarked('payload')]] as const) {
      const at = Buffer.concat([Buffer.from('xyz'), bytes]);
      for (let length = 3; length < at.length; length += 1) expect(frameAt(at.subarray(0, length), 3, shape).kind).toBe('incomplete');
      expect(frameAt(at, 3, shape)).toEqual({ kind: 'record', payload: Buffer.from('payload'), frameBytes: 8 + 7 });
    }
  });

  it('tells a marker cut short from bytes that are none', () => {
    expect(frameAt(Buffer.from('NLR'), 0, MARKED)).toEqual({ kind: 'incomplete' });
    expect(frameAt(Buffer.from('NLX'), 0, MARKED)).toEqual({ kind: 'bad', why: 'no record marker', frameBytes: 0 });
    expect(frameAt(Buffer.from('NLRX0000'), 0, MARKED)).toEqual({ kind: 'bad', why: 'no record marker', frameBytes: 0 });
  });

  it('takes the operation log\'s shortest record, a CLOSED of three bytes, and refuses a shorter length', () => {
    const closed = Buffer.concat(encodeLogRecord({ kind: 'closed', writtenAtMs: 0, lastSequence: 0 }));
    expect(frameAt(closed, 0, LOG_RECORD_SHAPE)).toMatchObject({ kind: 'record', frameBytes: 8 + 3 });
    const short = Buffer.concat([RECORD_MARKER, Buffer.from([2, 0, 0, 0]), Buffer.alloc(6)]);
    expect(frameAt(short, 0, LOG_RECORD_SHAPE)).toEqual({ kind: 'bad', why: 'a record length of 2 bytes', frameBytes: 10 });
  });

  it('calls a length below the shape\'s least or above RECORD_BYTES_MAX bad, before reading on', () => {
    for (const payloadBytes of [0, 3, RECORD_BYTES_MAX + 1]) {
      expect(frameAt(frameHeader(payloadBytes, 0), 0, UNMARKED), `${payloadBytes}`).toEqual({ kind: 'bad', why: `a record length of ${payloadBytes} bytes`, frameBytes: 8 + payloadBytes });
    }
    expect(frameAt(frameHeader(4, 0), 0, UNMARKED).kind).toBe('incomplete');
    expect(frameAt(frameHeader(RECORD_BYTES_MAX, 0), 0, UNMARKED).kind).toBe('incomplete');
    expect(frameAt(Buffer.concat([frameHeader(4, 1), Buffer.alloc(4)]), 0, UNMARKED)).toEqual({ kind: 'bad', why: 'a CRC-32 mismatch', frameBytes: 12 });
  });
});

describe('goodRecordAfter', () => {
  it('finds a good record at a later marker, past markers whose frames are bad', () => {
    const bad = Buffer.concat([RECORD_MARKER, frameHeader(5, 0)]);
    const bytes = Buffer.concat([bad, Buffer.from('NLR1NLR'), bad, marked('good')]);
    expect(goodRecordAfter(bytes, 0, MARKED)).toEqual({ kind: 'good', offset: 2 * bad.length + 7 });
    // Not at the bad record's own offset, and not before `offset`.
    expect(goodRecordAfter(marked('good'), 0, MARKED)).toEqual({ kind: 'torn' });
  });

  it('finds a good record after a bad one where the landmark is when records are unmarked, and nowhere else', () => {
    const bytes = Buffer.concat([frameHeader(900, 0), Buffer.from('x'), unmarked('PAYgood')]);
    expect(goodRecordAfter(bytes, 0, UNMARKED)).toEqual({ kind: 'good', offset: 9 });
    // A landmark at the bytes' very end, short of a record: no candidate at a negative offset either.
    expect(goodRecordAfter(Buffer.concat([frameHeader(900, 0), Buffer.from('PAY')]), 0, UNMARKED)).toEqual({ kind: 'torn' });
    expect(goodRecordAfter(Buffer.concat([frameHeader(900, 0), Buffer.from('x'), unmarked('good')]), 0, UNMARKED)).toEqual({ kind: 'torn' });
  });

  it('calls bytes with no good record after the bad one torn, marked or not', () => {
    const torn = marked('a torn NLR1 record');
    expect(goodRecordAfter(torn.subarray(0, torn.length - 1), 0, MARKED)).toEqual({ kind: 'torn' });
    expect(goodRecordAfter(unmarked('PAYtorn').subarray(0, 14), 0, UNMARKED)).toEqual({ kind: 'torn' });
  });

  it('gives up once the candidates it checked exceed RESYNC_CHECKED_BYTES_MAX, and not before', () => {
    // After the bad record's marker, candidates that each claim every byte to the end, and fail their CRC-32 over them.
    const claimingAll = (count: number, fillBytes: number): Buffer => {
      const total = RECORD_MARKER.length + 12 * count + fillBytes;
      const candidates = Array.from({ length: count }, (_, index) => Buffer.concat([RECORD_MARKER, frameHeader(total - (RECORD_MARKER.length + 12 * index) - 12, 0)]));
      return Buffer.concat([RECORD_MARKER, ...candidates, Buffer.alloc(fillBytes)]);
    };
    // Each costs its frame: 344, 332, 320, then 308 bytes; past 1000 at the fourth (at byte 4 + 3 * 12).
    expect(goodRecordAfter(claimingAll(4, 300), 0, MARKED)).toEqual({ kind: 'unsearched', offset: 40 });
    // 332 + 320 + 308: 960 checked, and nothing good.
    expect(goodRecordAfter(claimingAll(3, 300), 0, MARKED)).toEqual({ kind: 'torn' });
    // A candidate whose length is past RECORD_BYTES_MAX costs nothing: no CRC is computed over it.
    const unchecked = Buffer.concat([RECORD_MARKER, frameHeader(0xffffffff, 0)]);
    expect(goodRecordAfter(Buffer.concat([claimingAll(3, 300), unchecked]), 0, MARKED)).toEqual({ kind: 'torn' });
    // Two candidates of 2 * 514 - 28 bytes: 1000 exactly is not past the limit, 1002 is.
    expect(goodRecordAfter(claimingAll(2, 486), 0, MARKED)).toEqual({ kind: 'torn' });
    expect(goodRecordAfter(claimingAll(2, 487), 0, MARKED)).toEqual({ kind: 'unsearched', offset: 16 });
  });
});

describe('isWholeUnderWrongLength', () => {
  it('holds when the CRC-32 holds over every byte after the frame header, whatever the length says', () => {
    const bytes = marked('payload');
    bytes.writeUInt32LE(1 << 20, 4);
    expect(isWholeUnderWrongLength(bytes, MARKED)).toBe(true);
    expect(isWholeUnderWrongLength(bytes.subarray(0, bytes.length - 1), MARKED)).toBe(false);
    expect(isWholeUnderWrongLength(unmarked('payload'), UNMARKED)).toBe(true);
  });

  it('does not hold without a marker, or with too few bytes for a header and the least payload', () => {
    const wrongMarker = marked('payload');
    wrongMarker.write('X', 0);
    expect(isWholeUnderWrongLength(wrongMarker, MARKED)).toBe(false);
    const least = unmarked('four');
    expect(isWholeUnderWrongLength(least, UNMARKED)).toBe(true);
    expect(isWholeUnderWrongLength(least.subarray(0, 11), UNMARKED)).toBe(false);
    expect(isWholeUnderWrongLength(least, { ...UNMARKED, payloadBytesMin: 5 })).toBe(false);
  });
});

describe('describeAfterBad', () => {
  it('names the file offset of what it found', () => {
    expect(describeAfterBad({ kind: 'good', offset: 5 }, 100)).toBe('a good record at byte 105 after it');
    expect(describeAfterBad({ kind: 'unsearched', offset: 7 }, 100)).toBe(`more candidate records after it than RESYNC_CHECKED_BYTES_MAX lets a search check (stopped at byte 107)`);
  });
});
