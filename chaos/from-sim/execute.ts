/**
 * Runs a plan against a cluster: its standing toxics, then each step's actions in order, then the
 * restarts that healing needs; each fault's window is noted for the report.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Proxy, Toxic } from 'toxiproxy-node-client';
import type { ChaosNode } from '../cluster/chaos-node.js';
import type { Cluster, SecondaryName } from '../cluster/cluster.js';
import type { FaultTools } from '../scenarios/scenario.js';
import type { LabNode, PlanAction } from './actions.js';
import { describeAction, describeStep } from './describe.js';
import type { Plan } from './plan.js';

/** A secondary's start, in the background: the scenario goes on while it syncs, as in the simulator. */
interface Start {
  readonly node: LabNode;
  readonly finished: Promise<string | null>;
  superseded: boolean;
}

export class PlanExecutor {
  private readonly toxics = new Map<string, Toxic<unknown>>();
  private readonly windows = new Map<string, () => void>();
  private readonly starts: Start[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly tools: FaultTools,
  ) {}

  async run(plan: Plan): Promise<void> {
    for (const action of plan.setup) await this.perform(action, `throughout: ${describeAction(action)}`);
    for (const step of plan.steps) {
      const label = describeStep(step);
      for (const action of step.actions) await this.perform(action, label);
    }
    for (const action of plan.heal) await this.perform(action, `healing: ${describeAction(action)}`);
  }

  /** Waits for every start still under way; the problems of those that failed (not those a later kill cut short). */
  async startProblems(): Promise<string[]> {
    const outcomes = await Promise.all(this.starts.map(async (start) => ({ start, problem: await start.finished })));
    return outcomes.flatMap(({ start, problem }) => (problem === null || start.superseded ? [] : [`${start.node} did not start again: ${problem}`]));
  }

  private async perform(action: PlanAction, label: string): Promise<void> {
    switch (action.kind) {
      case 'write':
        this.cluster.primary.send({ write: action.index, call: action.call, context: action.context });
        return;
      case 'wait':
        await sleep(action.ms);
        return;
      case 'disable':
      case 'enable':
        await this.setEnabled(action.link, action.kind === 'enable');
        this.window(`${action.link}/disabled`, action.kind === 'disable', label);
        return;
      case 'cut':
        this.window(`${action.link}/cut`, true, label);
        await this.setEnabled(action.link, false);
        await this.setEnabled(action.link, true);
        this.window(`${action.link}/cut`, false, label);
        return;
      case 'addToxic':
        this.toxics.set(`${action.link}/${action.toxic.name}`, await this.proxy(action.link).addToxic(action.toxic));
        this.window(`${action.link}/${action.toxic.name}`, true, label);
        return;
      case 'removeToxic':
        await this.toxics.get(`${action.link}/${action.name}`)?.remove();
        this.window(`${action.link}/${action.name}`, false, label);
        return;
      case 'kill':
        return this.kill(action.node, label);
      case 'start':
        return this.start(action.node, label);
    }
  }

  private proxy(link: SecondaryName): Proxy {
    return this.cluster.secondary(link).link;
  }

  private async setEnabled(link: SecondaryName, enabled: boolean): Promise<void> {
    const proxy = this.proxy(link);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }

  private node(name: LabNode): ChaosNode {
    return name === 'primary' ? this.cluster.primary : this.cluster.secondary(name).node;
  }

  private async kill(name: LabNode, label: string): Promise<void> {
    for (const start of this.starts) if (start.node === name) start.superseded = true;
    await this.node(name).kill9();
    this.window(`${name}/down`, true, label);
  }

  /** The primary is waited for (the writes after need it); a secondary starts in the background. */
  private async start(name: LabNode, label: string): Promise<void> {
    this.window(`${name}/down`, false, label);
    const started = this.node(name).start();
    if (name === 'primary') return started;
    this.starts.push({ node: name, finished: started.then(() => null, (error: unknown) => (error instanceof Error ? error.message : String(error))), superseded: false });
  }

  /** Opens or closes the report's window for one fault. */
  private window(key: string, open: boolean, label: string): void {
    if (open) this.windows.set(key, this.tools.timeline.begin(label));
    else this.windows.get(key)?.();
  }
}
