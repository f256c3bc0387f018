import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../sim/prng.js';

const draw = (prng: Prng, count: number): number[] => Array.from({ length: count }, () => prng.nextUint32());

describe('Prng', () => {
  it('gives the same sequence for the same seed', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (seed) => {
      expect(draw(new Prng(seed), 20)).toEqual(draw(new Prng(seed), 20));
    }), { numRuns: 100 });
  });

  it('pins the sequence of one seed, so runs replay across versions and platforms', () => {
    // Recorded from this implementation: a change here breaks every recorded simulator seed.
    expect(draw(new Prng(1), 4)).toEqual([1828152527, 3394835397, 2967886022, 2251045104]);
    // Seeds are taken modulo 2^32.
    expect(new Prng(0).nextUint32()).toBe(new Prng(2 ** 32).nextUint32());
    expect(new Prng(-1).nextUint32()).toBe(new Prng(0xffff_ffff).nextUint32());
  });

  it('gives different sequences for different seeds', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }), (a, b) => {
      fc.pre(a !== b);
      expect(draw(new Prng(a), 4)).not.toEqual(draw(new Prng(b), 4));
    }), { numRuns: 200 });
    const firsts = new Set(Array.from({ length: 1000 }, (_, seed) => new Prng(seed).nextUint32()));
    expect(firsts.size).toBeGreaterThan(995);
  });

  it('produces unsigned 32-bit integers, floats in [0, 1) and integers below a bound', () => {
    const prng = new Prng(99);
    for (let i = 0; i < 2000; i += 1) {
      const value = prng.nextUint32();
      expect(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff).toBe(true);
      const float = prng.nextFloat();
      expect(float >= 0 && float < 1).toBe(true);
      const below = prng.below(7);
      expect(Number.isInteger(below) && below >= 0 && below < 7).toBe(true);
    }
  });

  it('covers the range of below() roughly evenly', () => {
    const prng = new Prng(5);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i += 1) {
      const bucket = prng.below(10);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(10_000);
    // Deterministic for the seed; the bounds are loose, only a broken generator falls outside.
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('forks a child whose draws leave the parent untouched', () => {
    const parent = new Prng(11);
    const twin = new Prng(11);
    const child = parent.fork();
    const twinChild = twin.fork();
    draw(child, 100);
    // The parent goes on as its twin, whose child drew nothing.
    expect(draw(parent, 10)).toEqual(draw(twin, 10));
    // The child is itself deterministic, and unlike its parent.
    expect(draw(new Prng(11).fork(), 10)).toEqual(draw(twinChild, 10));
    expect(draw(new Prng(11).fork(), 10)).not.toEqual(draw(new Prng(11), 10));
  });

  it('forks distinct children in turn', () => {
    const parent = new Prng(3);
    const a = parent.fork();
    const b = parent.fork();
    expect(draw(a, 8)).not.toEqual(draw(b, 8));
  });
});
