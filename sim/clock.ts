import { assert } from '../src/core/assert.js';

/**
 * A node's clock: offset from virtual time, a drift in parts per million, and jumps. It reads in
 * whole milliseconds, as the codec requires, and maps a wake-up time back to virtual time.
 */
export class NodeClock {
  constructor(
    private offsetMs: number,
    private readonly driftPpm: number,
    private readonly originMs: number,
  ) {
    assert(Math.abs(driftPpm) < 100_000, 'drift beyond 10% is not a clock');
  }

  /** Local time at a virtual time. */
  localMs(virtualMs: number): number {
    return Math.floor(virtualMs + this.offsetMs + ((virtualMs - this.originMs) * this.driftPpm) / 1e6);
  }

  /** The earliest virtual time at which the local clock reads at least `localMs`. */
  virtualMsAt(localMs: number): number {
    const virtualMs = Math.ceil(this.originMs + (localMs - this.offsetMs - this.originMs) / (1 + this.driftPpm / 1e6));
    // Rounding can leave us a millisecond short; step forward until the clock agrees.
    let candidateMs = virtualMs;
    while (this.localMs(candidateMs) < localMs) candidateMs += 1;
    return candidateMs;
  }

  /** A jump (NTP step, VM pause): forwards or backwards. */
  jump(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }
}
