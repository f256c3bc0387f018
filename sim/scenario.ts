import type { Limits, Timing } from '../src/core/limits.js';
import type { Operation } from '../src/core/operation.js';
import { PRIMARY } from './network.js';
import { NO_FAULTS, SIM_LIMITS, SIM_TIMING, type FaultOptions } from './options.js';
import { checkReadOnly, judge, tryWrite, type Judgement, type Progress, type RunConfig } from './run.js';
import { Simulation } from './simulation.js';

/**
 * An operation as a scenario writes it: plain JSON, the value as text and the expiry relative to
 * the primary's clock when the write happens, so that a scenario means the same at any time.
 */
export type OperationSpec =
  | {
      readonly type: 'SET';
      readonly path: string;
      readonly value: string;
      readonly db: string;
      readonly namespace: string;
      readonly tags: readonly string[];
      readonly expiresInMs: number | null;
    }
  | { readonly type: 'DELETE'; readonly path: string }
  | { readonly type: 'SET_TTL'; readonly path: string; readonly expiresInMs: number | null }
  | { readonly type: 'METADATA'; readonly path: string; readonly tags: readonly string[] }
  | { readonly type: 'FLUSH'; readonly db: string | null; readonly namespace: string | null };

export interface WriteStep {
  readonly kind: 'write';
  readonly op: OperationSpec;
}

export interface RunForStep {
  readonly kind: 'runFor';
  readonly ms: number;
}

/** Nodes are 'primary', 's1', 's2', ...; partition and repair act on the link to the primary. */
export type FaultStep =
  | { readonly kind: 'crash' | 'restart' | 'partition' | 'repair' | 'clog' | 'unclog' | 'reset'; readonly node: string }
  | { readonly kind: 'partitionOneway' | 'hold' | 'release'; readonly from: string; readonly to: string }
  | { readonly kind: 'skewClock'; readonly node: string; readonly deltaMs: number }
  | { readonly kind: 'restartPrimary' };

/** One step of a scenario: a write, time passing, or a fault. */
export type Step = WriteStep | RunForStep | FaultStep;

/** The probabilistic faults; the scheduled ones are the steps. */
export type ScenarioFaults = Omit<FaultOptions, 'scheduled'>;

/** A whole run as JSON: what `npm run sim -- scenario '<json>'` replays. */
export interface Scenario {
  readonly seed: number;
  readonly secondaries: number;
  /** SIM_LIMITS when absent. */
  readonly limits?: Partial<Limits>;
  /** SIM_TIMING when absent. */
  readonly timing?: Partial<Timing>;
  readonly faults: ScenarioFaults;
  readonly steps: readonly Step[];
  /** Virtual time allowed for convergence once every fault is healed (60 s when absent). */
  readonly livenessBoundMs?: number;
}

export interface ScenarioResult extends Judgement {
  readonly scenario: Scenario;
  readonly sim: Simulation;
}

const LIVENESS_BOUND_MS = 60_000;
const encoder = new TextEncoder();

/** The operation a spec stands for, written when the primary's clock reads `nowMs`. */
export function resolveOperation(spec: OperationSpec, nowMs: number): Operation {
  const expiresAt = (inMs: number | null): number | null => (inMs === null ? null : nowMs + inMs);
  switch (spec.type) {
    case 'SET': {
      const { expiresInMs, value, ...rest } = spec;
      return { ...rest, key: spec.path, value: encoder.encode(value), expiresAtMs: expiresAt(expiresInMs) };
    }
    case 'SET_TTL':
      return { type: 'SET_TTL', path: spec.path, expiresAtMs: expiresAt(spec.expiresInMs) };
    default:
      return spec;
  }
}

/**
 * Runs a scenario in the two phases of every run (see `judge`): its steps with every checker after
 * every event and the read-only check after every step, then liveness.
 */
