import { assert } from './assert.js';
import { ARENA_CHUNK_BYTES_MAX, ARENA_CHUNK_BYTES_MIN, ARENA_VALUE_BYTES_MAX } from './limits.js';

/** Each value's length before its bytes, two bytes little-endian: a value here is at most ARENA_VALUE_BYTES_MAX. */
const LENGTH_BYTES = 2;

/**
 * What a value takes of its chunk: its bytes, and its path's length, which the chunk's list of
 * paths keeps alive until the chunk is relocated: counted, a chunk holds few values with long
 * paths, so that the paths of values deleted from it cannot outgrow it.
 */
function footprintOf(path: string, valueBytes: number): number {
  return LENGTH_BYTES + valueBytes + path.length;
}

/**
 * A keyspace's small values as bytes in chunks outside the heap, each named by a number (its
 * chunk's slot times ARENA_CHUNK_BYTES_MAX, plus its offset) that the keyspace's Map holds where it
 * held a one-byte string. A string per value lived as long as its entry, so the young generation's
 * collector copied it twice, in the primary's keyspace and in each secondary's; a number costs it
 * nothing.
 *
 * Values are appended; one replaced or deleted leaves its bytes dead in its chunk. A chunk other
 * than the newest whose live footprint falls below half of it is sparse: the keyspace has what is
 * still live in it moved to the newest chunk (relocate) and its slot is reused, so the chunks hold
 * at most about twice the live footprint, plus the newest, and a location stays a small integer. A
 * new chunk is as large as the live footprint, between ARENA_CHUNK_BYTES_MIN and
 * ARENA_CHUNK_BYTES_MAX, so a small keyspace stays small.
 */
export class ValueArena {
  private readonly chunks: (Uint8Array | undefined)[] = [];
  private readonly liveBytes: number[] = [];
  /** Per chunk, the path of each value written in it, in order: a relocation asks which are still their entries'. */
  private readonly paths: string[][] = [];
  private readonly freeSlots: number[] = [];
  private readonly sparse: number[] = [];
  private newest = -1;
  /** Where the newest chunk's next value goes, and how much of it is taken (footprints). */
  private used = 0;
  private filled = 0;
  private live = 0;

  /** The footprints of the values entries hold: their bytes, lengths and paths. */
  get liveFootprint(): number {
    return this.live;
  }

  /** Paths the chunks keep for a relocation, their values live or dead. */
  get pathsHeld(): number {
    return this.paths.reduce((total, paths) => total + paths.length, 0);
  }

  /** Bytes held in chunks, live or dead. */
  get chunkBytes(): number {
    return this.chunks.reduce((total, chunk) => total + (chunk?.length ?? 0), 0);
  }

  store(path: string, value: Uint8Array): number {
    assert(value.length <= ARENA_VALUE_BYTES_MAX, 'only values up to ARENA_VALUE_BYTES_MAX go in the arena');
    const footprint = footprintOf(path, value.length);
    const chunk = this.roomFor(footprint);
    const offset = this.used;
    chunk[offset] = value.length & 0xff;
    chunk[offset + 1] = value.length >>> 8;
    chunk.set(value, offset + LENGTH_BYTES);
    this.used += LENGTH_BYTES + value.length;
    this.filled += footprint;
    this.live += footprint;
    this.liveBytes[this.newest] = (this.liveBytes[this.newest] ?? 0) + footprint;
    this.paths[this.newest]?.push(path);
    return this.newest * ARENA_CHUNK_BYTES_MAX + offset;
  }

  /** A copy of the value's bytes. */
  load(location: number): Uint8Array {
    return this.view(location).slice();
  }

  /** The value's bytes in their chunk: for a reader that only looks at them, at once (a later store or relocation may reuse them). */
  peek(location: number): Uint8Array {
    return this.view(location);
  }

