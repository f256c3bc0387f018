/**
 * A direct test for each frame kind that its checksum is verified: a property over mixed frames
 * reaches a rare kind (SNAPSHOT_CHUNK) only now and then, so a kind left unverified would pass
 * most runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeFrame } from '../../../../src/core/codec/index.js';
import { ChecksumMismatchError } from '../../../../src/core/errors.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { frameArbs } from '../../../support/arbitraries.js';

const RUNS_PER_KIND = 50;
const utf8 = new TextEncoder();

/** The frame's body as sent, then with its timestamp moved by a second and the checksum kept. */
function tampered(frame: Frame): Uint8Array {
  const body = encodeFrame(frame, DEFAULT_LIMITS).bytes.subarray(4);
  const envelope = JSON.parse(new TextDecoder().decode(body)) as { timestamp: number };
  return utf8.encode(JSON.stringify({ ...envelope, timestamp: envelope.timestamp + 1 }));
}

describe('every frame kind is checked against its checksum', () => {
  it.each(Object.entries(frameArbs))('%s: content changed after hashing fails with ChecksumMismatchError', (_kind, arb) => {
    fc.assert(fc.property(arb, (frame) => {
      expect(() => decodeFrameBody(tampered(frame), DEFAULT_LIMITS)).toThrow(ChecksumMismatchError);
    }), { numRuns: RUNS_PER_KIND });
  });
});
