import { PerformanceObserver } from 'node:perf_hooks';

/** A garbage collection that paused a process's main thread, in epoch milliseconds. */
export interface GcPause {
  readonly startMs: number;
  readonly durationMs: number;
}

/** Pauses a node keeps: a steady phase of the default plan sees a few thousand. */
const PAUSES_MAX = 100_000;

/** Records this process's GC pauses from now on (the newest PAUSES_MAX), for a window to be asked for later. */
export class GcPauses {
  private readonly pauses: GcPause[] = [];

  constructor() {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.record({ startMs: performance.timeOrigin + entry.startTime, durationMs: entry.duration });
    }).observe({ entryTypes: ['gc'] });
  }

  /** Every pause that overlaps [fromMs, toMs]. */
  within(fromMs: number, toMs: number): GcPause[] {
    return this.pauses.filter((pause) => pause.startMs <= toMs && pause.startMs + pause.durationMs >= fromMs);
  }

  private record(pause: GcPause): void {
    if (this.pauses.length === PAUSES_MAX) this.pauses.shift();
    this.pauses.push(pause);
  }
}
