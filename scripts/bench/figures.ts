/** The value at quantile q (0 to 1) of `values`, by the nearest-rank method; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}

function sortedQuantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export interface LagFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: number;
}

/**
 * Sorted once: our primary computes its lags inside the burst's CPU window, where sorting 200,000
 * of them for each figure was about 2% of the primary's samples.
 */
export function lagFigures(lagsMs: readonly number[]): LagFigures {
  const sorted = Float64Array.from(lagsMs).sort();
  return { p50Ms: sortedQuantile(sorted, 0.5), p99Ms: sortedQuantile(sorted, 0.99), maxMs: sortedQuantile(sorted, 1), samples: lagsMs.length };
}

/** Wall-clock milliseconds shared by the processes of one machine: the bench's processes compare them. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
