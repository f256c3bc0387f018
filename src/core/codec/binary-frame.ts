import { AssertionError, assert } from '../assert.js';
import { ChecksumMismatchError, ProtocolError } from '../errors.js';
import type { BatchFrame, Frame, OperationFrame, SnapshotChunkFrame } from '../frame.js';
import { FRAME_HEADER_BYTES, type Limits } from '../limits.js';
import type { LogEntry, Operation, SetOperation } from '../operation.js';
import { ByteReader, encodeFramed, type ByteSink } from './binary-bytes.js';
import { CRC32_BYTES, crc32 } from './crc32.js';
import type { DecodedBody } from './decode.js';
import type { EncodedFrame } from './encode.js';
import { checkFrame } from './frame-rules.js';
import { frameBytes } from './frame-bytes.js';
import { writeFrameLength } from './frame-length.js';
import { operationFromBinary, setOperationFromBinary, writeOperation } from './operation-binary.js';
import { digestHex, SHA256_BYTES, sha256Bytes } from './sha256.js';
import { BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, type BinaryWireFormat } from './wire-format.js';

/**
 * Binary data frames (binary-1 and binary-2, docs/PROTOCOL.md): a marker byte no JSON body starts
 * with, the frame kind, its fields, and a checksum of all of that at the end: binary-1's SHA-256 as
 * 32 raw bytes, binary-2's CRC-32 as 4 bytes big-endian. Values travel as their bytes and are
 * checked once, where JSON hashes a base64 text four thirds their size.
 */
const KIND_CODES = { operation: 1, batch: 2, snapshotChunk: 3 } as const;

export type DataFrame = OperationFrame | BatchFrame | SnapshotChunkFrame;

export function isDataFrame(frame: Frame): frame is DataFrame {
  return frame.kind === 'operation' || frame.kind === 'batch' || frame.kind === 'snapshotChunk';
}

/** What sets the two binary formats apart: the byte that opens a body, and the checksum that closes it. */
interface BinaryLayout {
  readonly marker: Uint8Array;
  readonly framing: { readonly headBytes: number; readonly tailBytes: number };
  /** Writes the checksum of bytes[start, end) at `end`, and names it in hex. */
  seal(bytes: Uint8Array, start: number, end: number): string;
  /** The checksum of body[0, end) in hex when it is the one written at `end`, else null. */
  verify(body: Uint8Array, end: number): string | null;
}

const SHA256_LAYOUT: BinaryLayout = {
  marker: Uint8Array.of(0xb1),
  framing: { headBytes: FRAME_HEADER_BYTES, tailBytes: SHA256_BYTES },
  seal(bytes, start, end) {
    const digest = checkedSha256(bytes.subarray(start, end));
    bytes.set(digest, end);
    return digestHex(digest);
  },
  verify(body, end) {
    const digest = checkedSha256(body.subarray(0, end));
    return sameBytes(digest, body.subarray(end)) ? digestHex(digest) : null;
  },
};

const CRC32_LAYOUT: BinaryLayout = {
  marker: Uint8Array.of(0xb2),
  framing: { headBytes: FRAME_HEADER_BYTES, tailBytes: CRC32_BYTES },
  seal(bytes, start, end) {
    const value = crc32(bytes.subarray(start, end));
    writeUint32(bytes, end, value);
    return crcHex(value);
  },
  verify(body, end) {
    const value = crc32(body.subarray(0, end));
    return readUint32(body, end) === value ? crcHex(value) : null;
  },
};

const LAYOUTS: Record<BinaryWireFormat, BinaryLayout> = { [BINARY_SHA256_FORMAT]: SHA256_LAYOUT, [BINARY_CRC32_FORMAT]: CRC32_LAYOUT };

/**
 * The binary format a body's first byte names, or undefined. Neither marker can begin a JSON body
 * (a JSON text starts with `{` or whitespace) nor UTF-8 text at all (both are continuation bytes).
 */
export function binaryFormatOf(firstByte: number | undefined): BinaryWireFormat | undefined {
  if (firstByte === SHA256_LAYOUT.marker[0]) return BINARY_SHA256_FORMAT;
  if (firstByte === CRC32_LAYOUT.marker[0]) return BINARY_CRC32_FORMAT;
  return undefined;
}

