import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import { backoffDelayMs } from '../../../src/core/backoff.js';
import { DEFAULT_TIMING } from '../../../src/core/limits.js';
import { randomBelow, randomHexId, type Random } from '../../../src/core/random.js';
import { Prng } from '../../../sim/prng.js';

const constant = (value: number): Random => ({ nextUint32: () => value });
const options = { baseMs: DEFAULT_TIMING.reconnectBaseMs, capMs: DEFAULT_TIMING.reconnectCapMs };

describe('backoffDelayMs', () => {
  it('stays within [0, min(cap, base * 2^attempt)]', () => {
    const scenario = fc.record({
      baseMs: fc.integer({ min: 1, max: 5_000 }),
      extraCapMs: fc.integer({ min: 0, max: 100_000 }),
      attempt: fc.oneof(fc.nat({ max: 40 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      seed: fc.nat(),
    });
    fc.assert(fc.property(scenario, ({ baseMs, extraCapMs, attempt, seed }) => {
      const capMs = baseMs + extraCapMs;
      const ceilingMs = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 60));
      const random = new Prng(seed);
      for (let i = 0; i < 5; i += 1) {
        const delayMs = backoffDelayMs({ baseMs, capMs }, attempt, random);
        expect(Number.isSafeInteger(delayMs)).toBe(true);
        expect(delayMs).toBeGreaterThanOrEqual(0);
        expect(delayMs).toBeLessThanOrEqual(ceilingMs);
      }
    }), { numRuns: 300 });
  });

  it('reaches both ends of the range: 0 and the ceiling', () => {
    const low = constant(0);
    const high = constant(0xffff_ffff);
    expect(backoffDelayMs(options, 0, low)).toBe(0);
    expect(backoffDelayMs(options, 0, high)).toBe(100);
    expect(backoffDelayMs(options, 1, high)).toBe(200);
    expect(backoffDelayMs(options, 3, high)).toBe(800);
    expect(backoffDelayMs(options, 8, high)).toBe(25_600);
    expect(backoffDelayMs(options, 9, high)).toBe(30_000);
  });

  it('respects the cap for huge attempts', () => {
    const high = constant(0xffff_ffff);
    for (const attempt of [31, 32, 64, 1000, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelayMs(options, attempt, high)).toBe(30_000);
    }
    // Even when base * 2^31 is itself huge.
    expect(backoffDelayMs({ baseMs: 2 ** 40, capMs: 2 ** 41 }, Number.MAX_SAFE_INTEGER, high)).toBeLessThanOrEqual(2 ** 41);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses attempt %s', (attempt) => {
    expect(() => backoffDelayMs(options, attempt, constant(0))).toThrow(AssertionError);
  });

  it('actually jitters over the whole range', () => {
    const random = new Prng(7);
    const delays = Array.from({ length: 2000 }, () => backoffDelayMs(options, 20, random));
    expect(new Set(delays).size).toBeGreaterThan(1000);
    expect(Math.min(...delays)).toBeLessThan(3_000);
    expect(Math.max(...delays)).toBeGreaterThan(27_000);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number): number[] => {
      const random = new Prng(seed);
      return Array.from({ length: 20 }, (_, attempt) => backoffDelayMs(options, attempt, random));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});

describe('randomBelow', () => {
  it('stays in [0, bound) and returns 0 for bounds up to 1', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: -5, max: 2 ** 40 }), (value, bound) => {
      const result = randomBelow(constant(value), bound);
      expect(Number.isInteger(result)).toBe(true);
      if (bound <= 1) expect(result).toBe(0);
      else {
        expect(result).toBeGreaterThanOrEqual(0);
        expect(result).toBeLessThan(bound);
      }
    }), { numRuns: 300 });
  });
});

describe('randomHexId', () => {
  it('is 32 lowercase hex characters, padded', () => {
    expect(randomHexId(constant(0))).toBe('0'.repeat(32));
    expect(randomHexId(constant(0xab))).toBe('000000ab'.repeat(4));
    const id = randomHexId(new Prng(1));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id).not.toBe(randomHexId(new Prng(2)));
  });
});
