import { assert } from '../assert.js';
import { bytesToText } from '../byte-text.js';
import { ProtocolError } from '../errors.js';
import { ENCODE_SCRATCH_BYTES, NAME_SCRATCH_BYTES, VIEW_SLACK_SHARE } from '../limits.js';
import { codeUnitAt } from '../string-methods.js';

/**
 * The primitives of the binary frames (docs/PROTOCOL.md, "Binary data frames"): unsigned LEB128
 * varints for every integer, strings as a varint byte length and their UTF-8, byte strings as a
 * varint length and the bytes. A layout is written once, into a scratch array, and copied out.
 */

/** 7 bits a byte: 8 bytes hold 56 bits, enough for every safe integer (53 bits). */
const VARINT_BYTES_MAX = 8;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Below this, a varint's groups of 7 bits are taken with 32-bit integer operations rather than division. */
const INT32_VARINT_BELOW = 2 ** 31;

/**
 * From this many code units a name is sized and written by TextEncoder.encodeInto, one native call,
 * rather than by a loop over its code units: a name may have nameLengthMax (4,096) of them, and a
 * SET whose path and key were that long took about 110 µs to encode, as long as fifty short ones.
 * Below it, the loop is faster than the call.
 */
const NATIVE_TEXT_UNITS_MIN = 64;
const scratch = new Uint8Array(NAME_SCRATCH_BYTES);

/** Whether every code unit is ASCII, found natively: then its UTF-8 is exactly as long. */
function isLongAscii(text: string): boolean {
  if (text.length < NATIVE_TEXT_UNITS_MIN || text.length > NAME_SCRATCH_BYTES) return false;
  const { read, written } = utf8.encodeInto(text, scratch);
  return read === text.length && written === text.length;
}

/**
 * A name's UTF-8 length, counted from its code units rather than by encoding it (a TextEncoder
 * call per short name was a fifth of the encoder's time). A lone surrogate has no UTF-8: the
 * primary admits no such name, so one here is our bug.
 */
export function utf8Bytes(text: string): number {
  if (isLongAscii(text)) return text.length;
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = codeUnitAt(text, index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit < 0xd800 || unit > 0xdfff) bytes += 3;
    else {
      const low = codeUnitAt(text, index + 1);
      assert(unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff, 'binary frames carry well-formed names only: a lone surrogate has no UTF-8');
      bytes += 4;
      index += 1;
    }
  }
  return bytes;
}

/**
 * Names are short and mostly ASCII: building those from their bytes directly is several times
 * faster than a TextDecoder call. ASCII is Latin-1 too, so the installed one-byte text reads
 * them (node's latin1Slice: about half the time of String.fromCharCode on a subarray, which
 * made a view per name). Undefined when the bytes are longer or hold anything else.
 */
const ASCII_FAST_PATH_BYTES_MAX = 64;

function asciiString(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > ASCII_FAST_PATH_BYTES_MAX) return undefined;
  for (let index = start; index < end; index += 1) if (bytes[index]! >= 0x80) return undefined;
  return bytesToText(bytes, start, end);
}

/** Where an encoding goes: one function describes a layout, written by a ByteWriter. */
export interface ByteSink {
  varint(value: number): void;
  raw(bytes: Uint8Array): void;
  lengthPrefixed(bytes: Uint8Array): void;
  text(text: string): void;
}

/** The bytes are `text` in ASCII (so in UTF-8 too): one byte per code unit, each below 0x80. */
function spellsAscii(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let index = 0; index < text.length; index += 1) {
    const byte = bytes[start + index]!;
    if (byte >= 0x80 || byte !== codeUnitAt(text, index)) return false;
  }
  return true;
}

/**
 * Writes from the start of an array and, when the array is short, goes on in one twice as large
 * (or as large as needed): the layout is not sized beforehand.
 */
export class ByteWriter implements ByteSink {
  private offset: number;
  /** The array is one this writer grew into, not the one it was given. */
  private grown = false;

  /** `headBytes` are left free before the layout; `tailBytes` are kept free after it whenever the array grows. */
  constructor(
    private bytes: Uint8Array,
    headBytes = 0,
    private readonly tailBytes = 0,
  ) {
    assert(headBytes + tailBytes <= bytes.length, 'ByteWriter: head and tail larger than the array');
    this.offset = headBytes;
  }

