import type { SeedResult } from '../sweep/seed-result.js';
import type { CliIo } from './io.js';
import { seconds } from './format.js';

const BAR_WIDTH = 30;
/** Without a terminal (CI logs), one line this often: enough to show a long run is alive. */
const LINE_INTERVAL_MS = 10_000;

/** A sweep's progress on stderr: a bar on a terminal, a line every ten seconds otherwise. */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly startedMs: number;
  private lastLineMs: number;

  constructor(
    private readonly io: CliIo,
    private readonly total: number,
  ) {
    this.startedMs = io.nowMs();
    this.lastLineMs = this.startedMs;
  }

  add(result: SeedResult): void {
    this.done += 1;
    if (result.verdict !== 'pass') this.failed += 1;
    const nowMs = this.io.nowMs();
    if (this.io.status !== null) this.io.status(`${this.bar()} ${this.counts(nowMs)}`);
    else if (nowMs - this.lastLineMs >= LINE_INTERVAL_MS) {
      this.lastLineMs = nowMs;
      this.io.err(`sweep: ${this.counts(nowMs)}`);
    }
  }

  finish(): void {
    this.io.status?.('');
  }

  private bar(): string {
    const filled = Math.round((this.done / this.total) * BAR_WIDTH);
    return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  }

  private counts(nowMs: number): string {
    const elapsedMs = nowMs - this.startedMs;
    const leftMs = (elapsedMs / this.done) * (this.total - this.done);
    return `${this.done}/${this.total} seeds, ${this.failed} failed, ${seconds(elapsedMs)} elapsed, ~${seconds(leftMs)} left`;
  }
}
