import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { frameBytes } from '../../../../src/core/codec/frame-bytes.js';
import { DEFAULT_LIMITS, FRAME_SLAB_BYTES, FRAME_SLAB_SHARE_BYTES_MAX } from '../../../../src/core/limits.js';

describe('frameBytes', () => {
  it('hands out zeroed views that never overlap, across the change to a new slab', () => {
    const sizes = Array.from({ length: (3 * FRAME_SLAB_BYTES) / 1_000 }, (_, index) => 1 + ((index * 997) % FRAME_SLAB_SHARE_BYTES_MAX));
    const views = sizes.map((size) => frameBytes(size));
    views.forEach((view, index) => {
      expect(view.length).toBe(sizes[index]);
      expect(view.every((byte) => byte === 0)).toBe(true);
      view.fill(index % 251);
    });
    // Filled one after another: a view sharing bytes with a later one would show the later fill.
    views.forEach((view, index) => expect(view.every((byte) => byte === index % 251)).toBe(true));
  });

  it('gives a frame above the shared size an array of its own', () => {
    const bytes = frameBytes(FRAME_SLAB_SHARE_BYTES_MAX + 1);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  });

  it('keeps every encoded frame as it was encoded while later frames are encoded', () => {
    const frames = Array.from({ length: 1_000 }, (_, index) => ({ kind: 'heartbeat', timestampMs: 1_700_000_000_000 + index, replicationId: null, lastSequence: index }) as const);
    const encoded = frames.map((frame) => encodeFrame(frame, DEFAULT_LIMITS).bytes);
    const copies = encoded.map((bytes) => bytes.slice());
    frames.forEach((frame) => encodeFrame(frame, DEFAULT_LIMITS));
    expect(encoded).toEqual(copies);
  });
});
