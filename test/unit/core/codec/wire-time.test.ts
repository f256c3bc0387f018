import { describe, expect, it } from 'vitest';
import { timestampFromWire } from '../../../../src/core/codec/wire-time.js';

describe('timestampFromWire', () => {
  it('reads -0, which the check of >= 0 lets through, and a tiny negative as 0, not -0', () => {
    expect(Object.is(timestampFromWire(-0), 0)).toBe(true);
    expect(Object.is(timestampFromWire(-0.0001), 0)).toBe(true);
  });
});
