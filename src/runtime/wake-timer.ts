import { TIMER_DELAY_MAX_MS } from './limits.js';

/** The one timer of a node, armed at the time its machine asked to be woken (its nextWakeMs). */
export class WakeTimer {
  private timer: NodeJS.Timeout | null = null;
  private armedAtMs: number | undefined;

  constructor(
    private readonly nowMs: () => number,
    private readonly wake: () => void,
  ) {}

  /**
   * A wake armed no later than `wakeMs` stays: most inputs move a deadline later (each frame
   * received pushes back its link's timeout), and re-arming for each made a Timeout and its
   * insertion per received chunk, about 2% of the three nodes' CPU in one process. The machine's
   * timers are deadlines, so a wake before any is due finds nothing to do and arms the next.
   */
  arm(wakeMs: number | undefined): void {
    if (wakeMs === undefined) {
      this.clear();
      return;
    }
    if (this.timer !== null && this.armedAtMs !== undefined && this.armedAtMs <= wakeMs) return;
    this.clear();
    this.armedAtMs = wakeMs;
    const delayMs = Math.min(Math.max(0, wakeMs - this.nowMs()), TIMER_DELAY_MAX_MS);
    this.timer = setTimeout(() => this.fire(), delayMs);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedAtMs = undefined;
  }

  private fire(): void {
    this.timer = null;
    this.armedAtMs = undefined;
    this.wake();
  }
}
