import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PathTable, pathHash, usePathHashSeed } from '../../../src/core/path-table.js';

type Command =
  | { readonly kind: 'put'; readonly key: string; readonly value: number }
  | { readonly kind: 'take'; readonly key: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'clear' }
  | { readonly kind: 'start' }
  | { readonly kind: 'step'; readonly iterator: number };

/**
 * Few keys, so puts hit, takes find, and tombstones pile up; many, so the index grows and compacts
 * (then rarely a clear, which would keep it small).
 */
function commandsOf(keys: fc.Arbitrary<string>, shape: { clearWeight: number; lengthMin: number; lengthMax: number }): fc.Arbitrary<Command[]> {
  return fc.array(
    fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('put' as const), key: keys, value: fc.integer() }), weight: 60 },
      { arbitrary: fc.record({ kind: fc.constant('take' as const), key: keys }), weight: 40 },
      { arbitrary: fc.record({ kind: fc.constant('get' as const), key: keys }), weight: 20 },
      { arbitrary: fc.constant({ kind: 'clear' as const }), weight: shape.clearWeight },
      { arbitrary: fc.constant({ kind: 'start' as const }), weight: 10 },
      { arbitrary: fc.record({ kind: fc.constant('step' as const), iterator: fc.nat(7) }), weight: 40 },
    ),
    { minLength: shape.lengthMin, maxLength: shape.lengthMax },
  );
}

const FEW = { clearWeight: 10, lengthMin: 0, lengthMax: 400 };
const MANY = { clearWeight: 1, lengthMin: 200, lengthMax: 1_500 };

/** Runs the commands on the table and on a Map, whose results (iterators' too, across changes) it must give. */
function agreesWithMap(commands: readonly Command[]): void {
  const table = new PathTable<number>();
  const model = new Map<string, number>();
  const iterators: { table: Iterator<[string, number]>; model: Iterator<[string, number]> }[] = [];
  for (const command of commands) {
    switch (command.kind) {
      case 'put': {
        const previous = model.get(command.key);
        model.set(command.key, command.value);
        expect(table.put(command.key, command.value)).toBe(previous);
        break;
      }
      case 'take': {
        const previous = model.get(command.key);
        model.delete(command.key);
        expect(table.take(command.key)).toBe(previous);
        break;
      }
      case 'get':
        expect(table.get(command.key)).toBe(model.get(command.key));
        break;
      case 'clear':
        model.clear();
        table.clear();
        break;
      case 'start':
        iterators.push({ table: table[Symbol.iterator](), model: model[Symbol.iterator]() });
        break;
      case 'step': {
        const iterator = iterators[command.iterator % Math.max(1, iterators.length)];
        if (iterator !== undefined) expect(iterator.table.next()).toEqual(iterator.model.next());
        break;
      }
    }
    expect(table.size).toBe(model.size);
  }
  expect([...table]).toEqual([...model]);
  expect([...table.keys()]).toEqual([...model.keys()]);
  for (const iterator of iterators) expect(drain(iterator.table)).toEqual(drain(iterator.model));
}

function drain<T>(iterator: Iterator<T>): T[] {
  const rest: T[] = [];
  for (let next = iterator.next(); next.done !== true; next = iterator.next()) rest.push(next.value);
  return rest;
}

