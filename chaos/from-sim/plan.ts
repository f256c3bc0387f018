/**
 * A simulator's scenario as a fault plan for the lab: each step becomes what real processes and
 * proxies can do (actions), with how close that comes (VERB_MAPPINGS), so that the plan can be
 * checked without running anything. The plan follows the simulator's state (which links are cut
 * or held each way, which nodes are down) and emits only the changes, so that a step that does
 * nothing in the simulator (restarting a running node) does nothing here either.
 */
import { PRIMARY } from '../../sim/network.js';
import { callOfStep, type Scenario, type Step } from '../../sim/scenario.js';
import type { SecondaryName } from '../cluster/cluster.js';
import type { PlanAction, Stream, ToxicSpec } from './actions.js';
import { SimScenarioError } from './error.js';
import { faultNotes, standingToxics } from './faults.js';
import { FROM_SIM_LIMITS } from './limits.js';
import { labNode, labSecondary, simNodeNames } from './names.js';
import { settingsOf, type MappingNote, type Settings } from './settings.js';
import { FAILOVER_REFUSED, VERB_MAPPINGS, type Treatment } from './verbs.js';

export interface PlannedStep {
  /** The step's place in the scenario. */
  readonly index: number;
  readonly step: Step;
  readonly treatment: Treatment;
  /** Empty for a step that changes nothing (as in the simulator) or has no counterpart. */
  readonly actions: readonly PlanAction[];
}

export interface Plan {
  readonly secondaries: number;
  readonly settings: Settings;
  /** The probabilistic faults' toxics, on from the start. */
  readonly setup: readonly PlanAction[];
  readonly steps: readonly PlannedStep[];
  /** What healing needs besides toxiproxy's reset: the nodes still down started again. */
  readonly heal: readonly PlanAction[];
  readonly notes: readonly MappingNote[];
  /** Write steps sent to the primary, and those refused because it was down. */
  readonly writes: number;
  readonly writesRefused: number;
  /** The wall-clock time the pauses add up to. */
  readonly waitMs: number;
}

/** Which way a link is cut or held; a link with both ways cut is a partition (the proxy disabled). */
interface LinkState {
  readonly cut: ReadonlySet<Stream>;
  readonly held: ReadonlySet<Stream>;
}

const STREAMS: readonly Stream[] = ['downstream', 'upstream'];
const HOLD: Omit<ToxicSpec, 'name' | 'stream'> = { type: 'bandwidth', toxicity: 1, attributes: { rate: 0 } };
const DROP: Omit<ToxicSpec, 'name' | 'stream'> = { type: 'timeout', toxicity: 1, attributes: { timeout: 0 } };

/** The proxy disabled, and the toxics that stand for the rest of the state. */
function realState(state: LinkState): { readonly disabled: boolean; readonly toxics: ReadonlyMap<string, ToxicSpec> } {
  const disabled = state.cut.size === STREAMS.length;
  const toxics = new Map<string, ToxicSpec>();
  for (const stream of state.held) toxics.set(`hold-${stream}`, { ...HOLD, name: `hold-${stream}`, stream });
  if (!disabled) for (const stream of state.cut) toxics.set(`cut-${stream}`, { ...DROP, name: `cut-${stream}`, stream });
  return { disabled, toxics };
}

/** The actions that take a link from one state to the next. */
function reconcile(link: SecondaryName, before: LinkState, after: LinkState): PlanAction[] {
  const [from, to] = [realState(before), realState(after)];
  const actions: PlanAction[] = [];
  if (to.disabled && !from.disabled) actions.push({ kind: 'disable', link });
  for (const name of from.toxics.keys()) if (!to.toxics.has(name)) actions.push({ kind: 'removeToxic', link, name });
  for (const [name, toxic] of to.toxics) if (!from.toxics.has(name)) actions.push({ kind: 'addToxic', link, toxic });
  if (from.disabled && !to.disabled) actions.push({ kind: 'enable', link });
  return actions;
}

/** The stream a one-way step acts on, and its link; null between two secondaries (the simulator has no such link). */
function streamOf(from: string, to: string): { readonly secondary: string; readonly stream: Stream } | null {
  if (from === PRIMARY && to !== PRIMARY) return { secondary: to, stream: 'downstream' };
  if (to === PRIMARY && from !== PRIMARY) return { secondary: from, stream: 'upstream' };
  return null;
}

/** What the plan tracks while it walks the steps: the simulator's state as far as the lab can act on it. */
class Planner {
  private readonly links = new Map<string, LinkState>();
  private readonly down = new Set<string>();
  writes = 0;
  writesRefused = 0;
  waitMs = 0;

  constructor(
    private readonly secondaries: readonly string[],
    private readonly timeScale: number,
  ) {
    for (const name of secondaries) this.links.set(name, { cut: new Set(), held: new Set() });
  }

