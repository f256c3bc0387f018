import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Cluster } from '../cluster/cluster.js';

/** A scenario's own check on the healed, converged cluster (nodes still running): the problems found. */
export type HealedCheck = () => Promise<string[]>;

/** What a scenario measured, by name, for the report (e.g. the secondaries' lags); filled by inject(). */
export type Figures = Record<string, number>;

export interface Scenario {
  readonly name: string;
  /** The faults, in words, for the report. */
  readonly faults: readonly string[];
  readonly writes: number;
  readonly maxOperationLog: number;
  /** Kills secondary-1's redis-server: skipped, with a line saying so, where redis-server is not installed. */
  readonly needsRedis?: boolean;
  /** Starts the primary's workload and injects the faults around it; healing (toxiproxy /reset) is the runner's. */
  inject(cluster: Cluster, toxiproxy: Toxiproxy, figures: Figures): Promise<HealedCheck>;
}

/** An operation log longer than any scenario's workload: a reconnecting secondary can always resume. */
export const LOG_HOLDING_WORKLOAD = 10_000;
