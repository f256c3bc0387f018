import { assert } from './assert.js';
import { randomBelow, type Random } from './random.js';

export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

/** Capped exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
export function backoffDelayMs(options: BackoffOptions, attempt: number, random: Random): number {
  assert(Number.isSafeInteger(attempt) && attempt >= 0, 'attempt must be a non-negative integer');
  // 2^31 overflows nothing and is far past any cap: stop doubling there.
  const ceilingMs = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 31));
  const delayMs = randomBelow(random, ceilingMs + 1);
  assert(delayMs >= 0 && delayMs <= options.capMs, 'backoff delay out of range');
  return delayMs;
}