describe('PathTable', () => {
  afterEach(() => usePathHashSeed(0));

  it('gives what a Map gives, iterators walking through changes included, on few keys', () => {
    fc.assert(fc.property(commandsOf(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), FEW), agreesWithMap), { numRuns: 300 });
  });

  it('gives what a Map gives while the index grows, compacts and shrinks, on many keys', () => {
    fc.assert(fc.property(commandsOf(fc.nat(300).map((n) => `path:${n}`), MANY), agreesWithMap), { numRuns: 200 });
  });

  it('gives what a Map gives under any hash seed', () => {
    fc.assert(
      fc.property(fc.integer(), commandsOf(fc.nat(300).map((n) => `p${n}`), MANY), (seed, commands) => {
        usePathHashSeed(seed);
        agreesWithMap(commands);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps an iterator in place across compactions that move every entry it has yet to reach', () => {
    const table = new PathTable<number>();
    for (let index = 0; index < 1_000; index += 1) table.put(`k${index}`, index);
    const iterator = table.keys();
    for (let index = 0; index < 500; index += 1) expect(iterator.next().value).toBe(`k${index}`);
    // Removing the first 500 and adding 3,000 more rebuilds the index, closing the holes before the iterator's place.
    for (let index = 0; index < 500; index += 1) table.take(`k${index}`);
    for (let index = 1_000; index < 4_000; index += 1) table.put(`k${index}`, index);
    expect(drain(iterator)).toEqual(Array.from({ length: 3_500 }, (_, offset) => `k${offset + 500}`));
  });

  it('grows its index past three quarters full, to half full at most', () => {
    const table = new PathTable<number>();
    for (let index = 0; index < 12; index += 1) table.put(`k${index}`, index);
    expect(table.indexSlots).toBe(16);
    table.put('k12', 12);
    expect(table.indexSlots).toBe(32);
    for (let index = 13; index < 10_000; index += 1) table.put(`k${index}`, index);
    expect(table.indexSlots).toBe(16_384);
  });

  it('shrinks its index under an eighth full, closing the holes, and grows it again', () => {
    const table = new PathTable<number>();
    for (let index = 0; index < 10_000; index += 1) table.put(`k${index}`, index);
    table.take('k0');
    expect(table.indexSlots).toBe(16_384);
    expect(table.entriesHeld).toBe(10_000);
    // 2,048 left is an eighth of 16,384 slots: not under it yet.
    for (let index = 1; index < 10_000 - 2_048; index += 1) table.take(`k${index}`);
    expect(table.size).toBe(2_048);
    expect(table.indexSlots).toBe(16_384);
    table.take(`k${10_000 - 2_048}`);
    expect(table.indexSlots).toBe(4_096);
    expect(table.entriesHeld).toBe(2_047);
    for (let index = 10_000 - 2_047; index < 9_990; index += 1) table.take(`k${index}`);
    // Rebuilt at 511 left (1,024 slots), 127 (256) and 31 (64): the 21 holes since wait for the next.
    expect(table.indexSlots).toBe(64);
    expect(table.entriesHeld).toBe(31);
    expect([...table.keys()]).toEqual(Array.from({ length: 10 }, (_, offset) => `k${9_990 + offset}`));
    for (let index = 0; index < 10_000; index += 1) table.put(`n${index}`, index);
    expect(table.indexSlots).toBe(16_384);
    expect(table.size).toBe(10_010);
  });

  it('keeps two paths whose whole hashes are equal apart', () => {
    // Found by a birthday search under the default seed.
    expect(pathHash('p2039599', 0)).toBe(pathHash('p2222382', 0));
    const table = new PathTable<number>();
    table.put('p2039599', 1);
    expect(table.get('p2222382')).toBeUndefined();
    table.put('p2222382', 2);
    expect([table.get('p2039599'), table.get('p2222382'), table.size]).toEqual([1, 2, 2]);
    expect(table.take('p2039599')).toBe(1);
    expect(table.take('p2039599')).toBeUndefined();
    expect(table.get('p2222382')).toBe(2);
  });

  it('holds a hundred thousand paths, each found once', () => {
    const table = new PathTable<number>();
    const replaced = new Set<number | undefined>();
    for (let index = 0; index < 100_000; index += 1) replaced.add(table.put(`bench:key:${index}`, index));
    expect([...replaced]).toEqual([undefined]);
    expect(table.size).toBe(100_000);
    const found = Array.from({ length: 100_000 }, (_, index) => table.get(`bench:key:${index}`));
    expect(found).toEqual(Array.from({ length: 100_000 }, (_, index) => index));
    expect(table.get('bench:key:100000')).toBeUndefined();
  });

  it('hashes a path differently under another seed, and the same under the same', () => {
    const path = 'db/ns/some-key';
    expect(pathHash(path, 12_345)).not.toBe(pathHash(path, 0));
    expect(pathHash(path, 12_345)).toBe(pathHash(path, 12_345));
  });

  it('finds the paths of a table made before a new seed was installed', () => {
    const before = new PathTable<number>();
    for (let index = 0; index < 1_000; index += 1) before.put(`k${index}`, index);
    usePathHashSeed(98_765);
    const after = new PathTable<number>();
    after.put('k1', 1);
    expect([before.get('k500'), before.get('k999'), after.get('k1')]).toEqual([500, 999, 1]);
    expect(before.take('k0')).toBe(0);
  });
});