  plan(step: Step): PlanAction[] {
    switch (step.kind) {
      case 'write':
        return this.write(step);
      case 'runFor':
        return this.wait(step.ms);
      case 'partition':
      case 'repair':
        return this.change([step.node], (state) => ({ ...state, cut: new Set(step.kind === 'partition' ? STREAMS : []) }));
      case 'partitionOneway':
        return this.oneWay(step.from, step.to, 'cut', true);
      case 'hold':
      case 'release':
        return this.oneWay(step.from, step.to, 'held', step.kind === 'hold');
      case 'clog':
      case 'unclog':
        return this.change(step.node === PRIMARY ? this.secondaries : [step.node], (state) => ({ ...state, held: new Set(step.kind === 'clog' ? STREAMS : []) }));
      case 'reset':
        return this.reset(step.node);
      case 'crash':
        return this.crash(step.node);
      case 'restart':
        return this.restart(step.node);
      case 'restartPrimary':
        return [...this.crash(PRIMARY), ...this.restart(PRIMARY)];
      case 'skewClock':
        return [];
      case 'promote':
      case 'repoint':
      case 'failover':
        throw new SimScenarioError(`${step.kind}: ${FAILOVER_REFUSED}`);
    }
  }

  /** Every node still down started again, as the simulator's heal does. */
  heal(): PlanAction[] {
    return [...this.down].flatMap((node) => this.restart(node));
  }

  private write(step: Step & { readonly kind: 'write' }): PlanAction[] {
    if (this.down.has(PRIMARY)) {
      this.writesRefused += 1;
      return [];
    }
    this.writes += 1;
    return [{ kind: 'write', index: this.writes - 1, ...callOfStep(step) }];
  }

  private wait(ms: number): PlanAction[] {
    const scaledMs = Math.round(ms * this.timeScale);
    this.waitMs += scaledMs;
    return [{ kind: 'wait', ms: scaledMs }];
  }

  /** Links are named by their secondary; the primary names none (the simulator's partition of 'primary' cuts nothing). */
  private change(nodes: readonly string[], next: (state: LinkState) => LinkState): PlanAction[] {
    return nodes.flatMap((node) => {
      const before = this.links.get(node);
      if (before === undefined) return [];
      const after = next(before);
      this.links.set(node, after);
      return reconcile(labSecondary(node), before, after);
    });
  }

  private oneWay(from: string, to: string, what: keyof LinkState, on: boolean): PlanAction[] {
    const link = streamOf(from, to);
    if (link === null) return [];
    return this.change([link.secondary], (state) => {
      const streams = new Set(state[what]);
      if (on) streams.add(link.stream);
      else streams.delete(link.stream);
      return { ...state, [what]: streams };
    });
  }

  /** Only connections that exist are reset: none through a disabled proxy, none of the primary by that name. */
  private reset(node: string): PlanAction[] {
    const state = this.links.get(node);
    return state === undefined || realState(state).disabled ? [] : [{ kind: 'cut', link: labSecondary(node) }];
  }

  private crash(node: string): PlanAction[] {
    if (this.down.has(node)) return [];
    this.down.add(node);
    return [{ kind: 'kill', node: labNode(node) }];
  }

  private restart(node: string): PlanAction[] {
    if (!this.down.delete(node)) return [];
    return [{ kind: 'start', node: labNode(node) }];
  }
}

/** The plan for `scenario`, which validScenario has checked. */
export function planOf(scenario: Scenario): Plan {
  const settings = settingsOf(scenario);
  const planner = new Planner(simNodeNames(scenario.secondaries).slice(1), settings.timeScale);
  const steps = scenario.steps.map((step, index): PlannedStep => ({ index, step, treatment: VERB_MAPPINGS[step.kind].treatment, actions: planner.plan(step) }));
  const heal = planner.heal();
  if (planner.waitMs > FROM_SIM_LIMITS.wallMsMax) throw new SimScenarioError(`its pauses add up to ${planner.waitMs} ms of wall-clock (scale ${settings.timeScale}), more than the ${FROM_SIM_LIMITS.wallMsMax} ms the lab allows`);
  const usedVerbs = [...new Set(scenario.steps.map((step) => step.kind))];
  const verbNotes = usedVerbs.map((kind): MappingNote => ({ what: `step ${kind}`, ...VERB_MAPPINGS[kind] }));
  return {
    secondaries: scenario.secondaries,
    settings,
    setup: standingToxics(scenario, settings.timeScale),
    steps,
    heal,
    notes: [...settings.notes, ...faultNotes(scenario), ...verbNotes],
    writes: planner.writes,
    writesRefused: planner.writesRefused,
    waitMs: planner.waitMs,
  };
}
