import type { GcPause } from './gc-pauses.js';

/** A steady write this late is slow: issue 9's target for the steady rate's p99. */
export const STEADY_SLOW_MS = 10;

/** A write whose lag was at least the slow threshold: when it was submitted, and when every secondary had acknowledged it. */
export interface SlowWrite {
  readonly submittedMs: number;
  readonly ackedMs: number;
}

/**
 * Where the slow writes of a steady phase got their lag: a write goes to a process's garbage
 * collector when that process's GC pauses cover at least half of its time in flight (the primary
 * first); what no collector covers is `other` (the event loop, a busy machine's scheduler, the
 * bench's own polling). The longest pause of each side is there to read beside it.
 */
export interface LagCauses {
  readonly slowMs: number;
  readonly slowWrites: number;
  readonly primaryGc: number;
  readonly secondaryGc: number;
  readonly other: number;
  readonly primaryPauseMaxMs: number;
  readonly secondaryPauseMaxMs: number;
}

/** Milliseconds of `pauses` within the write's time in flight. */
function pausedMs(write: SlowWrite, pauses: readonly GcPause[]): number {
  let total = 0;
  for (const pause of pauses) total += Math.max(0, Math.min(write.ackedMs, pause.startMs + pause.durationMs) - Math.max(write.submittedMs, pause.startMs));
  return total;
}

function coveredBy(write: SlowWrite, pauses: readonly GcPause[]): boolean {
  return 2 * pausedMs(write, pauses) >= write.ackedMs - write.submittedMs;
}

function longestMs(pauses: readonly GcPause[]): number {
  return pauses.reduce((longest, pause) => Math.max(longest, pause.durationMs), 0);
}

export function lagCauses(slowMs: number, slow: readonly SlowWrite[], primaryPauses: readonly GcPause[], secondariesPauses: readonly (readonly GcPause[])[]): LagCauses {
  let primaryGc = 0;
  let secondaryGc = 0;
  for (const write of slow) {
    if (coveredBy(write, primaryPauses)) primaryGc += 1;
    else if (secondariesPauses.some((pauses) => coveredBy(write, pauses))) secondaryGc += 1;
  }
  return {
    slowMs,
    slowWrites: slow.length,
    primaryGc,
    secondaryGc,
    other: slow.length - primaryGc - secondaryGc,
    primaryPauseMaxMs: longestMs(primaryPauses),
    secondaryPauseMaxMs: Math.max(0, ...secondariesPauses.map(longestMs)),
  };
}
