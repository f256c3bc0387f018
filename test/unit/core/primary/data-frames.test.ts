import { describe, expect, it } from 'vitest';
import { encodeFrame, type WireFormat } from '../../../../src/core/codec/index.js';
import type { Frame } from '../../../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { DataFrames } from '../../../../src/core/primary/data-frames.js';

function batch(timestampMs: number): Frame {
  const op = { type: 'DELETE', path: 'a' } as const;
  return { kind: 'batch', timestampMs, entries: [{ sequence: 7, timestampMs, op }, { sequence: 8, timestampMs, op }] };
}

describe('DataFrames', () => {
  it('gives the next peer at the same place the same bytes, encoded once', () => {
    const frames = new DataFrames(DEFAULT_LIMITS);
    const first = frames.encode(batch(5), 7, 2, 'binary-1');
    expect(frames.encode(batch(5), 7, 2, 'binary-1')).toBe(first);
    expect(first.bytes).toEqual(encodeFrame(batch(5), DEFAULT_LIMITS, 'binary-1').bytes);
  });

  it('encodes again when only the format, the time, the first sequence or the count differs', () => {
    const variants: [string, Frame, number, number, WireFormat][] = [
      ['format', batch(5), 7, 2, 'json'],
      ['time', batch(6), 7, 2, 'binary-1'],
      ['first sequence', batch(5), 8, 2, 'binary-1'],
      ['count', batch(5), 7, 1, 'binary-1'],
    ];
    for (const [what, frame, from, count, wireFormat] of variants) {
      const frames = new DataFrames(DEFAULT_LIMITS);
      const first = frames.encode(batch(5), 7, 2, 'binary-1');
      const again = frames.encode(frame, from, count, wireFormat);
      expect(again, what).not.toBe(first);
      expect(again.bytes, what).toEqual(encodeFrame(frame, DEFAULT_LIMITS, wireFormat).bytes);
    }
  });
});
