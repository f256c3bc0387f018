import { codeUnitAt } from '../src/core/string-methods.js';

/** One thing that happened in a simulated run: a line of the trace. */
export interface TraceEvent {
  /** Virtual time, ms. */
  readonly t: number;
  readonly kind: string;
  readonly node?: string;
  readonly from?: string;
  readonly to?: string;
  readonly conn?: number;
  readonly bytes?: number;
  readonly sentMs?: number;
  readonly segment?: number;
  readonly bit?: number;
  readonly detail?: string;
  /**
   * What a segment's transmit carried (sim/frame-label.ts). Left out of the hash: it is only
   * recorded when events are kept, and a run must hash the same either way.
   */
  readonly frames?: string;
}

/**
 * Collects a run's trace: always a running hash of every event (the determinism check compares
 * two runs by it), and the events themselves when asked for, up to a bound.
 */
export class Trace {
  readonly events: TraceEvent[] = [];
  private hashHigh = 0x811c9dc5;
  private hashLow = 0x01000193;
  private count = 0;
  private dropped = 0;

  constructor(private readonly eventsMax: number) {}

  get eventCount(): number {
    return this.count;
  }

  /** Whether events are kept at all: describing them is wasted work otherwise. */
  get keepsEvents(): boolean {
    return this.eventsMax > 0;
  }

  get eventsDropped(): number {
    return this.dropped;
  }

  record(event: TraceEvent): void {
    this.count += 1;
    this.mix(`${event.t}|${event.kind}|${event.node ?? ''}|${event.from ?? ''}|${event.to ?? ''}|${event.conn ?? ''}|${event.bytes ?? ''}|${event.detail ?? ''}`);
    if (this.events.length < this.eventsMax) this.events.push(event);
    else this.dropped += 1;
  }

  /** 64 bits of FNV-1a over everything recorded, as 16 hex characters. */
  hash(): string {
    return (this.hashHigh >>> 0).toString(16).padStart(8, '0') + (this.hashLow >>> 0).toString(16).padStart(8, '0');
  }

  toJsonLines(): string {
    return this.events.map((event) => JSON.stringify(event)).join('\n') + (this.events.length > 0 ? '\n' : '');
  }

  private mix(text: string): void {
    let high = this.hashHigh;
    let low = this.hashLow;
    for (let i = 0; i < text.length; i += 1) {
      const code = codeUnitAt(text, i);
      high = Math.imul(high ^ code, 0x01000193);
      low = Math.imul(low ^ (code + (high >>> 24)), 0x01000193);
    }
    // Separate events so that "ab" + "c" and "a" + "bc" differ.
    this.hashHigh = Math.imul(high ^ 0xff, 0x01000193);
    this.hashLow = Math.imul(low ^ 0xfe, 0x01000193);
  }
}
