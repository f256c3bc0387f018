import { assert } from './assert.js';
import { codeUnitAt } from './string-methods.js';

/**
 * A map from path to value for the keyspace, in place of a `Map`: an open-addressing index of
 * (hash, entry) pairs in one Int32Array over entries kept in arrays in insertion order.
 *
 * Why not `Map`: a keyspace of hundreds of thousands of paths spent 15% of a primary's busy time
 * and 25% of a secondary's in `Map` get and set during a burst of new paths (`npm run bench`,
 * README "The keyspace's own table"), and this table
 * takes one lookup per write where `Map` took two (the previous value, then the set). A probe reads
 * pairs side by side, and a key is compared only when its whole hash matched.
 *
 * Iteration is `Map`'s: insertion order, an entry removed before it is reached is not reached,
 * one added meanwhile is. Removal leaves a hole; when the index is rebuilt the holes are closed, in
 * a new layout, and the old layout points to the new one with the position of each old entry in
 * it, so an iterator that started in the old layout carries on from the same place.
 */
export class PathTable<V> {
  /** The seed when the table was made: a seed installed later must not move the paths it holds. */
  private readonly seed = hashSeed;
  private slots = new Int32Array(SLOTS_MIN * SLOT_WIDTH);
  private mask = SLOTS_MIN - 1;
  private layout = new Layout<V>();
  private live = 0;
  /** Slots holding an entry or a tombstone: what makes probes long. */
  private occupied = 0;

  get size(): number {
    return this.live;
  }

  /** Slots in the index: what it costs (8 bytes each) beside the entries. */
  get indexSlots(): number {
    return this.mask + 1;
  }

  /** Places in the entry arrays: the live entries and the holes of removed ones not yet closed. */
  get entriesHeld(): number {
    return this.layout.keys.length;
  }

  get(key: string): V | undefined {
    const index = this.find(key, pathHash(key, this.seed));
    return index < 0 ? undefined : this.layout.values[index];
  }

  /** Sets the key's value and returns the one it replaces: one lookup where `Map` needs two. */
  put(key: string, value: V): V | undefined {
    const hash = pathHash(key, this.seed);
    const index = this.find(key, hash);
    if (index >= 0) {
      const previous = this.layout.values[index];
      this.layout.values[index] = value;
      return previous;
    }
    this.add(key, value, hash);
    return undefined;
  }

  /** Removes the key and returns its value. */
  take(key: string): V | undefined {
    const hash = pathHash(key, this.seed);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot * SLOT_WIDTH + 1] as number;
      if (entry === EMPTY) return undefined;
      if (entry > 0 && this.slots[slot * SLOT_WIDTH] === hash && this.layout.keys[entry - 1] === key) {
        this.slots[slot * SLOT_WIDTH + 1] = TOMBSTONE;
        this.live -= 1;
        const value = this.layout.remove(entry - 1);
        // A table that emptied (a FLUSH) lets go of its index and its holes, as a Map shrinks.
        if (this.live * SHRINK_DIVISOR < this.mask + 1 && this.mask + 1 > SLOTS_MIN) this.rebuild();
        return value;
      }
    }
  }

  clear(): void {
    const next = new Layout<V>();
    this.layout.forwardAll(next);
    this.layout = next;
    this.slots = new Int32Array(SLOTS_MIN * SLOT_WIDTH);
    this.mask = SLOTS_MIN - 1;
    this.live = 0;
    this.occupied = 0;
  }

  *keys(): IterableIterator<string> {
    for (const index of this.positions()) yield index.layout.keys[index.at] as string;
  }

  *[Symbol.iterator](): IterableIterator<[string, V]> {
    for (const index of this.positions()) yield [index.layout.keys[index.at] as string, index.layout.values[index.at] as V];
  }

  /** Each live entry's place, looked up afresh after every step, so changes between steps are seen. */
  private *positions(): IterableIterator<{ layout: Layout<V>; at: number }> {
    const cursor = { layout: this.layout, at: 0 };
    for (;;) {
      Layout.forwarded(cursor);
      const keys = cursor.layout.keys;
      while (cursor.at < keys.length && keys[cursor.at] === undefined) cursor.at += 1;
      if (cursor.at >= keys.length) return;
      yield cursor;
      cursor.at += 1;
    }
  }

  private find(key: string, hash: number): number {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot * SLOT_WIDTH + 1] as number;
      if (entry === EMPTY) return -1;
      if (entry > 0 && this.slots[slot * SLOT_WIDTH] === hash && this.layout.keys[entry - 1] === key) return entry - 1;
    }
  }

  private add(key: string, value: V, hash: number): void {
    const index = this.layout.append(key, value);
    if (this.place(hash, index + 1)) this.occupied += 1;
    this.live += 1;
    if (this.occupied * LOAD_MAX_DENOMINATOR > (this.mask + 1) * LOAD_MAX_NUMERATOR) this.rebuild();
  }

  /** Puts the pair in the first free slot of its run; true when that slot held no tombstone. */
  private place(hash: number, entry: number): boolean {
    let slot = hash & this.mask;
    while ((this.slots[slot * SLOT_WIDTH + 1] as number) > 0) slot = (slot + 1) & this.mask;
    const fresh = this.slots[slot * SLOT_WIDTH + 1] === EMPTY;
    this.slots[slot * SLOT_WIDTH] = hash;
    this.slots[slot * SLOT_WIDTH + 1] = entry;
    return fresh;
  }

  /**
   * A new index sized for the live entries, over a layout without holes. At least a quarter of its
   * slots are free for adds before the next rebuild, so a rebuild costs O(1) per add, amortised.
   */
  private rebuild(): void {
    const old = this.slots;
    let capacity = SLOTS_MIN;
    while (capacity < this.live * SPARE_FACTOR) capacity *= 2;
    const { layout, moved } = this.layout.compacted();
    this.layout = layout;
    this.slots = new Int32Array(capacity * SLOT_WIDTH);
    this.mask = capacity - 1;
    this.occupied = 0;
    for (let slot = 0; slot < old.length; slot += SLOT_WIDTH) {
      const entry = old[slot + 1] as number;
      if (entry <= 0) continue;
      this.place(old[slot] as number, (moved === null ? entry - 1 : (moved[entry - 1] as number)) + 1);
      this.occupied += 1;
    }
    assert(this.occupied === this.live, 'a rebuilt index holds exactly the live entries');
  }
}

