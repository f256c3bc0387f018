import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARENA_CHUNK_BYTES_MAX, ARENA_CHUNK_BYTES_MIN, ARENA_VALUE_BYTES_MAX, COMPACT_VALUE_BYTES_MAX } from '../../../src/core/limits.js';
import { ValueArena } from '../../../src/core/value-arena.js';

/** What a keyspace does with its arena: a location per path, the old one released, sparse chunks relocated. */
class Owner {
  readonly locations = new Map<string, number>();

  constructor(readonly arena = new ValueArena()) {}

  put(path: string, value: Uint8Array): void {
    const previous = this.locations.get(path);
    this.locations.set(path, this.arena.store(path, value));
    this.settle(path, previous);
  }

  remove(path: string): void {
    const previous = this.locations.get(path);
    this.locations.delete(path);
    this.settle(path, previous);
  }

  private settle(path: string, previous: number | undefined): void {
    if (previous !== undefined) this.arena.release(path, previous);
    for (let slot = this.arena.takeSparse(); slot !== null; slot = this.arena.takeSparse()) {
      this.arena.relocate(slot, (path, location) => this.locations.get(path) === location, (path, location) => this.locations.set(path, location));
    }
  }
}

function patterned(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index + length) % 251);
}

const step = fc.record({
  path: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  remove: fc.boolean(),
  value: fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: COMPACT_VALUE_BYTES_MAX }).map(patterned), weight: 4 },
    // Values a chunk holds few of, up to the largest: relocation and chunk sizing with them.
    { arbitrary: fc.integer({ min: COMPACT_VALUE_BYTES_MAX, max: ARENA_VALUE_BYTES_MAX }).map(patterned), weight: 1 },
  ),
});

function run(side: { owner: Owner; model: Map<string, Uint8Array> }, steps: readonly { path: string; remove: boolean; value: Uint8Array }[]): void {
  for (const { path, remove, value } of steps) {
    if (remove) {
      side.owner.remove(path);
      side.model.delete(path);
    } else {
      side.owner.put(path, value);
      side.model.set(path, value);
    }
  }
}

