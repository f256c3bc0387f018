import type { Toxiproxy } from 'toxiproxy-node-client';
import type { ChaosNode } from '../cluster/chaos-node.js';
import type { Cluster, ClusterOptions, RedisNodeName } from '../cluster/cluster.js';
import type { ExpectedEntry } from '../cluster/workload.js';
import type { RedisHandle } from '../cluster/redis.js';
import type { FaultTimeline } from './fault-timeline.js';

/** A scenario's own check on the healed, converged cluster (nodes still running): the problems found. */
export type HealedCheck = () => Promise<string[]>;

/** What a scenario may act on besides the cluster. */
export interface FaultTools {
  readonly toxiproxy: Toxiproxy;
  /** The lab's Redis server, or null where there is none. */
  readonly redis: RedisHandle | null;
  /** Where each fault's window is noted, for the report. */
  readonly timeline: FaultTimeline;
}

/** What a scenario measured, by name, for the report (e.g. the secondaries' lags); filled by inject(). */
export type Figures = Record<string, number>;

export interface Scenario {
  readonly name: string;
  /** The faults, in words, for the report. */
  readonly faults: readonly string[];
  readonly writes: number;
  readonly maxOperationLog: number;
  /** Nodes that must store on Redis: without a Redis the scenario fails, it is not skipped. */
  readonly redisNodes?: readonly RedisNodeName[];
  /**
   * How the cluster ends. `converged` (the default): every secondary equal to the primary. `refusing
   * writes`: the fault took the primary's stored history away (a Redis that came back empty), so
   * the primary must refuse writes and nothing converges; the runner checks instead that every
   * secondary on fs still holds every acknowledged write, and the scenario that the refusals say why.
   */
  readonly ends?: 'converged' | 'refusing writes';
  /** The command that runs this scenario again (a seeded schedule's). */
  readonly replay?: string;
  /** Two when absent. */
  readonly secondaries?: number;
  /** Each node's options by name (a simulator scenario's limits, timing, wire formats, token); the lab's defaults when absent. */
  readonly nodeOptions?: ClusterOptions['nodeOptions'];
  /**
   * What every storage must hold at the end, from what the primary acknowledged: the known
   * workload's values (workloadEntries) when absent.
   */
  readonly expectedEntries?: (primary: ChaosNode) => readonly ExpectedEntry[];
  /** Starts the primary's workload and injects the faults around it; healing (toxiproxy /reset) is the runner's. */
  inject(cluster: Cluster, faults: FaultTools, figures: Figures): Promise<HealedCheck>;
}

/** An operation log longer than any scenario's workload: a reconnecting secondary can always resume. */
export const LOG_HOLDING_WORKLOAD = 10_000;
