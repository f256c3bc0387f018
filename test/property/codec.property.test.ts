import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/core/codec/encode.js';
import { FrameDecoder, type DecodedFrame } from '../../src/core/codec/frame-decoder.js';
import { operationWireBytesMax } from '../../src/core/codec/wire-size.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import {
  chunkingArb, consecutiveEntriesArb, frameArb, logEntryArb, setOperationArb, splitAt, timestampMsArb,
} from '../support/arbitraries.js';
import { concatBytes } from '../support/bytes.js';

const limits = DEFAULT_LIMITS;
const numRuns = 200;
const encode = (frame: Frame): Uint8Array => encodeFrame(frame, limits).bytes;

const concat = (parts: readonly Uint8Array[]): Uint8Array => concatBytes(...parts);

/** Pushes the chunks one by one, draining after each; stops at the first error. */
function run(chunks: readonly Uint8Array[]): { frames: DecodedFrame[]; error: unknown } {
  const decoder = new FrameDecoder(limits);
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

/** Encoded bytes with a way to cut them, chosen after the bytes are known. */
const encodedArb = (frames: fc.Arbitrary<Frame[]>) => frames.chain((list) => {
  const bytes = concat(list.map(encode));
  return fc.tuple(fc.constant(list), fc.constant(bytes), chunkingArb(bytes.length));
});

describe('codec properties', () => {
  it('decode(encode(frame)) equals the frame, whatever the chunk boundaries', () => {
    fc.assert(fc.property(encodedArb(frameArb.map((frame) => [frame])), ([frames, bytes, cuts]) => {
      const { frames: decoded, error } = run(splitAt(bytes, cuts));
      expect(error).toBeUndefined();
      expect(decoded.map((item) => item.frame)).toEqual(frames);
      expect(decoded[0]?.frameBytes).toBe(bytes.length);
      expect(decoded[0]?.checksum).toBe(encodeFrame(frames[0]!, limits).checksum);
    }), { numRuns });
  });

  it('decodes several concatenated frames in order, whatever the chunk boundaries', () => {
    fc.assert(fc.property(encodedArb(fc.array(frameArb, { minLength: 2, maxLength: 5 })), ([frames, bytes, cuts]) => {
      const { frames: decoded, error } = run(splitAt(bytes, cuts));
      expect(error).toBeUndefined();
      expect(decoded.map((item) => item.frame)).toEqual(frames);
      expect(decoded.reduce((total, item) => total + item.frameBytes, 0)).toBe(bytes.length);
    }), { numRuns });
  });

  it('a single bit flip never yields a different frame', () => {
    const flipped = encodedArb(frameArb.map((frame) => [frame])).chain(([frames, bytes, cuts]) =>
      fc.tuple(fc.constant(frames[0]!), fc.constant(bytes), fc.constant(cuts), fc.nat({ max: bytes.length * 8 - 1 })));
    fc.assert(fc.property(flipped, ([frame, bytes, cuts, bit]) => {
      const corrupt = bytes.slice();
      corrupt[bit >> 3] = corrupt[bit >> 3]! ^ (1 << (bit & 7));
      const { frames, error } = run(splitAt(corrupt, cuts));
      // Thrown, or still waiting for bytes (the length grew), or the very same frame.
      if (error !== undefined) return;
      expect(frames.length).toBeLessThanOrEqual(1);
      if (frames.length === 1) expect(frames[0]!.frame).toEqual(frame);
    }), { numRuns });
  });

  it('a strict prefix of an encoded frame yields no frame and no error', () => {
    const prefixes = encodedArb(frameArb.map((frame) => [frame])).chain(([, bytes]) =>
      fc.nat({ max: bytes.length - 1 }).chain((length) => fc.tuple(fc.constant(bytes.subarray(0, length)), chunkingArb(length))));
    fc.assert(fc.property(prefixes, ([prefix, cuts]) => {
      const { frames, error } = run(splitAt(prefix, cuts));
      expect(error).toBeUndefined();
      expect(frames).toEqual([]);
    }), { numRuns });
  });

  it('operationWireBytesMax bounds a one-operation frame', () => {
    fc.assert(fc.property(logEntryArb, (entry) => {
      expect(encode({ kind: 'operation', ...entry }).length).toBeLessThanOrEqual(operationWireBytesMax(entry.op));
    }), { numRuns });
  });

  it('operationWireBytesMax bounds the operations of a BATCH and the entries of a SNAPSHOT_CHUNK', () => {
    const containerBytesMax = 256;
    fc.assert(fc.property(timestampMsArb, consecutiveEntriesArb(), fc.array(setOperationArb, { maxLength: 5 }), (timestampMs, entries, sets) => {
      const batchBound = entries.reduce((total, entry) => total + operationWireBytesMax(entry.op), 0);
      expect(encode({ kind: 'batch', timestampMs, entries }).length).toBeLessThanOrEqual(batchBound + containerBytesMax);
      const chunkBound = sets.reduce((total, op) => total + operationWireBytesMax(op), 0);
      const chunk: Frame = { kind: 'snapshotChunk', timestampMs, index: Number.MAX_SAFE_INTEGER, entries: sets };
      expect(encode(chunk).length).toBeLessThanOrEqual(chunkBound + containerBytesMax);
    }), { numRuns });
  });
});