/**
 * The entries in insertion order; a removed one leaves a hole (undefined key) until the next
 * compaction. A compacted layout is retired: `next` is its successor and `moved` says where each
 * of its positions went, for the iterators still walking it.
 */
class Layout<V> {
  readonly keys: (string | undefined)[] = [];
  readonly values: (V | undefined)[] = [];
  private holes = 0;
  private next: Layout<V> | null = null;
  /** For each position here, the position of the first entry at or after it in `next`. */
  private moved: Int32Array | null = null;

  append(key: string, value: V): number {
    assert(this.next === null, 'only the current layout takes entries');
    this.keys.push(key);
    this.values.push(value);
    return this.keys.length - 1;
  }

  remove(index: number): V | undefined {
    const value = this.values[index];
    this.keys[index] = undefined;
    this.values[index] = undefined;
    this.holes += 1;
    return value;
  }

  /** This layout without holes; `moved` maps this one's positions to the new one's (null when none moved). */
  compacted(): { layout: Layout<V>; moved: Int32Array | null } {
    if (this.holes === 0) return { layout: this, moved: null };
    const layout = new Layout<V>();
    const moved = new Int32Array(this.keys.length + 1);
    for (let index = 0; index < this.keys.length; index += 1) {
      moved[index] = layout.keys.length;
      const key = this.keys[index];
      if (key !== undefined) layout.append(key, this.values[index] as V);
    }
    moved[this.keys.length] = layout.keys.length;
    this.retire(layout, moved);
    return { layout, moved };
  }

  /** After a clear: every position here goes on at the start of the new layout. */
  forwardAll(next: Layout<V>): void {
    this.retire(next, new Int32Array(this.keys.length + 1));
  }

  /** The layout that position `at` of this one is in now, and where: following every compaction since. */
  static forwarded<V>(from: { layout: Layout<V>; at: number }): void {
    for (let layout = from.layout; layout.next !== null && layout.moved !== null; layout = layout.next) {
      from.at = layout.moved[Math.min(from.at, layout.moved.length - 1)] as number;
      from.layout = layout.next;
    }
  }

  private retire(next: Layout<V>, moved: Int32Array): void {
    this.next = next;
    this.moved = moved;
  }
}

/** Pairs of Int32: the path's hash, then 1 + its entry's index, 0 when empty, -1 for a tombstone. */
const SLOT_WIDTH = 2;
const EMPTY = 0;
const TOMBSTONE = -1;
const SLOTS_MIN = 16;
/**
 * The index is rebuilt when more than three quarters of its slots are taken (tombstones too), with
 * at least SPARE_FACTOR slots per live entry: half full at most, so it doubles as it grows. Linear
 * probing over pairs side by side stays short at that load; a sparser index was slower, not faster,
 * at 1,550,000 paths (more of it out of cache) and took twice the memory.
 */
const LOAD_MAX_NUMERATOR = 3;
const LOAD_MAX_DENOMINATOR = 4;
const SPARE_FACTOR = 2;
/** An index under an eighth full is rebuilt smaller (to half full at most, so a shrink costs O(1) per removal, amortised). */
const SHRINK_DIVISOR = 8;

let hashSeed = 0;

/**
 * Seeds the path hash of the tables made from now on (the runtime installs a random seed,
 * src/storage/path-hash-seed.ts), so that a writer cannot choose paths that all probe one run of
 * the index. The simulator keeps the fixed default: nothing it observes depends on the hash, only
 * how long a probe takes.
 */
export function usePathHashSeed(seed: number): void {
  assert(Number.isSafeInteger(seed), 'a path hash seed is an integer');
  hashSeed = seed | 0;
}

/** FNV-1a over UTF-16 code units from a seeded basis, then murmur3's finaliser so low bits mix. */
export function pathHash(path: string, seed: number): number {
  let hash = (FNV_BASIS ^ seed) | 0;
  for (let index = 0; index < path.length; index += 1) hash = Math.imul(hash ^ codeUnitAt(path, index), FNV_PRIME);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
