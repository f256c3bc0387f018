import type { RedisServer } from '../../harness/redis-process.js';
import { Cluster } from '../cluster/cluster.js';
import { storageProblems, waitConverged } from '../cluster/convergence.js';
import type { ToxiproxyHandle } from '../cluster/toxiproxy.js';
import type { Figures, Scenario } from './scenario.js';
import { waitWorkloadDone } from './waits.js';

export interface ScenarioResult {
  readonly name: string;
  readonly faults: readonly string[];
  readonly passed: boolean;
  readonly problems: readonly string[];
  /** From healing to every secondary reporting the primary's sequence; null when it never did. */
  readonly convergenceMs: number | null;
  readonly writes: number;
  /** Acknowledged writes, each checked in every node's storage. */
  readonly ackedWrites: number;
  readonly figures: Readonly<Figures>;
  readonly secondary1Storage: 'redis' | 'fs';
  readonly durationMs: number;
}

export interface RunContext {
  readonly toxiproxy: ToxiproxyHandle;
  /** Where secondary-1 stores (a Redis URL with a database of its own), or null for fs. */
  readonly secondary1Storage: string | null;
  /** The server behind secondary1Storage, for scenarios that kill it. */
  readonly secondary1Redis?: RedisServer;
  readonly log: (line: string) => void;
}

interface Outcome {
  readonly problems: string[];
  convergenceMs: number | null;
  ackedWrites: number;
  readonly figures: Figures;
}

/** Builds the cluster, injects the faults, heals, and checks convergence and every acknowledged write. */
export async function runScenario(scenario: Scenario, context: RunContext): Promise<ScenarioResult> {
  const startedMs = Date.now();
  const outcome: Outcome = { problems: [], convergenceMs: null, ackedWrites: 0, figures: {} };
  try {
    context.log(`${scenario.name}: starting a primary and two secondaries`);
    const cluster = await Cluster.start(context.toxiproxy.client, { scenario: scenario.name, writes: scenario.writes, maxOperationLog: scenario.maxOperationLog, secondary1Storage: context.secondary1Storage, secondary1Redis: context.secondary1Redis });
    try {
      await faultHealAndCheck(scenario, cluster, context, outcome);
    } finally {
      await cluster.dispose();
    }
  } catch (error) {
    outcome.problems.push(error instanceof Error ? error.message : String(error));
  }
  return {
    name: scenario.name,
    faults: scenario.faults,
    passed: outcome.problems.length === 0,
    problems: outcome.problems,
    convergenceMs: outcome.convergenceMs,
    writes: scenario.writes,
    ackedWrites: outcome.ackedWrites,
    figures: outcome.figures,
    secondary1Storage: context.secondary1Storage?.startsWith('redis') === true ? 'redis' : 'fs',
    durationMs: Date.now() - startedMs,
  };
}

async function faultHealAndCheck(scenario: Scenario, cluster: Cluster, { toxiproxy, log }: RunContext, outcome: Outcome): Promise<void> {
  log(`${scenario.name}: injecting ${scenario.faults.join('; ')}`);
  const check = await scenario.inject(cluster, toxiproxy.client, outcome.figures);
  await waitWorkloadDone(cluster);
  outcome.ackedWrites = cluster.primary.acked.size;
  log(`${scenario.name}: workload done (${outcome.ackedWrites} acknowledged), healing`);
  await toxiproxy.client.reset();
  outcome.convergenceMs = await waitConverged(cluster);
  log(`${scenario.name}: converged in ${outcome.convergenceMs} ms, checking storages`);
  outcome.problems.push(...cluster.primary.failed, ...(await check()));
  await cluster.stopNodes();
  outcome.problems.push(...(await storageProblems(cluster, cluster.primary.acked)));
}
