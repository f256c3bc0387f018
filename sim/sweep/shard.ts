/** The K-th (from 1) of N disjoint slices of a sweep's seed range. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

/** The first seed (as an offset into the range) and the number of seeds one range's slice holds. */
export interface SeedSlice {
  readonly offset: number;
  readonly count: number;
}

export const WHOLE_RANGE: Shard = { index: 1, total: 1 };

/**
 * Shard K of N takes the seeds from ⌊count·(K−1)/N⌋ to ⌊count·K/N⌋ of the range: consecutive, so that
 * a failing seed's shard is obvious; disjoint, and together exactly the range, so that merged shards
 * are the whole sweep; within one seed of the same size, so that no shard holds the rest back.
 */
export function shardSlice(count: number, shard: Shard): SeedSlice {
  assertShard(shard);
  if (!(Number.isInteger(count) && count >= shard.total)) throw new RangeError(`${count} seeds cannot fill ${shard.total} shards`);
  const start = Math.floor((count * (shard.index - 1)) / shard.total);
  const end = Math.floor((count * shard.index) / shard.total);
  return { offset: start, count: end - start };
}

export function assertShard(shard: Shard): void {
  const valid = Number.isInteger(shard.index) && Number.isInteger(shard.total) && shard.index >= 1 && shard.index <= shard.total;
  if (!valid) throw new RangeError(`shard ${shard.index}/${shard.total} is not one of 1/N to N/N`);
}