export function runScenario(scenario: Scenario, config: RunConfig = {}): ScenarioResult {
  checkNodes(scenario);
  const sim = new Simulation({
    seed: scenario.seed,
    secondaries: scenario.secondaries,
    limits: scenario.limits ?? SIM_LIMITS,
    timing: scenario.timing ?? SIM_TIMING,
    faults: { ...scenario.faults, scheduled: NO_FAULTS.scheduled },
    traceEventsMax: config.traceEventsMax ?? 0,
    nodes: config.nodes,
  });
  const judgement = judge(sim, scenario.livenessBoundMs ?? LIVENESS_BOUND_MS, (progress) => {
    for (const step of scenario.steps) runStep(sim, step, progress);
  });
  return { scenario, sim, ...judgement };
}

function runStep(sim: Simulation, step: Step, progress: Progress): void {
  if (step.kind === 'write') write(sim, step.op, progress);
  else {
    applyStep(sim, step);
    if (step.kind !== 'runFor') progress.faultsInjected += 1;
  }
  checkReadOnly(sim);
}

function write(sim: Simulation, spec: OperationSpec, progress: Progress): void {
  if (sim.primary.up) tryWrite(sim, resolveOperation(spec, sim.localNow(sim.primary)), progress);
  else progress.writesRefused += 1;
}

type ActionStep = RunForStep | FaultStep;
/** The step types whose kind can be K (several kinds share one type). */
type StepOfKind<K extends ActionStep['kind'], S extends ActionStep = ActionStep> = S extends { readonly kind: infer SK } ? (K extends SK ? S : never) : never;
type StepActions = { readonly [K in ActionStep['kind']]: (sim: Simulation, step: StepOfKind<K>) => void };

/**
 * What each step does. Steps that make no sense in the current state (restarting a running node) do
 * nothing, so that any subsequence of a scenario is a scenario: what shrinking needs.
 */
const STEP_ACTIONS: StepActions = {
  runFor: (sim, step) => sim.runFor(step.ms),
  crash: (sim, step) => sim.crash(step.node),
  restart: (sim, step) => (sim.host(step.node).up ? undefined : sim.restart(step.node)),
  partition: (sim, step) => sim.partition(step.node),
  repair: (sim, step) => sim.repair(step.node),
  clog: (sim, step) => sim.clog(step.node),
  unclog: (sim, step) => sim.unclog(step.node),
  reset: (sim, step) => sim.reset(step.node),
  partitionOneway: (sim, step) => sim.partitionOneway(step.from, step.to),
  hold: (sim, step) => sim.hold(step.from, step.to),
  release: (sim, step) => sim.release(step.from, step.to),
  skewClock: (sim, step) => sim.skewClock(step.node, step.deltaMs),
  restartPrimary: (sim) => sim.restartPrimary(),
};

/** Lets time pass or injects a fault. */
export function applyStep(sim: Simulation, step: ActionStep): void {
  (STEP_ACTIONS[step.kind] as (sim: Simulation, step: ActionStep) => void)(sim, step);
}

/** A scenario naming a node it does not have is a mistake in the scenario, not a verdict. */
function checkNodes(scenario: Scenario): void {
  const known = new Set([PRIMARY, ...Array.from({ length: scenario.secondaries }, (_, i) => `s${i + 1}`)]);
  for (const step of scenario.steps) {
    for (const node of nodesOf(step)) {
      if (!known.has(node)) throw new RangeError(`step ${JSON.stringify(step)} names ${node}, not one of ${[...known].join(', ')}`);
    }
  }
}

function nodesOf(step: Step): string[] {
  if ('node' in step) return [step.node];
  if ('from' in step) return [step.from, step.to];
  return [];
}

/** The one-line shell command that replays a scenario. */
export function scenarioCommand(scenario: Scenario): string {
  const json = JSON.stringify(scenario).replaceAll("'", "'\\''");
  return `npm run sim -- scenario '${json}'`;
}
