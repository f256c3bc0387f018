/** A fault as it actually ran: from and to, in ms (monotonic clock) since its scenario began to inject faults. */
export interface FaultWindow {
  readonly label: string;
  readonly startMs: number;
  /** Set when the fault ended; a window still open at healing ends there. */
  endMs: number | null;
  /** Writes the primary had acknowledged when the fault began. */
  readonly ackedAtStart: number;
}

/** Where scenarios note their faults' windows, for the report's charts and a seeded run's record. */
export class FaultTimeline {
  readonly windows: FaultWindow[] = [];

  constructor(
    private readonly originMs: number,
    private readonly acked: () => number,
  ) {}

  nowMs(): number {
    return Math.round(performance.now() - this.originMs);
  }

  /** Notes that `label` began now; the function returned notes its end. */
  begin(label: string): () => void {
    const window: FaultWindow = { label, startMs: this.nowMs(), endMs: null, ackedAtStart: this.acked() };
    this.windows.push(window);
    return () => {
      window.endMs ??= this.nowMs();
    };
  }

  /** Healing ends whatever is still open. */
  closeAll(): void {
    for (const window of this.windows) window.endMs ??= this.nowMs();
  }
}
