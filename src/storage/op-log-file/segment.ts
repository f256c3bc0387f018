import { crc32 } from 'node:zlib';
import { LogCorruptError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { Cursor } from '../../core/storage-request.js';
import { describeAfterBad, frameAt, goodRecordAfter, RECORD_MARKER } from '../record-frame.js';
import { decodeCursor, encodeCursor, parseJsonObject } from '../stored-json.js';
import { decodeLogRecord, LOG_RECORD_SHAPE, type LogRecord } from './record.js';

/** The first bytes of every segment file: a file without them is not one. */
export const SEGMENT_MAGIC = Buffer.from('NADBLOG1');
const SEGMENT_SUFFIX = '.seg';
const SEQUENCE_DIGITS = 16;
const U32_BYTES = 4;

export interface SegmentHeader {
  readonly historyId: string;
  readonly firstSequence: number;
  readonly base: Cursor | null;
}

/** `{firstSequence}.seg`, zero-padded so that names sort as sequences do. */
export function segmentFileName(firstSequence: number): string {
  return `${String(firstSequence).padStart(SEQUENCE_DIGITS, '0')}${SEGMENT_SUFFIX}`;
}

/** The first sequence a segment's name says, or null for a name that is not a segment's. */
export function firstSequenceOfName(name: string): number | null {
  const match = /^(\d{16})\.seg$/.exec(name);
  return match === null ? null : Number(match[1]);
}

export function encodeSegmentHeader(header: SegmentHeader): Buffer {
  const json = Buffer.from(JSON.stringify({ historyId: header.historyId, firstSequence: header.firstSequence, base: header.base === null ? null : encodeCursor(header.base) }));
  const lengths = Buffer.alloc(2 * U32_BYTES);
  lengths.writeUInt32LE(json.length, 0);
  lengths.writeUInt32LE(crc32(json), U32_BYTES);
  return Buffer.concat([SEGMENT_MAGIC, lengths, json]);
}

/** A segment as read: its records with their offsets, and where a bad record begins (null: none). */
export interface ParsedSegment {
  readonly header: SegmentHeader;
  readonly records: readonly { readonly record: LogRecord; readonly offset: number }[];
  /** Where the records end: the file's size, or the offset of its torn tail. */
  readonly goodBytes: number;
  readonly tail: { readonly offset: number; readonly why: string } | null;
}

/**
 * Reads a segment's header and records. A bad record (cut short, a wrong marker or length, a CRC
 * mismatch) after which no good record begins is a torn tail, what a crash while appending leaves:
 * `tail` says where. A bad record with a good one after it (or more candidates after it than
 * the search checks: src/storage/record-frame.ts), or a bad header, is a LogCorruptError naming
 * the file and byte.
 */
export function parseSegment(bytes: Buffer, file: string, limits: Limits): ParsedSegment {
  const header = parseHeader(bytes, file);
  const records: { record: LogRecord; offset: number }[] = [];
  let offset = headerBytesOf(bytes);
  while (offset < bytes.length) {
    const framed = frameAt(bytes, offset, LOG_RECORD_SHAPE);
    if (framed.kind === 'record') {
      records.push({ record: decodeLogRecord(framed.payload, limits, `${file} at byte ${offset}`), offset });
      offset += RECORD_MARKER.length + framed.frameBytes;
      continue;
    }
    const why = framed.kind === 'incomplete' ? 'a record cut short' : framed.why;
    const after = goodRecordAfter(bytes, offset, LOG_RECORD_SHAPE);
    if (after.kind === 'torn') return { header, records, goodBytes: offset, tail: { offset, why } };
    throw new LogCorruptError(`corrupt record in ${file} at byte ${offset} (${why}), ${describeAfterBad(after, 0)}: not a torn append; restore the log with its storage, or remove the log to start a new history`);
  }
  return { header, records, goodBytes: offset, tail: null };
}

function headerBytesOf(bytes: Buffer): number {
  return SEGMENT_MAGIC.length + 2 * U32_BYTES + bytes.readUInt32LE(SEGMENT_MAGIC.length);
}

function parseHeader(bytes: Buffer, file: string): SegmentHeader {
  const corrupt = (why: string): LogCorruptError => new LogCorruptError(`${file} is not a segment of the operation log: ${why}`);
  if (bytes.length < SEGMENT_MAGIC.length + 2 * U32_BYTES || !bytes.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) throw corrupt(`its first bytes are not ${SEGMENT_MAGIC.toString()}`);
  const end = headerBytesOf(bytes);
  if (end > bytes.length) throw corrupt('its header runs past its end');
  const json = bytes.subarray(SEGMENT_MAGIC.length + 2 * U32_BYTES, end);
  if (crc32(json) !== bytes.readUInt32LE(SEGMENT_MAGIC.length + U32_BYTES)) throw corrupt('its header fails its CRC-32');
  const { historyId, firstSequence, base } = parseJsonObject(json.toString('utf8'), () => corrupt('its header is not a JSON object'));
  if (typeof historyId !== 'string' || historyId.length === 0 || !Number.isSafeInteger(firstSequence) || (firstSequence as number) < 1) throw corrupt('its header has no history id and first sequence');
  return { historyId, firstSequence: firstSequence as number, base: baseOf(base, corrupt) };
}

/** A base that is not a cursor is a corrupt log too, not a corrupt storage. */
function baseOf(base: unknown, corrupt: (why: string) => LogCorruptError): Cursor | null {
  if (base === null) return null;
  if (typeof base !== 'string') throw corrupt('its header\'s base is not a cursor');
  try {
    return decodeCursor(base, 'its header\'s base');
  } catch (error) {
    throw corrupt((error as Error).message);
  }
}