  /** What was written: a view of the writer's array. */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.offset);
  }

  /** Where the next byte goes: the head and what was written after it. */
  get end(): number {
    return this.offset;
  }

  /** Whether the writer outgrew the array it was given (and went on in a larger copy). */
  get outgrew(): boolean {
    return this.grown;
  }

  // Hot paths: the assertions' messages are constant, so that a passing one builds no string.
  /** A timestamp (41 bits) takes its first groups by division, the rest as integers. */
  varint(value: number): void {
    assert(Number.isSafeInteger(value) && value >= 0, 'varint: not a non-negative safe integer');
    this.room(VARINT_BYTES_MAX);
    let rest = value;
    while (rest >= INT32_VARINT_BELOW) {
      this.bytes[this.offset] = (rest % 128) | 0x80;
      this.offset += 1;
      rest = Math.floor(rest / 128);
    }
    while (rest >= 128) {
      this.bytes[this.offset] = (rest & 0x7f) | 0x80;
      this.offset += 1;
      rest >>>= 7;
    }
    this.bytes[this.offset] = rest;
    this.offset += 1;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
  }

  lengthPrefixed(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /**
   * A name as a string primitive: its UTF-8 length, then its UTF-8, written in place. A short
   * name is written as ASCII as it is read, and counted only if it is not (a ByteSizer counted
   * every name before a writer counted and wrote it again).
   */
  text(text: string): void {
    if (text.length < NATIVE_TEXT_UNITS_MIN && this.shortAscii(text)) return;
    const length = utf8Bytes(text);
    this.varint(length);
    this.room(length);
    const { written } = utf8.encodeInto(text, this.bytes.subarray(this.offset, this.offset + length));
    assert(written === length, 'ByteWriter.text: UTF-8 of another length than counted');
    this.offset += length;
  }

  /**
   * Its length in one varint byte (below NATIVE_TEXT_UNITS_MIN, so below 128), then a byte per
   * code unit; false at the first unit that is not ASCII, and the offset left where it was: the
   * bytes written after it are written again.
   */
  private shortAscii(text: string): boolean {
    this.room(1 + text.length);
    const start = this.offset + 1;
    for (let index = 0; index < text.length; index += 1) {
      const unit = codeUnitAt(text, index);
      if (unit >= 0x80) return false;
      this.bytes[start + index] = unit;
    }
    this.bytes[this.offset] = text.length;
    this.offset = start + text.length;
    return true;
  }

  /**
   * The head, the layout and the tail, in the writer's array when it grew to about their size (no
   * copy), else in `take`'s array of exactly that size: the array given is a scratch that the next
   * layout reuses, and one grown twice as large would keep its slack alive.
   */
  framed(take: (byteCount: number) => Uint8Array): Uint8Array {
    const end = this.offset + this.tailBytes;
    if (this.grown && this.bytes.length - end <= end * VIEW_SLACK_SHARE) return this.bytes.subarray(0, end);
    const out = take(end);
    out.set(this.bytes.subarray(0, this.offset));
    return out;
  }

  private room(byteCount: number): void {
    const needed = this.offset + byteCount + this.tailBytes;
    if (needed <= this.bytes.length) return;
    const larger = new Uint8Array(Math.max(needed, 2 * this.bytes.length));
    larger.set(this.written());
    this.bytes = larger;
    this.grown = true;
  }
}

/**
 * Where layouts are written, one at a time: a frame's or a record's bytes are then copied out at
 * their exact size. A layout that outgrows it (a large value) goes on in an array of its own.
 */
const encodeScratch = new Uint8Array(ENCODE_SCRATCH_BYTES);
let encoding = false;

/**
 * Lays `write`'s bytes out once and hands them to `use`, as a view valid only until `use` returns.
 * One pass: a ByteSizer went over every field (every name's code units) before the writer did,
 * about a third of a frame's encoding.
 */
export function encodeOnce<T>(write: (out: ByteSink) => void, use: (written: Uint8Array) => T): T {
  return withScratchWriter(new ByteWriter(encodeScratch), write, (writer) => use(writer.written()));
}

/**
 * Lays `write`'s bytes out once between `headBytes` and `tailBytes` left free for the caller (a
 * frame's length and checksum), and returns the whole: a layout that outgrew the scratch (a large
 * value) in the array it grew into, any other in `take`'s. A 4 MiB value was copied once more,
 * into a new array, whose first writes each fault in a page: about 10 ms of a primary's CPU after
 * a large burst, on this machine.
 */
export function encodeFramed(options: { readonly headBytes: number; readonly tailBytes: number }, write: (out: ByteSink) => void, take: (byteCount: number) => Uint8Array): Uint8Array {
  return withScratchWriter(new ByteWriter(encodeScratch, options.headBytes, options.tailBytes), write, (writer) => writer.framed(take));
}

function withScratchWriter<T>(writer: ByteWriter, write: (out: ByteSink) => void, use: (writer: ByteWriter) => T): T {
  assert(!encoding, 'encodeOnce: the scratch is in use (an encoding within an encoding)');
  encoding = true;
  try {
    write(writer);
    return use(writer);
  } finally {
    encoding = false;
  }
}

/**
 * Reads untrusted bytes: every read is checked against the end, and every length against a bound
 * given before anything is copied or decoded, so a hostile length costs nothing.
 */
