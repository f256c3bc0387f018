import { DEFAULT_CONTEXT, operationOf, type ApiCall, type StorageContext } from '../src/core/api-operations.js';
import type { WireFormatSetting } from '../src/core/codec/index.js';
import { nadbSimCommand } from './replay-command.js';
import type { Limits, Timing } from '../src/core/limits.js';
import type { Operation } from '../src/core/operation.js';
import { PRIMARY } from './network.js';
import { NO_FAULTS, SIM_LIMITS, SIM_TIMING, type FaultOptions } from './options.js';
import { checkReadOnly, heldWritesStalled, judge, tryWrite, type Judgement, type Progress, type RunConfig } from './run.js';
import { Simulation } from './simulation.js';

/** A write call of the API as a scenario holds it: plain JSON, the data as text, TTLs in seconds. */
export type ScenarioCall = ApiCall<string>;

/**
 * A write: a call of the user's API made under a context (what setContext set, which gives a
 * writeWithReplication its db and namespace), translated as NetworkSyncBackend translates it, at
 * the primary's clock when the step runs: a scenario means the same at any time.
 */
export interface WriteStep {
  readonly kind: 'write';
  readonly call: ScenarioCall;
  /** DEFAULT_CONTEXT when absent (only writeWithReplication reads it). */
  readonly context?: StorageContext;
  /** The primary it is submitted to: the current one when absent; a former one (after a promote) by name. */
  readonly node?: string;
}

/**
 * An operation as scenarios wrote it before they held API calls: the value as text, the expiry
 * in ms from the primary's clock. Still replayed, as the call it stands for.
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

/** A write step of that older format. */
export interface OperationWriteStep {
  readonly kind: 'write';
  readonly op: OperationSpec;
}

export interface RunForStep {
  readonly kind: 'runFor';
  readonly ms: number;
}

/**
 * Nodes are 'primary', 's1', 's2', ...; partition and repair act on a secondary's link to the
 * primary it follows. `promote` makes a running secondary the primary (failover); `repoint` points
 * a secondary at another primary, restarting it on the same storage.
 */
export type FaultStep =
  | { readonly kind: 'crash' | 'restart' | 'partition' | 'repair' | 'clog' | 'unclog' | 'reset' | 'promote'; readonly node: string }
  | { readonly kind: 'repoint'; readonly node: string; readonly primary: string }
  | { readonly kind: 'partitionOneway' | 'hold' | 'release'; readonly from: string; readonly to: string }
  | { readonly kind: 'skewClock'; readonly node: string; readonly deltaMs: number }
  | { readonly kind: 'restartPrimary' | 'failover' };

/** One step of a scenario: a write, time passing, or a fault. */
export type Step = WriteStep | OperationWriteStep | RunForStep | FaultStep;

/** The probabilistic faults; the scheduled ones are the steps. */
export type ScenarioFaults = Omit<FaultOptions, 'scheduled'>;

/** A whole run as JSON: what `npx nadb-sim scenario '<json>'` replays. */
export interface Scenario {
  readonly seed: number;
  readonly secondaries: number;
  /** SIM_LIMITS when absent. */
  readonly limits?: Partial<Limits>;
  /** SIM_TIMING when absent. */
  readonly timing?: Partial<Timing>;
  readonly faults: ScenarioFaults;
  /**
   * The wire format each node offers (the primary's says whether it accepts binary frames): 'json'
   * for every node absent from it, and for every node when it is absent.
   */
  readonly wireFormats?: Readonly<Record<string, WireFormatSetting>>;
  readonly steps: readonly Step[];
  /** Each node's shared token, by name; absent: no node holds one. */
  readonly authTokens?: Readonly<Record<string, string>>;
  /** Virtual time allowed for convergence once every fault is healed (60 s when absent). */
  readonly livenessBoundMs?: number;
  /**
   * Most full resyncs the primary may serve (since its last restart) for the run to pass: a
   * liveness bound on resync loops, which end once the writes stop and so pass convergence.
   */
  readonly fullResyncsMax?: number;
  /**
   * Longest virtual time the primary may hold writes back without taking or refusing one: a
   * liveness bound on how long one secondary's pace holds the writers (pacingLagMsMax), which
   * the writes stopping would also end.
   */
  readonly heldWritesStallMsMax?: number;
}

export interface ScenarioResult extends Judgement {
  readonly scenario: Scenario;
  readonly sim: Simulation;
}

/** Virtual time a scenario allows for convergence once its faults are healed, unless it says otherwise. */
export const LIVENESS_BOUND_MS = 60_000;
const MS_PER_SECOND = 1000;

/** The operation a write step stands for, made when the primary's clock reads `nowMs`. */
export function operationOfStep(step: WriteStep | OperationWriteStep, nowMs: number): Operation {
  const { call, context } = callOfStep(step);
  return operationOf(call, context, nowMs);
}

