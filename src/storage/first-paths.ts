import { assert } from '../core/assert.js';
import { compareCodeUnits } from '../core/keyspace.js';

/** A listing's `pathsMax`: every path when absent (the public `list()`), at most this many otherwise. */
export function checkPathsMax(pathsMax: number): number {
  assert(pathsMax === Infinity || (Number.isSafeInteger(pathsMax) && pathsMax > 0), `pathsMax must be a positive integer, got ${pathsMax}`);
  return pathsMax;
}

/**
 * The first `pathsMax` of paths offered in no order, in code-unit order, each once: a listing
 * from a store with no order of its own (a Map, a Redis set) holds at most twice what it
 * answers, whatever the store holds, and sorts no more than that at a time.
 */
export class FirstPaths {
  private held: string[] = [];
  /** The last path kept at the latest trim: a path not before it cannot be among the first. */
  private bound: string | undefined;

  constructor(private readonly pathsMax: number) {}

  offer(path: string): void {
    if (this.bound !== undefined && compareCodeUnits(path, this.bound) >= 0) return;
    this.held.push(path);
    if (this.held.length === 2 * this.pathsMax) {
      this.trim();
      if (this.held.length === this.pathsMax) this.bound = this.held.at(-1);
    }
  }

  paths(): string[] {
    this.trim();
    return this.held;
  }

  /** Sorted, each once (a Redis SSCAN may return a member twice), the first pathsMax only. */
  private trim(): void {
    const sorted = this.held.sort(compareCodeUnits);
    this.held = sorted.filter((path, index) => index === 0 || path !== sorted[index - 1]);
    if (this.held.length > this.pathsMax) this.held.length = this.pathsMax;
  }
}