export class ByteReader {
  private offset = 0;
  /** What is being read (`BATCH.operations`, and which of them): kept apart, joined only for an error. */
  private part = '';
  private partIndex: number | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly end: number,
    readonly where: string,
  ) {
    assert(end <= bytes.length, 'ByteReader: end beyond the bytes');
  }

  get remainingBytes(): number {
    return this.end - this.offset;
  }

  /** Names the fields read from now on in errors: `part[index].field`. */
  at(part: string, index: number | null = null): void {
    this.part = part;
    this.partIndex = index;
  }

  u8(field: string): number {
    if (this.offset >= this.end) throw this.error(field, 'is missing: the frame ends before it');
    const value = this.bytes[this.offset]!;
    this.offset += 1;
    return value;
  }

  /** A flag byte: 0 or 1, nothing else. */
  present(field: string): boolean {
    const flag = this.u8(field);
    if (flag > 1) throw this.error(field, `has presence flag ${flag}, not 0 or 1`);
    return flag === 1;
  }

  /** Canonical only: no longer than needed, so that every integer has one encoding. */
  varint(field: string): number {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < VARINT_BYTES_MAX; index += 1) {
      const byte = this.u8(field);
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && index > 0) throw this.error(field, 'is a varint longer than needed');
        if (!Number.isSafeInteger(value)) throw this.error(field, 'is above the largest safe integer');
        return value;
      }
      scale *= 128;
    }
    throw this.error(field, `is a varint of more than ${VARINT_BYTES_MAX} bytes`);
  }

  /**
   * `bytesMax` is checked before the bytes are taken. The result is a view of the frame, not a copy:
   * a copy of every value cost an ArrayBuffer and a backing store per operation, garbage as soon as
   * the keyspace stored its own compact form. What keeps a value keeps its own bytes (compact-entry.ts).
   */
  lengthPrefixed(field: string, bytesMax: number): Uint8Array {
    const start = this.skipLengthPrefixed(field, bytesMax);
    return this.bytes.subarray(start, this.offset);
  }

  /**
   * Strict UTF-8: an invalid sequence (a lone surrogate's included) is refused, not replaced.
   * `same`, when the bytes spell it, is returned itself: a name repeated from the operation before
   * (a key equal to its path, the db and namespace of a batch) is one string, not one per operation.
   */
  string(field: string, bytesMax: number, same?: string): string {
    const start = this.skipLengthPrefixed(field, bytesMax);
    if (same !== undefined && spellsAscii(this.bytes, start, this.offset, same)) return same;
    const ascii = asciiString(this.bytes, start, this.offset);
    if (ascii !== undefined) return ascii;
    try {
      return strictUtf8.decode(this.bytes.subarray(start, this.offset));
    } catch {
      throw this.error(field, 'is not valid UTF-8');
    }
  }

  nullableString(field: string, bytesMax: number): string | null {
    return this.present(field) ? this.string(field, bytesMax) : null;
  }

  nullableVarint(field: string): number | null {
    return this.present(field) ? this.varint(field) : null;
  }

  /** Reads a length, checks it, and moves past that many bytes; returns where they start. */
  private skipLengthPrefixed(field: string, bytesMax: number): number {
    const length = this.varint(field);
    if (length > bytesMax) throw this.error(field, `is ${length} bytes, above ${bytesMax}`);
    if (length > this.end - this.offset) throw this.error(field, `is ${length} bytes, beyond the end of the frame`);
    const start = this.offset;
    this.offset += length;
    return start;
  }

  /** Nothing may follow the last field. */
  finish(): void {
    if (this.offset !== this.end) throw new ProtocolError(`${this.where}: ${this.end - this.offset} bytes after the last field`);
  }

  error(field: string, problem: string): ProtocolError {
    const index = this.partIndex === null ? '' : `[${this.partIndex}]`;
    return new ProtocolError(`${this.where} ${this.part}${index}.${field} ${problem}`);
  }
}

/**
 * What a binary encoding is written from: a number is a varint, a string a name (UTF-8, length
 * first), bytes are length-prefixed, Raw is copied as it is.
 */
export type Part = number | string | Uint8Array | Raw;

/** Bytes that delimit themselves (an operation's encoding, the marker): no length before them. */
export class Raw {
  constructor(readonly bytes: Uint8Array) {}
}

/** The bytes `write` lays out, in an array of about their size (see ByteWriter.framed). */
export function encodeSized(write: (out: ByteSink) => void): Uint8Array {
  return encodeFramed(UNFRAMED, write, (byteCount) => new Uint8Array(byteCount));
}

const UNFRAMED = { headBytes: 0, tailBytes: 0 } as const;

export function writeParts(sink: ByteSink, parts: readonly Part[]): void {
  for (const part of parts) {
    if (typeof part === 'number') sink.varint(part);
    else if (typeof part === 'string') sink.text(part);
    else if (part instanceof Raw) sink.raw(part.bytes);
    else sink.lengthPrefixed(part);
  }
}