/** The API call a write step makes and the context it makes it under, whichever form the step has. */
export function callOfStep(step: WriteStep | OperationWriteStep): { readonly call: ScenarioCall; readonly context: StorageContext } {
  const { call, context = DEFAULT_CONTEXT } = 'op' in step ? callOfSpec(step.op) : step;
  return { call, context };
}

/** The operation an older spec stands for, written when the primary's clock reads `nowMs`. */
export function resolveOperation(spec: OperationSpec, nowMs: number): Operation {
  return operationOfStep({ kind: 'write', op: spec }, nowMs);
}

/** The call an older spec stands for: a SET's key was its path, the default of the call. */
function callOfSpec(spec: OperationSpec): Omit<WriteStep, 'kind'> {
  const ttl = (inMs: number | null): number | null => (inMs === null ? null : inMs / MS_PER_SECOND);
  switch (spec.type) {
    case 'SET':
      return {
        call: { method: 'writeWithReplication', relativePath: spec.path, data: spec.value, tags: spec.tags, ttl: ttl(spec.expiresInMs) },
        context: { db: spec.db, namespace: spec.namespace },
      };
    case 'DELETE':
      return { call: { method: 'deleteWithReplication', relativePath: spec.path } };
    case 'SET_TTL':
      return { call: { method: 'setTtl', path: spec.path, ttl: ttl(spec.expiresInMs) } };
    case 'METADATA':
      return { call: { method: 'setTags', path: spec.path, tags: spec.tags } };
    case 'FLUSH':
      return { call: { method: 'flush', db: spec.db, namespace: spec.namespace } };
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
    wireFormats: scenario.wireFormats,
    ...(scenario.authTokens === undefined ? {} : { authTokens: scenario.authTokens }),
    traceEventsMax: config.traceEventsMax ?? 0,
    nodes: config.nodes,
  });
  const judgement = judge(sim, scenario.livenessBoundMs ?? LIVENESS_BOUND_MS, (progress) => {
    for (const step of scenario.steps) runStep(sim, step, progress);
  });
  return { scenario, sim, ...judgement, ...boundsVerdict(sim, judgement, scenario) };
}

/** A run that passed fails its scenario's own liveness bounds: a resync loop, writers held too long. */
function boundsVerdict(sim: Simulation, judgement: Judgement, scenario: Scenario): Pick<Judgement, 'verdict' | 'message'> {
  if (judgement.verdict !== 'pass') return judgement;
  const fullResyncs = sim.primary.machine.getStats(sim.localNow(sim.primary)).fullResyncs;
  if (scenario.fullResyncsMax !== undefined && fullResyncs > scenario.fullResyncsMax) {
    return { verdict: 'liveness', message: `${fullResyncs} full resyncs served, at most ${scenario.fullResyncsMax} expected: a resync loop` };
  }
  const heldTooLong = heldWritesStalled(sim, scenario.heldWritesStallMsMax);
  return heldTooLong === null ? judgement : { verdict: 'liveness', message: heldTooLong };
}

function runStep(sim: Simulation, step: Step, progress: Progress): void {
  if (step.kind === 'write') write(sim, step, progress);
  else {
    applyStep(sim, step);
    if (step.kind !== 'runFor') progress.faultsInjected += 1;
  }
  checkReadOnly(sim);
}

function write(sim: Simulation, step: WriteStep | OperationWriteStep, progress: Progress): void {
  const host = 'node' in step && step.node !== undefined ? sim.host(step.node) : sim.primary;
  if (host.up && sim.isPrimaryHost(host)) tryWrite(sim, operationOfStep(step, sim.localNow(host)), progress, host.name);
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
  failover: (sim) => sim.failover(),
  promote: (sim, step) => (sim.isPrimaryHost(sim.host(step.node)) || !sim.host(step.node).up ? undefined : sim.promote(step.node)),
  repoint: (sim, step) => (step.node === sim.primary.name || step.node === step.primary || !sim.isPrimaryHost(sim.host(step.primary)) ? undefined : sim.repoint(step.node, step.primary)),
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
  if ('primary' in step) return [step.node, step.primary];
  if ('node' in step) return step.node === undefined ? [] : [step.node];
  if ('from' in step) return [step.from, step.to];
  return [];
}

/** The one-line shell command that replays a scenario. */
export function scenarioCommand(scenario: Scenario): string {
  const json = JSON.stringify(scenario).replaceAll("'", "'\\''");
  return nadbSimCommand(`scenario '${json}'`);
}

/** The command that replays the scenario saved in a file (scenarioCommand's, when it is too long for one argument). */
export function scenarioFileCommand(path: string): string {
  return nadbSimCommand(`scenario @${path}`);
}

/**
 * The longest command line scenarioCommand's replay may be: Linux refuses a single argument above
 * 128 KiB ("Argument list too long"), and a shrunk scenario of a few hundred writes of 1 KiB passes
 * that (a CI run printed one of 374 KB).
 */
export const REPLAY_ARGUMENT_BYTES_MAX = 100_000;
