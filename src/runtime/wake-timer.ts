import { TIMER_DELAY_MAX_MS } from './limits.js';

/** The one timer of a node, armed at the time its machine asked to be woken (its nextWakeMs). */
export class WakeTimer {
  private timer: NodeJS.Timeout | null = null;
  private armedAtMs: number | undefined;

  constructor(
    private readonly nowMs: () => number,
    private readonly wake: () => void,
  ) {}

  arm(wakeMs: number | undefined): void {
    if (wakeMs === this.armedAtMs && this.timer !== null) return;
    this.clear();
    if (wakeMs === undefined) return;
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