  /** The value of `path` at `location` is no entry's any more. */
  release(path: string, location: number): void {
    const slot = slotOf(location);
    this.forget(slot, footprintOf(path, this.view(location).length));
    if (slot !== this.newest) this.noteIfSparse(slot);
  }

  /** A sparse chunk to relocate, or null. */
  takeSparse(): number | null {
    return this.sparse.pop() ?? null;
  }

  /**
   * Moves each value of a sparse chunk that an entry still names (`named`) to the newest chunk,
   * telling `moved` its new location, then frees the chunk's slot.
   */
  relocate(slot: number, named: (path: string, location: number) => boolean, moved: (path: string, location: number) => void): void {
    const chunk = this.chunks[slot];
    assert(slot !== this.newest && chunk !== undefined, 'only a chunk other than the newest is relocated');
    let offset = 0;
    for (const path of this.paths[slot] ?? []) {
      const location = slot * ARENA_CHUNK_BYTES_MAX + offset;
      const value = this.view(location);
      offset += LENGTH_BYTES + value.length;
      if (!named(path, location)) continue;
      moved(path, this.store(path, value));
      this.forget(slot, footprintOf(path, value.length));
    }
    assert(this.liveBytes[slot] === 0, 'a relocated chunk still holds live values');
    this.chunks[slot] = undefined;
    this.paths[slot] = [];
    this.freeSlots.push(slot);
  }

  /** An independent copy, at the same locations. */
  clone(): ValueArena {
    const copy = new ValueArena();
    this.chunks.forEach((chunk, slot) => copy.chunks.push(slot === this.newest ? chunk?.slice(0, this.used) : chunk?.slice()));
    copy.liveBytes.push(...this.liveBytes);
    for (const paths of this.paths) copy.paths.push([...paths]);
    copy.freeSlots.push(...this.freeSlots);
    copy.sparse.push(...this.sparse);
    copy.newest = this.newest;
    copy.used = this.used;
    copy.filled = this.filled;
    copy.live = this.live;
    return copy;
  }

  private view(location: number): Uint8Array {
    const slot = slotOf(location);
    const chunk = this.chunks[slot];
    assert(chunk !== undefined, 'arena location in no chunk');
    const offset = location - slot * ARENA_CHUNK_BYTES_MAX;
    const length = chunk[offset]! | (chunk[offset + 1]! << 8);
    return chunk.subarray(offset + LENGTH_BYTES, offset + LENGTH_BYTES + length);
  }

  private forget(slot: number, size: number): void {
    const left = (this.liveBytes[slot] ?? 0) - size;
    assert(left >= 0, 'arena released more than it held');
    this.liveBytes[slot] = left;
    this.live -= size;
  }

  /** A footprint above ARENA_CHUNK_BYTES_MAX (a path of more than 250,000 code units) gets a chunk of its own. */
  private roomFor(footprint: number): Uint8Array {
    const newest = this.chunks[this.newest];
    if (newest !== undefined && this.filled + footprint <= newest.length) return newest;
    const sealed = this.newest;
    this.newest = this.freeSlots.pop() ?? this.chunks.length;
    const chunk = new Uint8Array(Math.min(ARENA_CHUNK_BYTES_MAX, Math.max(ARENA_CHUNK_BYTES_MIN, this.live, footprint)));
    this.chunks[this.newest] = chunk;
    this.liveBytes[this.newest] = 0;
    this.paths[this.newest] = [];
    this.used = 0;
    this.filled = 0;
    // Values replaced while it was the newest may have left it sparse, with no release to notice.
    if (sealed >= 0) this.noteIfSparse(sealed);
    return chunk;
  }

  private noteIfSparse(slot: number): void {
    const chunk = this.chunks[slot];
    if (chunk === undefined || this.sparse.includes(slot)) return;
    if ((this.liveBytes[slot] ?? 0) * 2 < chunk.length) this.sparse.push(slot);
  }
}

function slotOf(location: number): number {
  return Math.floor(location / ARENA_CHUNK_BYTES_MAX);
}
