import { UsageError } from './usage.js';

const SEED_MAX = 0xffff_ffff;

/**
 * A seed from the command line: a decimal number below 2^32, or a git commit hash, so that CI can
 * pass `--from $(git rev-parse HEAD)` for runs that are random yet reproducible. A hash counts when
 * it has 7 to 64 hex digits and is not all decimal digits (a full 40- or 64-digit hash always
 * counts); its seed is its first 8 hex digits.
 */
export function parseSeed(text: string): number {
  const isDecimal = /^\d{1,10}$/.test(text);
  if (isDecimal && Number(text) <= SEED_MAX) return Number(text);
  if (!isDecimal && /^[0-9a-f]{7,64}$/i.test(text)) return parseInt(text.slice(0, 8), 16);
  throw new UsageError(`'${text}' is neither a seed below 2^32 nor a commit hash`);
}

/** `count` consecutive seeds from `from`, wrapping past 2^32 - 1 so that any hash can start a sweep. */
export function seedRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (from + i) % (SEED_MAX + 1));
}
