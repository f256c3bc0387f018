import type { ApiCall } from '../../src/core/api-operations.js';
import type { Prng } from '../../sim/prng.js';

/** Value sizes a SET draws from, smallest most often: the arena's small values, and large ones kept apart. */
const VALUE_BYTES = [16, 100, 1_000, 10_000] as const;
const VALUE_WEIGHTS = [40, 40, 15, 5] as const;
/** Short enough that thousands of keys expire during a run, and the primary deletes them. */
export const TTL_S_MAX = 3;
const TAG_NAMES = ['hot', 'cold', 'archived', 'pinned'] as const;

/** The share of each call in the mix, out of 100. */
const MIX = { set: 62, setWithTtl: 8, delete: 12, setTtl: 10, setTags: 8 } as const;

/**
 * A long run's calls: a bounded keyspace overwritten, deleted, expired and retagged over and over,
 * so that everything a node keeps per key (its entry, its value's bytes, its expiry, its tags) is
 * made and dropped many times over. Memory that grows with the calls rather than with the keys is
 * a leak.
 */
export class SoakWorkload {
  private readonly values: readonly Uint8Array[];

  constructor(
    private readonly prng: Prng,
    private readonly keys: number,
  ) {
    this.values = VALUE_BYTES.map((bytes) => Uint8Array.from({ length: bytes }, (_, index) => index % 251));
  }

  next(): ApiCall {
    const path = `soak/${this.prng.below(this.keys)}`;
    const roll = this.prng.below(100);
    if (roll < MIX.set) return { method: 'writeWithReplication', relativePath: path, data: this.value() };
    if (roll < MIX.set + MIX.setWithTtl) return { method: 'writeWithReplication', relativePath: path, data: this.value(), ttl: this.ttlS() };
    if (roll < MIX.set + MIX.setWithTtl + MIX.delete) return { method: 'deleteWithReplication', relativePath: path };
    if (roll < 100 - MIX.setTags) return { method: 'setTtl', path, ttl: this.prng.below(2) === 0 ? null : this.ttlS() };
    return { method: 'setTags', path, tags: TAG_NAMES.filter(() => this.prng.below(2) === 0) };
  }

  private value(): Uint8Array {
    let roll = this.prng.below(100);
    for (let index = 0; index < VALUE_WEIGHTS.length; index += 1) {
      roll -= VALUE_WEIGHTS[index]!;
      if (roll < 0) return this.values[index]!;
    }
    return this.values[0]!;
  }

  private ttlS(): number {
    return 0.5 + this.prng.nextFloat() * (TTL_S_MAX - 0.5);
  }
}
