import { Cluster, SECONDARIES_DEFAULT, type RedisNodeName } from '../cluster/cluster.js';
import { refusalProblems, storageProblems, waitConverged } from '../cluster/convergence.js';
import { workloadEntries, type ExpectedEntry } from '../cluster/workload.js';
import type { Lab } from '../lab.js';
import { FaultTimeline, type FaultWindow } from './fault-timeline.js';
import { LagSampler, type LagSample } from './lag-sampler.js';
import type { Figures, HealedCheck, Scenario } from './scenario.js';
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
  /** The nodes that stored on Redis; the others stored on fs. */
  readonly redisNodes: readonly RedisNodeName[];
  readonly durationMs: number;
  /** The faults as they ran, in ms since they began to be injected. */
  readonly faultWindows: readonly FaultWindow[];
  /** Each secondary's lag over the same time, from injection to convergence. */
  readonly lagSamples: readonly LagSample[];
  /** The command that runs this scenario again, when it is a seeded schedule. */
  readonly replay?: string;
}

export interface RunContext {
  readonly lab: Lab;
  readonly log: (line: string) => void;
}

interface Outcome {
  readonly problems: string[];
  convergenceMs: number | null;
  ackedWrites: number;
  readonly figures: Figures;
  faultWindows: readonly FaultWindow[];
  lagSamples: readonly LagSample[];
}

/** Builds the cluster, injects the faults, heals, and checks convergence and every acknowledged write. */
export async function runScenario(scenario: Scenario, context: RunContext): Promise<ScenarioResult> {
  const startedMs = Date.now();
  const outcome: Outcome = { problems: [], convergenceMs: null, ackedWrites: 0, figures: {}, faultWindows: [], lagSamples: [] };
  const redisNodes = redisNodesOf(scenario, context.lab);
  try {
    context.log(`${scenario.name}: starting a primary and ${scenario.secondaries ?? SECONDARIES_DEFAULT} secondaries (on Redis: ${redisNodes.join(', ') || 'none'})`);
    const { name, writes, maxOperationLog, secondaries, nodeOptions } = scenario;
    const cluster = await Cluster.start(context.lab, { scenario: name, writes, maxOperationLog, redisNodes, ...(secondaries === undefined ? {} : { secondaries }), ...(nodeOptions === undefined ? {} : { nodeOptions }) });
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
    redisNodes,
    durationMs: Date.now() - startedMs,
    faultWindows: outcome.faultWindows,
    lagSamples: outcome.lagSamples,
    ...(scenario.replay === undefined ? {} : { replay: scenario.replay }),
  };
}

/**
 * secondary-1 stores on Redis whenever the lab has one; the nodes a scenario needs on Redis do
 * anyway, so that without Redis the scenario fails rather than tests something else.
 */
function redisNodesOf(scenario: Scenario, lab: Lab): RedisNodeName[] {
  const wanted = new Set<RedisNodeName>(scenario.redisNodes ?? []);
  if (lab.redis !== null) wanted.add('secondary-1');
  return [...wanted];
}

async function faultHealAndCheck(scenario: Scenario, cluster: Cluster, { lab, log }: RunContext, outcome: Outcome): Promise<void> {
  log(`${scenario.name}: injecting ${scenario.faults.join('; ')}`);
  // A monotonic clock: the wall clock of a shared machine may be stepped while a scenario runs.
  const originMs = performance.now();
  const timeline = new FaultTimeline(originMs, () => cluster.primary.acked.size);
  outcome.faultWindows = timeline.windows;
  const sampler = new LagSampler(cluster, () => timeline.nowMs());
  outcome.lagSamples = sampler.samples;
  let check: HealedCheck;
  try {
    check = await scenario.inject(cluster, { toxiproxy: lab.toxiproxy.client, redis: lab.redis, timeline }, outcome.figures);
    await waitWorkloadDone(cluster);
    outcome.ackedWrites = cluster.primary.acked.size;
    log(`${scenario.name}: workload done (${outcome.ackedWrites} acknowledged), healing`);
    await lab.toxiproxy.client.reset();
    timeline.closeAll();
    if (scenario.ends !== 'refusing writes') outcome.convergenceMs = await waitConverged(cluster);
  } finally {
    // Before the checks stop the nodes: the chart ends at convergence.
    await sampler.stop();
  }
  await checkHealed(scenario, cluster, check, log, outcome);
}

async function checkHealed(scenario: Scenario, cluster: Cluster, check: HealedCheck, log: (line: string) => void, outcome: Outcome): Promise<void> {
  if (scenario.ends === 'refusing writes') {
    log(`${scenario.name}: the primary refuses writes (${cluster.primary.failed.length} refused), checking the secondaries on fs`);
    outcome.problems.push(...(await check()));
    await cluster.stopNodes();
    outcome.problems.push(...(await refusalProblems(cluster, expectedEntries(scenario, cluster))));
    return;
  }
  log(`${scenario.name}: converged in ${outcome.convergenceMs} ms, checking storages`);
  outcome.problems.push(...cluster.primary.failed, ...(await check()));
  await cluster.stopNodes();
  outcome.problems.push(...(await storageProblems(cluster, expectedEntries(scenario, cluster))));
}

function expectedEntries(scenario: Scenario, cluster: Cluster): readonly ExpectedEntry[] {
  return scenario.expectedEntries?.(cluster.primary) ?? workloadEntries(cluster.primary.acked);
}
