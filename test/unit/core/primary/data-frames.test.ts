import { describe, expect, it } from 'vitest';
import { encodeFrame, type EncodedFrame, type WireFormat } from '../../../../src/core/codec/index.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';
import { DataFrames } from '../../../../src/core/primary/data-frames.js';

function encoded(timestampMs: number): EncodedFrame {
  const op = { type: 'DELETE', path: 'a' } as const;
  return encodeFrame({ kind: 'batch', timestampMs, entries: [{ sequence: 7, timestampMs, op }, { sequence: 8, timestampMs, op }] }, DEFAULT_LIMITS, 'binary-1');
}

describe('DataFrames', () => {
  it('gives the next peer at the same place the frame made for the last one', () => {
    const frames = new DataFrames();
    expect(frames.cached(7, 2, 5, 'binary-1')).toBeUndefined();
    const first = frames.remember(7, 2, 5, 'binary-1', encoded(5));
    expect(frames.cached(7, 2, 5, 'binary-1')).toBe(first);
  });

  it('has nothing when only the format, the time, the first sequence or the count differs, and keeps only the last', () => {
    const variants: [string, number, number, number, WireFormat][] = [
      ['format', 7, 2, 5, 'json'],
      ['time', 7, 2, 6, 'binary-1'],
      ['first sequence', 8, 2, 5, 'binary-1'],
      ['count', 7, 1, 5, 'binary-1'],
    ];
    for (const [what, from, count, timestampMs, wireFormat] of variants) {
      const frames = new DataFrames();
      frames.remember(7, 2, 5, 'binary-1', encoded(5));
      expect(frames.cached(from, count, timestampMs, wireFormat), what).toBeUndefined();
      frames.remember(from, count, timestampMs, wireFormat, encoded(timestampMs));
      expect(frames.cached(7, 2, 5, 'binary-1'), what).toBeUndefined();
    }
  });
});
