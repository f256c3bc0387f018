import type { SoakSample } from './run.js';

export interface Growth {
  /** Medians of the first and last thirds of the samples after warm-up. */
  readonly firstMiB: number;
  readonly lastMiB: number;
  /** Least-squares slope over the samples after warm-up. */
  readonly slopeMiBPerMillionCalls: number;
}

/** The first quarter of the samples is warm-up: the keyspace fills, the compiler settles. */
const WARM_UP_SHARE = 0.25;
const SAMPLES_MIN = 6;

/** How a figure moved with the calls once warm: a leak is a steady slope, a bounded keyspace none. Null with too few samples. */
export function growthOf(samples: readonly SoakSample[], pick: (sample: SoakSample) => number): Growth | null {
  const warm = samples.slice(Math.floor(samples.length * WARM_UP_SHARE));
  if (warm.length < SAMPLES_MIN) return null;
  const third = Math.floor(warm.length / 3);
  return {
    firstMiB: median(warm.slice(0, third).map(pick)),
    lastMiB: median(warm.slice(-third).map(pick)),
    slopeMiBPerMillionCalls: slope(warm.map((sample) => sample.calls / 1e6), warm.map(pick)),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function slope(xs: readonly number[], ys: readonly number[]): number {
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < xs.length; index += 1) {
    numerator += (xs[index]! - meanX) * (ys[index]! - meanY);
    denominator += (xs[index]! - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}
