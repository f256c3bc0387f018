import { describe, expect, it } from 'vitest';
import { Prng } from '../../../sim/prng.js';
import { SoakWorkload } from '../../../scripts/soak/workload.js';

const DRAWS = 20_000;

function draw(seed: number, keys: number): ReturnType<SoakWorkload['next']>[] {
  const workload = new SoakWorkload(new Prng(seed), keys);
  return Array.from({ length: DRAWS }, () => workload.next());
}

describe('the soak workload', () => {
  it('is the same for the same seed, and another for another', () => {
    // Values compared by their length: deep equality of 20,000 byte arrays took most of a minute.
    const shape = (seed: number): string => JSON.stringify(draw(seed, 100), (key, value: unknown) => (value instanceof Uint8Array ? value.length : value));
    expect(shape(3)).toBe(shape(3));
    expect(shape(4)).not.toBe(shape(3));
  });

  it('stays within its keys, and mixes every call, expiries and large values included', () => {
    const calls = draw(5, 50);
    const paths = new Set(calls.map((call) => ('relativePath' in call ? call.relativePath : 'path' in call ? call.path : '')));
    expect(paths.size).toBe(50);
    const share = (test: (call: (typeof calls)[number]) => boolean): number => calls.filter(test).length / DRAWS;
    expect(share((call) => call.method === 'writeWithReplication' && call.ttl === undefined)).toBeCloseTo(0.62, 1);
    expect(share((call) => call.method === 'writeWithReplication' && call.ttl !== undefined)).toBeCloseTo(0.08, 1);
    expect(share((call) => call.method === 'deleteWithReplication')).toBeCloseTo(0.12, 1);
    expect(share((call) => call.method === 'setTtl')).toBeCloseTo(0.1, 1);
    expect(share((call) => call.method === 'setTags')).toBeCloseTo(0.08, 1);
    const sizes = new Set(calls.flatMap((call) => (call.method === 'writeWithReplication' ? [call.data.length] : [])));
    expect([...sizes].sort((a, b) => a - b)).toEqual([16, 100, 1_000, 10_000]);
  });
});