/** The caller has checked the frame's rules; the body's size is asserted here. */
export function encodeBinaryFrame(frame: DataFrame, limits: Limits, format: BinaryWireFormat): EncodedFrame {
  const layout = LAYOUTS[format];
  const bytes = encodeFramed(layout.framing, (out) => writeFrame(out, frame, layout.marker), frameBytes);
  return framed(bytes, limits, layout);
}

/** Fills in the length prefix before the checked part and its checksum after it. */
function framed(bytes: Uint8Array, limits: Limits, layout: BinaryLayout): EncodedFrame {
  const bodyBytes = bytes.length - FRAME_HEADER_BYTES;
  if (bodyBytes > limits.frameBytesMax) throw new AssertionError(`encodeBinaryFrame: body of ${bodyBytes} bytes exceeds frameBytesMax (${limits.frameBytesMax})`);
  writeFrameLength(bytes, bodyBytes);
  const checksum = layout.seal(bytes, FRAME_HEADER_BYTES, bytes.length - layout.framing.tailBytes);
  return { bytes, checksum };
}

/** Operations go straight into the frame, a BATCH has up to batchEntriesMax. */
function writeFrame(out: ByteSink, frame: DataFrame, marker: Uint8Array): void {
  out.raw(marker);
  switch (frame.kind) {
    case 'operation':
      out.varint(KIND_CODES.operation);
      writeEntry(out, frame);
      return;
    case 'batch':
      out.varint(KIND_CODES.batch);
      out.varint(frame.timestampMs);
      out.varint(frame.entries.length);
      for (const entry of frame.entries) writeEntry(out, entry);
      return;
    case 'snapshotChunk':
      out.varint(KIND_CODES.snapshotChunk);
      out.varint(frame.timestampMs);
      out.varint(frame.index);
      out.varint(frame.entries.length);
      for (const op of frame.entries) writeOperation(out, op);
      return;
  }
}

/** An entry as a frame carries it: what a primary's log keeps of each (op-log.ts), and copies into frames. */
export function writeEntry(out: ByteSink, entry: LogEntry): void {
  out.varint(entry.sequence);
  out.varint(entry.timestampMs);
  writeOperation(out, entry.op);
}

/** An entry from what writeEntry wrote, and nothing after it: bytes the log wrote itself, so a failure is a fault here. */
export function entryFromEncoded(bytes: Uint8Array, limits: Limits): LogEntry {
  const reader = new ByteReader(bytes, bytes.length, 'log entry');
  const entry = entryFromBinary(reader, limits);
  reader.finish();
  return entry;
}

/**
 * The sequence writeEntry wrote first at `start` (NaN if its bytes end inside it): no reader and no
 * view, since a log's invariants read it at both ends after every event of a simulation.
 */
