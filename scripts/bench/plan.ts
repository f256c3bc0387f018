import type { WireFormatSetting } from '../../src/core/codec/index.js';
import type { LagFigures } from './figures.js';
import type { LagCauses } from './lag-causes.js';

/** What `npm run bench` measures and how much: the defaults are issue 9's workload. */
export interface BenchPlan {
  readonly rounds: number;
  readonly secondaries: number;
  readonly writes: number;
  /**
   * Writes to other keys before the measured burst, on the same nodes, not counted: a primary that
   * has run for a while, whose JavaScript the JIT has compiled (for Redis, the same writes).
   */
  readonly warmupWrites: number;
  readonly valueBytes: number;
  /** Writes in flight at once: a sliding window, for both systems. */
  readonly window: number;
  readonly steadyRatePerS: number;
  readonly steadyDurationMs: number;
  readonly bigValueBytes: number;
  readonly bigRounds: number;
  /** The dataset sizes a joining secondary resyncs, each once per round. */
  readonly resyncKeys: readonly number[];
  /** Where ours' nodes keep their data; Redis' own replication always runs with persistence off. */
  readonly storage: 'memory' | 'fs' | 'aof' | 'redis';
  /** The last secondary is stopped (SIGSTOP) this long during the burst, PAUSE_AFTER_MS into it; 0: never. */
  readonly pauseSecondaryMs: number;
  /** Every one of ours' nodes' wireFormat: 'binary' (the default, binary-2 links), 'binary-1' or 'json'. */
  readonly wireFormat: WireFormatSetting;
}

export const DEFAULT_PLAN: BenchPlan = {
  rounds: 3,
  secondaries: 2,
  writes: 200_000,
  warmupWrites: 100_000,
  valueBytes: 100,
  window: 1_000,
  steadyRatePerS: 10_000,
  steadyDurationMs: 5_000,
  bigValueBytes: 4 * 1024 * 1024,
  bigRounds: 5,
  resyncKeys: [200_000, 500_000, 1_000_000],
  storage: 'memory',
  pauseSecondaryMs: 0,
  wireFormat: 'binary',
};

/** The figures of one round of one system. */
export interface RoundFigures {
  readonly primaryWritesPerS: number;
  /** Writes per second until every secondary had applied the last one. */
  readonly replicatedWritesPerS: number;
  /** CPU time of every server process (primary and secondaries) per write, during the burst. */
  readonly cpuMicrosPerOp: number;
  readonly primaryCpuMicrosPerOp: number;
  /** The busiest secondary's. */
  readonly secondaryCpuMicrosPerOp: number;
  readonly burstLag: LagFigures;
  readonly steadyLag: LagFigures;
  /** Ours only: where the steady phase's slow writes got their lag. */
  readonly steadyLagCauses?: LagCauses;
  /** Median, write submitted to applied on every secondary. */
  readonly bigValueMs: number;
  /** Replication stream bytes per write and per secondary. */
  readonly wireBytesPerOp: number;
  /** Full resyncs the primary began during the burst: a secondary that fell out of its backlog. */
  readonly burstFullResyncs: number;
  /** With a paused secondary: the longest time between two writes completing during the burst (NaN: not measured). */
  readonly writeStallMaxMs: number;
  readonly primaryRssMiB: number;
  readonly secondaryRssMiB: number;
}

export interface ResyncFigures {
  readonly keys: number;
  readonly resyncMs: number;
  readonly secondaryRssMiB: number;
}

export interface SystemRound {
  readonly round: RoundFigures;
  readonly resyncs: readonly ResyncFigures[];
}
