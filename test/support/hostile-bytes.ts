/** What a peer that lies or breaks sends: whole frames of every kind, damaged. For the hostile-peer properties. */
import fc from 'fast-check';
import { FRAME_HEADER_BYTES } from '../../src/core/limits.js';
import { frameArb } from './arbitraries.js';
import { bytesOf } from './machine.js';

/** A valid frame of any kind with one byte changed, anywhere: prefix, envelope, data or checksum. */
export const flippedFrameArb: fc.Arbitrary<Uint8Array> = fc.tuple(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([frame, at, mask]) => {
  const bytes = bytesOf(frame).slice();
  const index = at % bytes.length;
  bytes[index] = (bytes[index] ?? 0) ^ mask;
  return bytes;
});

/** A length prefix alone, announcing anything a u32 can. */
export const lengthPrefixArb: fc.Arbitrary<Uint8Array> = fc.nat({ max: 0xffff_ffff }).map((length) => lengthPrefix(length));

export function lengthPrefix(bodyBytes: number): Uint8Array {
  const prefix = new Uint8Array(FRAME_HEADER_BYTES);
  new DataView(prefix.buffer).setUint32(0, bodyBytes, false);
  return prefix;
}
