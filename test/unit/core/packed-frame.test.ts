import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { BINARY_WIRE_FORMATS, encodeFrame, type WireFormat } from '../../../src/core/codec/index.js';
import type { Frame } from '../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { PackedFrame } from '../../../src/core/packed-frame.js';
import { T0 } from '../../support/machine.js';
import { entry } from '../../support/secondary.js';

describe.each(BINARY_WIRE_FORMATS)('PackedFrame, of a %s frame', (binary) => {
  const body = (frame: Frame, format: WireFormat = binary): Uint8Array => encodeFrame(frame, DEFAULT_LIMITS, format).bytes.subarray(4);

  it("decodes a batch's entries again from its bytes, and holds exactly their sequences", () => {
    const entries = [entry(5), entry(6), entry(7)];
    const packed = new PackedFrame(body({ kind: 'batch', timestampMs: T0, entries }), 5, 3, DEFAULT_LIMITS);
    expect(packed.entries()).toEqual(entries);
    expect([4, 5, 7, 8].map((sequence) => packed.holds(sequence))).toEqual([false, true, true, false]);
  });

  it('decodes a single operation as a log entry, without the frame kind', () => {
    const packed = new PackedFrame(body({ kind: 'operation', ...entry(3) }), 3, 1, DEFAULT_LIMITS);
    expect(packed.entries()).toEqual([entry(3)]);
  });

  it('keeps only binary frames, and asserts that its bytes hold the entries it was kept for', () => {
    expect(() => new PackedFrame(body({ kind: 'operation', ...entry(3) }, 'json'), 3, 1, DEFAULT_LIMITS)).toThrow(new AssertionError('PackedFrame: only a binary frame is kept as bytes'));
    const misplaced = new PackedFrame(body({ kind: 'operation', ...entry(3) }), 4, 1, DEFAULT_LIMITS);
    expect(() => misplaced.entries()).toThrow(new AssertionError('PackedFrame: its bytes decode to other entries than it was kept for'));
  });
});
