import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/core/codec/encode.js';
import { FrameDecoder, type DecodedFrame } from '../../src/core/codec/frame-decoder.js';
import { sha256Bytes } from '../../src/core/codec/sha256.js';
import { BINARY_CRC32_FORMAT, BINARY_SHA256_FORMAT, type WireFormat } from '../../src/core/codec/wire-format.js';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { operationWireBytesMax } from '../../src/core/codec/wire-size.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import {
  chunkingArb, consecutiveEntriesArb, dataFrameArb, frameArb, logEntryArb, setOperationArb, splitAt, timestampMsArb,
  wellFormed, wellFormedFrameArb,
} from '../support/arbitraries.js';
import { concatBytes } from '../support/bytes.js';

const limits = DEFAULT_LIMITS;
const numRuns = 200;
const concat = (parts: readonly Uint8Array[]): Uint8Array => concatBytes(...parts);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Pushes the chunks one by one into a decoder of a link in `format`, draining after each; stops at the first error. */
function run(chunks: readonly Uint8Array[], format: WireFormat): { frames: DecodedFrame[]; error: unknown } {
  const decoder = new FrameDecoder(limits);
  decoder.wireFormat = format;
  const frames: DecodedFrame[] = [];
  try {
    for (const chunk of chunks) {
      decoder.push(chunk);
      for (let next = decoder.next(); next !== undefined; next = decoder.next()) frames.push(next);
    }
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: undefined };
}

/**
 * On a JSON link every frame is JSON, with names of any code units; on a binary link the data
 * frames are binary and the rest JSON, with well-formed names (the only ones binary can carry).
 */
const FORMATS = [
  { format: 'json', frames: frameArb },
  { format: BINARY_SHA256_FORMAT, frames: wellFormedFrameArb },
  { format: BINARY_CRC32_FORMAT, frames: wellFormedFrameArb },
] as const satisfies readonly { format: WireFormat; frames: fc.Arbitrary<Frame> }[];

describe.each(FORMATS)('codec properties on a $format link', ({ format, frames: framesArb }) => {
  const encode = (frame: Frame): Uint8Array => encodeFrame(frame, limits, format).bytes;
  /** What the link can carry: binary names are well-formed; JSON's may hold lone surrogates. */
  const canCarry = <T,>(value: T): T => (format === 'json' ? value : wellFormed(value));

  /** Encoded bytes with a way to cut them, chosen after the bytes are known. */
  const encodedArb = (frames: fc.Arbitrary<Frame[]>) => frames.chain((list) => {
    const bytes = concat(list.map(encode));
    return fc.tuple(fc.constant(list), fc.constant(bytes), chunkingArb(bytes.length));
  });

  it('decode(encode(frame)) equals the frame, whatever the chunk boundaries', () => {
    fc.assert(fc.property(encodedArb(framesArb.map((frame) => [frame])), ([frames, bytes, cuts]) => {
      const { frames: decoded, error } = run(splitAt(bytes, cuts), format);
      expect(error).toBeUndefined();
      expect(decoded.map((item) => item.frame)).toEqual(frames);
      expect(decoded[0]?.frameBytes).toBe(bytes.length);
      expect(decoded[0]?.checksum).toBe(encodeFrame(frames[0]!, limits, format).checksum);
    }), { numRuns });
  });

  it('decodes several concatenated frames in order, whatever the chunk boundaries', () => {
    fc.assert(fc.property(encodedArb(fc.array(framesArb, { minLength: 2, maxLength: 5 })), ([frames, bytes, cuts]) => {
      const { frames: decoded, error } = run(splitAt(bytes, cuts), format);
      expect(error).toBeUndefined();
      expect(decoded.map((item) => item.frame)).toEqual(frames);
      expect(decoded.reduce((total, item) => total + item.frameBytes, 0)).toBe(bytes.length);
    }), { numRuns });
  });

  it('a single bit flip never yields a different frame', () => {
    const flipped = encodedArb(framesArb.map((frame) => [frame])).chain(([frames, bytes, cuts]) =>
      fc.tuple(fc.constant(frames[0]!), fc.constant(bytes), fc.constant(cuts), fc.nat({ max: bytes.length * 8 - 1 })));
    fc.assert(fc.property(flipped, ([frame, bytes, cuts, bit]) => {
      const corrupt = bytes.slice();
      corrupt[bit >> 3] = corrupt[bit >> 3]! ^ (1 << (bit & 7));
      const { frames, error } = run(splitAt(corrupt, cuts), format);
      // Thrown, or still waiting for bytes (the length grew), or the very same frame.
      if (error !== undefined) return;
      expect(frames.length).toBeLessThanOrEqual(1);
      if (frames.length === 1) expect(frames[0]!.frame).toEqual(frame);
    }), { numRuns });
  });

  it('a strict prefix of an encoded frame yields no frame and no error', () => {
    const prefixes = encodedArb(framesArb.map((frame) => [frame])).chain(([, bytes]) =>
      fc.nat({ max: bytes.length - 1 }).chain((length) => fc.tuple(fc.constant(bytes.subarray(0, length)), chunkingArb(length))));
    fc.assert(fc.property(prefixes, ([prefix, cuts]) => {
      const { frames, error } = run(splitAt(prefix, cuts), format);
      expect(error).toBeUndefined();
      expect(frames).toEqual([]);
    }), { numRuns });
  });

  it('operationWireBytesMax bounds a one-operation frame', () => {
    fc.assert(fc.property(logEntryArb.map(canCarry), (entry) => {
      expect(encode({ kind: 'operation', ...entry }).length).toBeLessThanOrEqual(operationWireBytesMax(entry.op));
    }), { numRuns });
  });

  it('operationWireBytesMax bounds the operations of a BATCH and the entries of a SNAPSHOT_CHUNK', () => {
    const containerBytesMax = 256;
    const contents = fc.tuple(timestampMsArb, consecutiveEntriesArb(), fc.array(setOperationArb, { maxLength: 5 })).map(canCarry);
    fc.assert(fc.property(contents, ([timestampMs, entries, sets]) => {
      const batchBound = entries.reduce((total, entry) => total + operationWireBytesMax(entry.op), 0);
      expect(encode({ kind: 'batch', timestampMs, entries }).length).toBeLessThanOrEqual(batchBound + containerBytesMax);
      const chunkBound = sets.reduce((total, op) => total + operationWireBytesMax(op), 0);
      const chunk: Frame = { kind: 'snapshotChunk', timestampMs, index: Number.MAX_SAFE_INTEGER, entries: sets };
      expect(encode(chunk).length).toBeLessThanOrEqual(chunkBound + containerBytesMax);
    }), { numRuns });
  });
});

