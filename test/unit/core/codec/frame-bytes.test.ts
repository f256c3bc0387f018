import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { frameBytes } from '../../../../src/core/codec/frame-bytes.js';
import { DEFAULT_LIMITS, FRAME_SLAB_SHARE_BYTES_MAX } from '../../../../src/core/limits.js';

describe('frameBytes', () => {
  it('gives a frame above the shared size an array of its own, and a smaller one a view of a slab', () => {
    const bytes = frameBytes(FRAME_SLAB_SHARE_BYTES_MAX + 1);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
    expect(frameBytes(FRAME_SLAB_SHARE_BYTES_MAX).buffer.byteLength).toBeGreaterThan(FRAME_SLAB_SHARE_BYTES_MAX);
  });

  it('keeps every encoded frame as it was encoded while later frames are encoded', () => {
    const frames = Array.from({ length: 1_000 }, (_, index) => ({ kind: 'heartbeat', timestampMs: 1_700_000_000_000 + index, replicationId: null, lastSequence: index }) as const);
    const encoded = frames.map((frame) => encodeFrame(frame, DEFAULT_LIMITS).bytes);
    const copies = encoded.map((bytes) => bytes.slice());
    frames.forEach((frame) => encodeFrame(frame, DEFAULT_LIMITS));
    expect(encoded).toEqual(copies);
  });
});
