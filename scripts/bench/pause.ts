/**
 * A secondary paused mid-burst (`--pause-secondary-ms N`): SIGSTOP, then SIGCONT N ms later, as a
 * process the kernel stops stays connected but reads nothing. And what the writers felt of it:
 * the longest time between two writes completing.
 */
import { epochMs } from './figures.js';

/** When, after the burst began, the last secondary is stopped. */
export const PAUSE_AFTER_MS = 500;

/** Stops `pid` PAUSE_AFTER_MS from now for `pauseMs`; resolves once it runs again. `pauseMs` 0: nothing. */
export async function pauseMidway(pid: number, pauseMs: number): Promise<void> {
  if (pauseMs === 0) return;
  await new Promise((resolve) => setTimeout(resolve, PAUSE_AFTER_MS));
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** The longest gap between two completions it was told of, from its start. */
export class StallMeter {
  private lastMs = epochMs();
  private longestMs = 0;

  completed(): void {
    const nowMs = epochMs();
    this.longestMs = Math.max(this.longestMs, nowMs - this.lastMs);
    this.lastMs = nowMs;
  }

  get longestGapMs(): number {
    return this.longestMs;
  }
}
