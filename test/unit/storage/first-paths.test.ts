import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodeUnits } from '../../../src/core/keyspace.js';
import { FirstPaths } from '../../../src/storage/first-paths.js';

function firstOf(paths: readonly string[], pathsMax: number): string[] {
  const first = new FirstPaths(pathsMax);
  for (const path of paths) first.offer(path);
  return first.paths();
}

describe('FirstPaths', () => {
  it('keeps the first pathsMax in code-unit order, each once, whatever order they come in', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 3 }), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (paths, pathsMax) => {
        expect(firstOf(paths, pathsMax)).toEqual([...new Set(paths)].sort(compareCodeUnits).slice(0, pathsMax));
      }),
    );
  });

  it('every path without a bound', () => {
    expect(firstOf(['b', 'a', '\uFB00', '\u{1F600}', 'a'], Infinity)).toEqual(['a', 'b', '\u{1F600}', '\uFB00']);
  });

  it('holds no more than twice pathsMax at a time', () => {
    const first = new FirstPaths(10);
    const held = (): number => (first as unknown as { held: string[] }).held.length;
    let most = 0;
    for (let index = 100_000; index > 0; index -= 1) {
      first.offer(String(index).padStart(6, '0'));
      most = Math.max(most, held());
    }
    expect(most).toBeLessThan(20);
    expect(first.paths()).toEqual(Array.from({ length: 10 }, (_, index) => String(index + 1).padStart(6, '0')));
  });
});
