import { crc32 } from 'node:zlib';
import { assert } from '../core/assert.js';
import { RECORD_BYTES_MAX, RESYNC_CHECKED_BYTES_MAX } from './limits.js';

/**
 * The frame of a record in this library's own files (the append-only file, the operation log's
 * segments): a marker, the payload's length and CRC-32, the payload. After a bad record, a later
 * marker followed by a good frame shows that good records follow, so a damaged length in the
 * middle of a file cannot pass for a torn tail (docs/OPERATION-LOG.md, "Recovery rules").
 */
export const RECORD_MARKER = Buffer.from('NLR1');
/** The payload's length and CRC-32, each a u32 LE. */
export const FRAME_HEADER_BYTES = 8;
const U32_BYTES = 4;

/**
 * How a file's records are framed: `marked` (a marker first: how every file is written) or not
 * (the append-only file's first format, still read), the shortest payload a record can have, and
 * the landmark that the search for a good record after a bad one looks for: bytes every record
 * holds `at` bytes from its start (the marker, at 0, for marked records).
 */
export interface FrameShape {
  readonly marked: boolean;
  readonly payloadBytesMin: number;
  readonly landmark: { readonly bytes: Buffer; readonly at: number };
}

/** The shape of marked records whose payload is at least `payloadBytesMin` bytes. */
export function markedShape(payloadBytesMin: number): FrameShape {
  return { marked: true, payloadBytesMin, landmark: { bytes: RECORD_MARKER, at: 0 } };
}

/** A payload's frame, its marker first: the chunks of one gathered write (the payload is not copied). */
export function markedFrame(payload: Uint8Array[]): Uint8Array[] {
  const payloadBytes = payload.reduce((total, chunk) => total + chunk.length, 0);
  assert(payloadBytes <= RECORD_BYTES_MAX, `a record of ${payloadBytes} bytes exceeds RECORD_BYTES_MAX`);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32LE(payloadBytes, 0);
  header.writeUInt32LE(crcOf(payload), U32_BYTES);
  return [RECORD_MARKER, header, ...payload];
}

/**
 * The CRC-32 of chunks as of one buffer. Empty chunks are skipped: zlib's crc32 of a zero-length
 * view may see a null pointer, and for a null pointer it answers 0, not the running CRC.
 */
function crcOf(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  for (const chunk of chunks) if (chunk.length > 0) crc = crc32(chunk, crc);
  return crc;
}

/** What the bytes at an offset hold: a whole record, too few bytes for one, or a bad one. `frameBytes` leaves out the marker. */
export type Framed =
  | { readonly kind: 'record'; readonly payload: Buffer; readonly frameBytes: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'bad'; readonly why: string; readonly frameBytes: number };

/** The bytes before a record's frame header: its marker's, when it has one. */
export function markerBytesOf(shape: FrameShape): number {
  return shape.marked ? RECORD_MARKER.length : 0;
}

/** The record at `offset`: its marker when the shape has one, then its frame. */
export function frameAt(bytes: Buffer, offset: number, shape: FrameShape): Framed {
  if (!shape.marked) return unmarkedFrameAt(bytes, offset, shape.payloadBytesMin);
  const marker = bytes.subarray(offset, offset + RECORD_MARKER.length);
  if (marker.length < RECORD_MARKER.length) return RECORD_MARKER.subarray(0, marker.length).equals(marker) ? { kind: 'incomplete' } : { kind: 'bad', why: 'no record marker', frameBytes: 0 };
  if (!marker.equals(RECORD_MARKER)) return { kind: 'bad', why: 'no record marker', frameBytes: 0 };
  return unmarkedFrameAt(bytes, offset + RECORD_MARKER.length, shape.payloadBytesMin);
}

function unmarkedFrameAt(bytes: Buffer, offset: number, payloadBytesMin: number): Framed {
  if (bytes.length - offset < FRAME_HEADER_BYTES) return { kind: 'incomplete' };
  const payloadBytes = bytes.readUInt32LE(offset);
  const frameBytes = FRAME_HEADER_BYTES + payloadBytes;
  if (payloadBytes < payloadBytesMin || payloadBytes > RECORD_BYTES_MAX) return { kind: 'bad', why: `a record length of ${payloadBytes} bytes`, frameBytes };
  if (bytes.length - offset < frameBytes) return { kind: 'incomplete' };
  const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, offset + frameBytes);
  if (crc32(payload) !== bytes.readUInt32LE(offset + U32_BYTES)) return { kind: 'bad', why: 'a CRC-32 mismatch', frameBytes };
  return { kind: 'record', payload, frameBytes };
}

/**
 * What follows a bad record at `offset`, to the end of `bytes`: nothing good (`torn`: a torn tail),
 * a good record (`good`: the bad one is damage, not a tail), or so many bad frames to check that
 * the search gave up (`unsearched`: treated as damage, the safe side).
 */
export type AfterBad =
  | { readonly kind: 'torn' }
  | { readonly kind: 'good'; readonly offset: number }
  | { readonly kind: 'unsearched'; readonly offset: number };

/**
 * Looks for a good record after the bad one at `offset`, where the shape's landmark is. Each
 * candidate whose length fits costs a CRC over it; past RESYNC_CHECKED_BYTES_MAX bytes checked
 * the search stops, so its cost is linear in the bytes whatever they hold.
 */
export function goodRecordAfter(bytes: Buffer, offset: number, shape: FrameShape): AfterBad {
  let checkedBytes = 0;
  for (let at = nextCandidate(bytes, offset, shape); at !== -1; at = nextCandidate(bytes, at, shape)) {
    const framed = frameAt(bytes, at, shape);
    if (framed.kind === 'record') return { kind: 'good', offset: at };
    if (framed.kind === 'bad' && at + markerBytesOf(shape) + framed.frameBytes <= bytes.length) checkedBytes += framed.frameBytes;
    if (checkedBytes > RESYNC_CHECKED_BYTES_MAX) return { kind: 'unsearched', offset: at };
  }
  return { kind: 'torn' };
}

/** The start of the first record after `after` whose landmark is in place; -1 when none is. */
function nextCandidate(bytes: Buffer, after: number, shape: FrameShape): number {
  const { bytes: landmark, at } = shape.landmark;
  const found = bytes.indexOf(landmark, after + 1 + at);
  return found === -1 ? -1 : found - at;
}

/**
 * Whether `tail`, the bytes from a bad record to the end of the file, is one whole record under a
 * wrong length: its stored CRC-32 holds over every byte after its frame header. A crash while
 * appending leaves fewer bytes than the length says, never more, so a last record whose length
 * was damaged is told from a torn one.
 */
export function isWholeUnderWrongLength(tail: Buffer, shape: FrameShape): boolean {
  const headerAt = markerBytesOf(shape);
  if (tail.length < headerAt + FRAME_HEADER_BYTES + shape.payloadBytesMin) return false;
  if (shape.marked && !tail.subarray(0, headerAt).equals(RECORD_MARKER)) return false;
  return crc32(tail.subarray(headerAt + FRAME_HEADER_BYTES)) === tail.readUInt32LE(headerAt + U32_BYTES);
}

/** How an error names what follows a bad record that is no torn tail; `base`: the file offset of the searched bytes' first. */
export function describeAfterBad(after: Exclude<AfterBad, { kind: 'torn' }>, base: number): string {
  if (after.kind === 'good') return `a good record at byte ${base + after.offset} after it`;
  return `more candidate records after it than RESYNC_CHECKED_BYTES_MAX lets a search check (stopped at byte ${base + after.offset})`;
}