/** How each binary format closes a frame: its marker, and the checksum of the body before it, as bytes. */
const BINARY_CHECKS = [
  { format: BINARY_SHA256_FORMAT, marker: 0xb1, checksumBytes: 32, checksum: (body: Uint8Array): Uint8Array => sha256Bytes(body) },
  { format: BINARY_CRC32_FORMAT, marker: 0xb2, checksumBytes: 4, checksum: (body: Uint8Array): Uint8Array => Uint8Array.from(Buffer.from(zlibCrc32(body).toString(16).padStart(8, '0'), 'hex')) },
] as const;

describe.each(BINARY_CHECKS)('$format data frames', ({ format, marker, checksumBytes, checksum: checksumOf }) => {
  const binaryRun = (bytes: Uint8Array): { frames: DecodedFrame[]; error: unknown } => run([bytes], format);

  it('decode to the same frame, with the same checksum rules, as the JSON form of the same frame', () => {
    fc.assert(fc.property(dataFrameArb, (frame) => {
      const json = run([encodeFrame(frame, limits).bytes], 'json');
      const binary = binaryRun(encodeFrame(frame, limits, format).bytes);
      expect(binary.frames.map((item) => item.frame)).toEqual(json.frames.map((item) => item.frame));
    }), { numRuns });
  });

  it('end in the checksum of everything after the length prefix before it; the frame names it in hex', () => {
    fc.assert(fc.property(dataFrameArb, (frame) => {
      const { bytes, checksum } = encodeFrame(frame, limits, format);
      expect(bytes[4]).toBe(marker);
      const expected = checksumOf(bytes.subarray(4, bytes.length - checksumBytes));
      expect(hex(bytes.subarray(bytes.length - checksumBytes))).toBe(hex(expected));
      expect(checksum).toBe(hex(expected));
    }), { numRuns });
  });

  it('a byte changed anywhere in the body is refused, whatever it becomes', () => {
    const changed = dataFrameArb.map((frame) => encodeFrame(frame, limits, format).bytes)
      .chain((bytes) => fc.tuple(fc.constant(bytes), fc.integer({ min: 4, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })));
    fc.assert(fc.property(changed, ([bytes, index, xor]) => {
      const corrupt = bytes.slice();
      corrupt[index] = corrupt[index]! ^ xor;
      const { frames, error } = binaryRun(corrupt);
      expect(frames).toEqual([]);
      expect(error).toBeInstanceOf(Error);
    }), { numRuns });
  });

  it('are refused on a link that negotiated JSON or the other binary format', () => {
    const other = format === BINARY_SHA256_FORMAT ? BINARY_CRC32_FORMAT : BINARY_SHA256_FORMAT;
    fc.assert(fc.property(dataFrameArb, fc.constantFrom('json' as const, other), (frame, link) => {
      const { error } = run([encodeFrame(frame, limits, format).bytes], link);
      expect(String(error)).toContain(`a ${format} frame on a link that did not negotiate ${format} (${link})`);
    }), { numRuns: 20 });
  });
});
