/**
 * `npm run chaos -- --from-sim '<json>'`: a simulator's scenario (what `npx nadb-sim scenario`
 * replays) run against real processes, with the checks of every chaos scenario.
 */
import type { Scenario as SimScenario } from '../../sim/scenario.js';
import type { ChaosNode } from '../cluster/chaos-node.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Figures, Scenario } from '../scenarios/scenario.js';
import { waitWorkloadDone } from '../scenarios/waits.js';
import { describePlan } from './describe.js';
import { PlanExecutor } from './execute.js';
import { expectedEntries } from './expected.js';
import { scenarioText } from './input.js';
import { planOf, type Plan } from './plan.js';
import { parseSimScenario } from './validate.js';

/** The command that runs `scenario` in the lab, quoted for a POSIX shell as the simulator quotes its own. */
export function fromSimCommand(scenario: SimScenario): string {
  return `npm run chaos -- --from-sim '${JSON.stringify(scenario).replaceAll("'", "'\\''")}'`;
}

/** The chaos scenario of a checked simulator's scenario. */
export function fromSimScenario(simScenario: SimScenario): Scenario {
  const plan: Plan = planOf(simScenario);
  const figures = {
    'time scale': plan.settings.timeScale,
    'steps mapped exactly': plan.steps.filter((step) => step.treatment === 'exact').length,
    'steps approximated': plan.steps.filter((step) => step.treatment === 'approximate').length,
    'steps skipped': plan.steps.filter((step) => step.treatment === 'skipped').length,
    'writes refused (primary down)': plan.writesRefused,
  };
  return {
    name: `from-sim-seed-${simScenario.seed}`,
    faults: describePlan(plan, simScenario.seed),
    writes: plan.writes,
    maxOperationLog: plan.settings.limits.logEntriesMax,
    secondaries: plan.secondaries,
    nodeOptions: (node) => plan.settings.nodeOptions[node] ?? {},
    replay: fromSimCommand(simScenario),
    expectedEntries: (primary) => expectedEntries(plan, primary),
    async inject(cluster, tools, found) {
      Object.assign(found, figures);
      const executor = new PlanExecutor(cluster, tools);
      await executor.run(plan);
      cluster.primary.send({ done: true });
      // Counted before healing, so that a run that never converges still says what the library refused.
      await waitWorkloadDone(cluster);
      found['writes refused by the library'] = cluster.primary.refused.size;
      return async () => {
        await recordReconnections(cluster, found);
        // Waited for only now: a secondary restarted behind a cut link syncs once the runner has healed it.
        return [...(await executor.startProblems()), ...(await resyncProblems(cluster.primary, simScenario.fullResyncsMax))];
      };
    },
  };
}

/** What the faults did to each secondary's link, for the report: how often it reconnected, and by full resync (counts of its current process). */
async function recordReconnections(cluster: Cluster, found: Figures): Promise<void> {
  for (const node of cluster.secondaries) {
    const stats = await node.secondaryStats();
    found[`${node.name} reconnections`] = stats.primary.reconnections;
    found[`${node.name} full resyncs`] = stats.fullResyncs;
  }
}

/** The scenario's bound on full resyncs, when it has one, held against the primary's count since it last started. */
async function resyncProblems(primary: ChaosNode, fullResyncsMax: number | undefined): Promise<string[]> {
  if (fullResyncsMax === undefined) return [];
  const { fullResyncs } = await primary.primaryStats();
  return fullResyncs <= fullResyncsMax ? [] : [`the primary served ${fullResyncs} full resyncs, at most ${fullResyncsMax} expected (fullResyncsMax)`];
}

/** `--from-sim`'s argument (JSON, a replay line, or a file) as a chaos scenario; SimScenarioError when it is none. */
export async function loadFromSim(argument: string): Promise<Scenario> {
  return fromSimScenario(parseSimScenario(await scenarioText(argument)));
}
