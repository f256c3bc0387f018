/**
 * Wire timestamps are float seconds, as in the original; frames hold integer milliseconds.
 * Up to 2^50 ms (year 37000 or so) ms / 1000 * 1000 is within 0.5 of ms, so rounding gives the
 * same millisecond back: the bound keeps decode(encode(frame)) exact.
 */
export const TIMESTAMP_MS_MAX = 2 ** 50;

export function timestampToWire(timestampMs: number): number {
  return timestampMs / 1000;
}

export function timestampFromWire(timestamp: number): number {
  // + 0 turns the -0 of a tiny negative into 0; negatives are refused before this anyway.
  return Math.round(timestamp * 1000) + 0;
}
