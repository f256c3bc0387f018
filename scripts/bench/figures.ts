/** The value at quantile q (0 to 1) of `values`, by the nearest-rank method; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
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

export function lagFigures(lagsMs: readonly number[]): LagFigures {
  return { p50Ms: quantile(lagsMs, 0.5), p99Ms: quantile(lagsMs, 0.99), maxMs: quantile(lagsMs, 1), samples: lagsMs.length };
}

/** Wall-clock milliseconds shared by the processes of one machine: the bench's processes compare them. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
