/**
 * Drives a FrameDecoder the ways a socket can: everything at once, byte by byte, or in chunks of
 * seven bytes (prime to the frames' lengths, so chunks end inside headers and bodies, and a chunk
 * holds the end of one frame and the start of the next).
 */
import { expect } from 'vitest';
import { decodeFrameBody } from '../../../../src/core/codec/decode.js';
import { FrameDecoder, type DecodedFrame } from '../../../../src/core/codec/frame-decoder.js';
import type { WireFormat } from '../../../../src/core/codec/wire-format.js';
import { DEFAULT_LIMITS, type Limits } from '../../../../src/core/limits.js';

export interface FeedResult {
  readonly frames: DecodedFrame[];
  readonly error: unknown;
  readonly decoder: FrameDecoder;
}

export type Chunking = 'whole' | 'byte-by-byte' | 'seven-byte';
export const CHUNKINGS: readonly Chunking[] = ['whole', 'byte-by-byte', 'seven-byte'];
const STEP_BYTES: Record<Exclude<Chunking, 'whole'>, number> = { 'byte-by-byte': 1, 'seven-byte': 7 };

/** Pushes `bytes` in chunks, draining next() after each push, until the end or an error. */
export function feed(bytes: Uint8Array, chunking: Chunking, limits: Limits = DEFAULT_LIMITS, wireFormat: WireFormat = 'json'): FeedResult {
  const decoder = new FrameDecoder(limits);
  decoder.wireFormat = wireFormat;
  const frames: DecodedFrame[] = [];
  const step = chunking === 'whole' ? Math.max(1, bytes.length) : STEP_BYTES[chunking];
  try {
    for (let offset = 0; offset < bytes.length; offset += step) {
      decoder.push(bytes.subarray(offset, offset + step));
      for (let next = decoder.next(); next !== undefined; next = decoder.next()) frames.push(next);
    }
  } catch (error) {
    return { frames, error, decoder };
  }
  return { frames, error: undefined, decoder };
}

export function withPrefix(body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + body.length);
  new DataView(bytes.buffer).setUint32(0, body.length, false);
  bytes.set(body, 4);
  return bytes;
}

/**
 * Decodes one body with decodeFrameBody and through a FrameDecoder fed whole and byte by byte;
 * all three must agree. Returns the decoded frame or throws the (common) error.
 */
export function decodeEveryWay(body: Uint8Array, limits: Limits = DEFAULT_LIMITS, wireFormat: WireFormat = 'json'): DecodedFrame['frame'] {
  let direct: { frame: DecodedFrame['frame'] } | { error: unknown };
  try {
    direct = { frame: decodeFrameBody(body, limits, wireFormat).frame };
  } catch (error) {
    direct = { error };
  }
  for (const chunking of CHUNKINGS) {
    const result = feed(withPrefix(body), chunking, limits, wireFormat);
    if ('error' in direct) {
      expect(result.error, chunking).toBeInstanceOf((direct.error as Error).constructor);
      expect((result.error as Error).message, chunking).toBe((direct.error as Error).message);
    } else {
      expect(result.error, chunking).toBeUndefined();
      expect(result.frames.map((decoded) => decoded.frame), chunking).toEqual([direct.frame]);
    }
  }
  if ('error' in direct) throw direct.error;
  return direct.frame;
}