describe('ValueArena', () => {
  it('gives back each value stored, bytes and length, for any writes, overwrites and deletes, in chunks of at most three times the live bytes', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
      const owner = new Owner();
      const model = new Map<string, Uint8Array>();
      let peakLiveBytes = 0;
      let liveBytes = 0;
      for (const { path, remove, value } of steps) {
        // While a value is stored, the one it replaces is still live: a new chunk counts both.
        if (!remove) peakLiveBytes = Math.max(peakLiveBytes, liveBytes + 2 + value.length + path.length);
        if (remove) {
          owner.remove(path);
          model.delete(path);
        } else {
          owner.put(path, value);
          model.set(path, value);
        }
        for (const [each, expected] of model) expect(Buffer.compare(owner.arena.load(owner.locations.get(each) ?? -1), expected), each).toBe(0);
        liveBytes = [...model].reduce((total, [each, value]) => total + 2 + value.length + each.length, 0);
        expect(owner.arena.liveFootprint).toBe(liveBytes);
        // Every chunk but the newest is at least half live; the newest is no larger than the live bytes
        // were when it was made (the value it was made for counted, and any it replaced).
        expect(owner.arena.chunkBytes).toBeLessThanOrEqual(3 * liveBytes + Math.max(ARENA_CHUNK_BYTES_MIN, Math.min(peakLiveBytes, ARENA_CHUNK_BYTES_MAX)));
      }
    }), { numRuns: 300 });
  });

  it('keeps a churned keyspace in chunks of about its size, with locations that stay small integers', () => {
    const owner = new Owner();
    const value = new Uint8Array(100).fill(7);
    for (let round = 0; round < 20_000; round += 1) owner.put(`p${round % 10}`, value);
    expect(owner.arena.chunkBytes).toBeLessThanOrEqual(3 * owner.arena.liveFootprint + ARENA_CHUNK_BYTES_MIN);
    for (const location of owner.locations.values()) expect(location).toBeLessThan(16 * ARENA_CHUNK_BYTES_MAX);
    for (let path = 0; path < 5_000; path += 1) owner.put(`many/${path}`, value);
    expect(owner.arena.chunkBytes).toBeLessThanOrEqual(2 * owner.arena.liveFootprint + ARENA_CHUNK_BYTES_MAX);
  });

  it('relocates a chunk once less than half of it is live, and one the writes that sealed it left sparse', () => {
    const value = new Uint8Array(97).fill(3); // 102 bytes of footprint with its length and a path of 3: 40 fill the first chunk
    const key = (index: number): string => `k${String(index).padStart(2, '0')}`;
    const owner = new Owner();
    for (let index = 0; index <= 40; index += 1) owner.put(key(index), value);
    expect(owner.arena.chunkBytes).toBe(2 * ARENA_CHUNK_BYTES_MIN);
    for (let index = 0; index < 19; index += 1) owner.remove(key(index));
    expect(owner.arena.chunkBytes).toBe(2 * ARENA_CHUNK_BYTES_MIN); // 21 of 40 live: more than half
    owner.remove(key(19));
    expect(owner.arena.chunkBytes).toBe(ARENA_CHUNK_BYTES_MIN);
    for (let index = 20; index <= 40; index += 1) expect(owner.arena.load(owner.locations.get(key(index)) ?? -1)).toEqual(value);

    const sealed = new Owner();
    sealed.put('kep', value);
    for (let round = 0; round < 39; round += 1) sealed.put('xxx', value); // each replaced in the newest chunk: no release elsewhere
    sealed.put('yyy', value); // a new path seals the first chunk, two of its 40 values live
    expect(sealed.arena.chunkBytes).toBe(ARENA_CHUNK_BYTES_MIN);
    for (const path of ['kep', 'xxx', 'yyy']) expect(sealed.arena.load(sealed.locations.get(path) ?? -1)).toEqual(value);
  });

  it('counts each path against its chunk, so that the paths of deleted values cannot pile up in it', () => {
    const owner = new Owner();
    for (let index = 0; index < 300; index += 1) owner.put(`big/${index}`, new Uint8Array(1_000));
    for (let index = 0; index < 10_000; index += 1) {
      const path = `${'long/'.repeat(800)}${index}`;
      owner.put(path, new Uint8Array(0));
      owner.remove(path);
    }
    // Counted by value bytes alone, the newest chunk would have kept all 10,000 of these 4 KB paths.
    expect(owner.arena.pathsHeld).toBeLessThan(300 + 2 * (ARENA_CHUNK_BYTES_MAX / 4_000));
    expect(owner.arena.chunkBytes).toBeLessThanOrEqual(3 * owner.arena.liveFootprint + ARENA_CHUNK_BYTES_MIN);
    expect(owner.arena.liveFootprint).toBe(300 * 1_002 + [...owner.locations.keys()].reduce((total, path) => total + path.length, 0));
  });

  it('hands out copies, and a clone that changes apart from it', () => {
    const owner = new Owner();
    owner.put('p', Uint8Array.of(1, 2, 3));
    owner.arena.load(owner.locations.get('p') ?? -1)[0] = 9;
    expect([...owner.arena.load(owner.locations.get('p') ?? -1)]).toEqual([1, 2, 3]);
    const copy = new Owner(owner.arena.clone());
    for (const [path, location] of owner.locations) copy.locations.set(path, location);
    // Each appends where the other would: sharing a chunk, the second write would land on the first.
    copy.put('q', Uint8Array.of(4));
    owner.put('r', Uint8Array.of(5));
    for (let round = 0; round < 200; round += 1) owner.put('p', Uint8Array.of(round));
    expect([...copy.arena.load(copy.locations.get('q') ?? -1)]).toEqual([4]);
    expect([...copy.arena.load(copy.locations.get('p') ?? -1)]).toEqual([1, 2, 3]);
    expect([...owner.arena.load(owner.locations.get('r') ?? -1)]).toEqual([5]);
    expect([...owner.arena.load(owner.locations.get('p') ?? -1)]).toEqual([199]);
  });

  it('keeps a clone apart from its original through chunks sealed, relocated and reused on both sides', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 200 }), fc.array(step, { maxLength: 200 }), fc.array(step, { maxLength: 200 }), (before, afterOriginal, afterClone) => {
      const original = { owner: new Owner(), model: new Map<string, Uint8Array>() };
      run(original, before);
      const copy = { owner: new Owner(original.owner.arena.clone()), model: new Map(original.model) };
      for (const [path, location] of original.owner.locations) copy.owner.locations.set(path, location);
      for (const [each, expected] of copy.model) expect(copy.owner.arena.load(copy.owner.locations.get(each) ?? -1)).toEqual(expected);
      run(original, afterOriginal);
      run(copy, afterClone);
      for (const { owner, model } of [original, copy]) {
        for (const [each, expected] of model) expect(Buffer.compare(owner.arena.load(owner.locations.get(each) ?? -1), expected), each).toBe(0);
      }
    }), { numRuns: 200 });
  });

  it('clones a sealed chunk fuller than the newest, and while a relocated chunk\'s slot is free', () => {
    const owner = new Owner();
    const value = new Uint8Array(1_000).fill(7);
    for (let index = 0; index < 5; index += 1) owner.put(`p${index}`, value);
    function clonedHolds(paths: string[]): void {
      const copy = new Owner(owner.arena.clone());
      for (const [path, location] of owner.locations) copy.locations.set(path, location);
      for (const path of paths) expect(copy.arena.load(copy.locations.get(path) ?? -1)).toEqual(value);
    }
    // The first chunk holds four, the newest one: cut at the newest's length, the copy would lose three.
    clonedHolds(['p0', 'p1', 'p2', 'p3', 'p4']);
    // Three gone leave the first chunk sparse: p3 moves to the newest, and the first chunk's slot is free.
    for (const path of ['p0', 'p1', 'p2']) owner.remove(path);
    clonedHolds(['p3', 'p4']);
  });

  it('counts the paths its chunks hold for a relocation', () => {
    const owner = new Owner();
    for (const path of ['a', 'b', 'c']) owner.put(path, Uint8Array.of(1));
    owner.remove('b');
    expect(owner.arena.pathsHeld).toBe(3);
  });

  it('refuses a value too large for it', () => {
    expect(() => new ValueArena().store('p', new Uint8Array(ARENA_VALUE_BYTES_MAX + 1))).toThrow('only values up to ARENA_VALUE_BYTES_MAX go in the arena');
  });
});
