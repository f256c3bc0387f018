import type { Cluster } from '../cluster/cluster.js';

/** How often each secondary's lag is read from /stats for the report's chart. */
const SAMPLE_INTERVAL_MS = 200;
/** Ten minutes of samples: a scenario that runs longer keeps its first ten minutes. */
const SAMPLES_MAX = 3_000;

/** Each secondary's lag (operations behind the primary's applied sequence) at one moment; null while it or the primary is down. */
export interface LagSample {
  readonly atMs: number;
  readonly lags: Readonly<Record<string, number | null>>;
}

/** Reads the lags every SAMPLE_INTERVAL_MS until stopped; one reading at a time, so a slow /stats delays the next, never piles up. */
export class LagSampler {
  readonly samples: LagSample[] = [];
  private stopped = false;
  private readonly finished: Promise<void>;

  constructor(
    private readonly cluster: Cluster,
    private readonly nowMs: () => number,
  ) {
    this.finished = this.loop();
  }

  /** Ends with one more reading, so that the chart shows the lags at convergence. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.finished;
    if (this.samples.length < SAMPLES_MAX) this.samples.push(await this.sample());
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.samples.length < SAMPLES_MAX) {
      this.samples.push(await this.sample());
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    }
  }

  private async sample(): Promise<LagSample> {
    const atMs = this.nowMs();
    const primary = await this.cluster.primary.primaryStats().catch(() => null);
    const lags: Record<string, number | null> = {};
    for (const node of this.cluster.secondaries) {
      const stats = primary === null ? null : await node.secondaryStats().catch(() => null);
      lags[node.name] = primary === null || stats === null ? null : Math.max(0, primary.appliedSequence - stats.sequenceNumber);
    }
    return { atMs, lags };
  }
}
