import { replayCommand, type RunResult, type Verdict } from '../run.js';

/** What a sweep keeps of one run: small enough to post from a worker thread. */
export interface SeedResult {
  readonly seed: number;
  readonly verdict: Verdict;
  readonly message: string;
  readonly traceHash: string;
  readonly virtualMs: number;
  readonly segmentsDelivered: number;
  readonly replay: string;
}

export function toSeedResult(result: RunResult): SeedResult {
  return {
    seed: result.options.seed,
    verdict: result.verdict,
    message: result.message,
    traceHash: result.traceHash,
    virtualMs: result.stats.virtualMs,
    segmentsDelivered: result.stats.segmentsDelivered,
    replay: replayCommand(result.options),
  };
}