export function sequenceOfEncoded(bytes: Uint8Array, start: number): number {
  let value = 0;
  let scale = 1;
  for (let index = start; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
  return Number.NaN;
}

/**
 * A data frame of `count` consecutive entries that `writeEntries` copies in as writeEntry wrote
 * them: byte for byte what encodeBinaryFrame makes of the same entries (an OPERATION for one, else
 * a BATCH at `timestampMs`), without an object per operation. The primary's log validated each
 * when it was written and keeps them so; the secondary decodes the frame and checks its rules.
 */
export function encodeBinaryEntries(count: number, timestampMs: number, writeEntries: (out: ByteSink) => void, limits: Limits, format: BinaryWireFormat): EncodedFrame {
  assert(Number.isSafeInteger(count) && count >= 1 && count <= limits.batchEntriesMax, 'encodeBinaryEntries: 1 to batchEntriesMax entries');
  const layout = LAYOUTS[format];
  const bytes = encodeFramed(
    layout.framing,
    (out) => {
      out.raw(layout.marker);
      if (count === 1) {
        out.varint(KIND_CODES.operation);
      } else {
        out.varint(KIND_CODES.batch);
        out.varint(timestampMs);
        out.varint(count);
      }
      writeEntries(out);
    },
    frameBytes,
  );
  return framed(bytes, limits, layout);
}

/**
 * Decodes a body that starts with a binary marker, in the format that marker names. The checksum
 * is verified before any field is read; then the fields, with every bound that makes reading
 * cheap; then the frame's rules, the very ones a JSON frame meets.
 */
export function decodeBinaryBody(received: Uint8Array, limits: Limits): DecodedBody {
  // A plain view, whatever the driver gave (a socket gives a Buffer, whose subarray is several
  // times slower than Uint8Array's): a frame takes a view for every value it holds.
  const body = new Uint8Array(received.buffer, received.byteOffset, received.byteLength);
  const format = binaryFormatOf(body[0]);
  assert(format !== undefined, 'decodeBinaryBody: the body must start with a binary marker');
  const layout = LAYOUTS[format];
  const checkedEnd = body.length - layout.framing.tailBytes;
  if (checkedEnd < 2) throw new ProtocolError(`${format} frame of ${body.length} bytes is shorter than a marker, a kind and a checksum`);
  const checksum = layout.verify(body, checkedEnd);
  if (checksum === null) throw new ChecksumMismatchError(`${format} frame checksum does not match its contents`);
  const reader = new ByteReader(body, checkedEnd, 'binary frame');
  reader.at('envelope');
  reader.u8('marker');
  const frame = frameFromBinary(reader, limits);
  reader.finish();
  checkFrame(frame, limits, (message) => new ProtocolError(message));
  return { frame, checksum };
}

function frameFromBinary(reader: ByteReader, limits: Limits): DataFrame {
  const kind = reader.u8('kind');
  switch (kind) {
    case KIND_CODES.operation:
      reader.at('operation');
      return operationFrameFromBinary(reader, limits);
    case KIND_CODES.batch:
      return batchFromBinary(reader, limits);
    case KIND_CODES.snapshotChunk:
      return snapshotChunkFromBinary(reader, limits);
    default:
      throw reader.error('kind', `${kind} is not a data frame kind`);
  }
}

/** Field by field: an object spread of the entry cost about 0.5 µs a frame. */
function operationFrameFromBinary(reader: ByteReader, limits: Limits): OperationFrame {
  const { sequence, timestampMs, op } = entryFromBinary(reader, limits);
  return { kind: 'operation', sequence, timestampMs, op };
}

function entryFromBinary(reader: ByteReader, limits: Limits, previous?: Operation): LogEntry {
  const sequence = reader.varint('sequence');
  const timestampMs = reader.varint('timestamp');
  return { sequence, timestampMs, op: operationFromBinary(reader, limits, previous) };
}

function batchFromBinary(reader: ByteReader, limits: Limits): BatchFrame {
  reader.at('BATCH');
  const timestampMs = reader.varint('timestamp');
  const count = reader.varint('operations');
  const max = limits.batchEntriesMax;
  if (count === 0 || count > max) throw reader.error('operations', `must hold 1 to ${max} operations, got ${count}`);
  const entries: LogEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    reader.at('BATCH.operations', index);
    entries.push(entryFromBinary(reader, limits, entries[index - 1]?.op));
  }
  return { kind: 'batch', timestampMs, entries };
}

function snapshotChunkFromBinary(reader: ByteReader, limits: Limits): SnapshotChunkFrame {
  reader.at('SNAPSHOT_CHUNK');
  const timestampMs = reader.varint('timestamp');
  const index = reader.varint('index');
  const count = reader.varint('entries');
  const max = limits.snapshotChunkEntriesMax;
  if (count > max) throw reader.error('entries', `must hold at most ${max} entries, got ${count}`);
  const entries: SetOperation[] = [];
  for (let entry = 0; entry < count; entry += 1) {
    reader.at('SNAPSHOT_CHUNK.entries', entry);
    entries.push(setOperationFromBinary(reader, limits, entries[entry - 1]));
  }
  return { kind: 'snapshotChunk', timestampMs, index, entries };
}

/** The installed SHA-256, with its result checked: an installed implementation may be wrong. */
function checkedSha256(bytes: Uint8Array): Uint8Array {
  const digest = sha256Bytes(bytes);
  assert(digest.length === SHA256_BYTES, `sha256Bytes: digest must be ${SHA256_BYTES} bytes`);
  return digest;
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** A CRC-32 named in hex: 8 lowercase characters, as a SHA-256 is named by 64. */
function crcHex(value: number): string {
  return value.toString(16).padStart(2 * CRC32_BYTES, '0');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}
