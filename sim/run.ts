import { AssertionError } from '../src/core/assert.js';
import { nadbSimCommand } from './replay-command.js';
import { ReplicationError } from '../src/core/errors.js';
import { SafetyCheckers, SafetyViolation, readOnlyViolation } from './checkers.js';
import type { Operation } from '../src/core/operation.js';
import type { ReplicaWait } from '../src/core/primary/replica-waits.js';
import type { SwarmOptions } from './options.js';
import { Prng } from './prng.js';
import { drawSchedule, type ScheduledAction } from './schedule.js';
import { SIM_EPOCH_MS, Simulation, type NodeFactories } from './simulation.js';
import { nextOperation, nextReplicaWait } from './workload.js';

/** Seeds the writers' waits for secondaries (nextReplicaWait). */
const REPLICA_WAITS_SALT = 0x9e3779b9;

/**
 * How long a converged cluster then runs idle, links and all: three times the longest timeout a
 * secondary draws (SIM_TIMING's 2 s, options.ts), so that a link whose heartbeats come slower than
 * its secondary's timeout closes at least twice within it, once on a connection opened after the
 * heal (LinkChurn watches only those). Every step of it runs every checker.
 */
export const QUIET_AFTER_CONVERGENCE_MS = 6_000;

export type Verdict = 'pass' | 'safety' | 'liveness' | 'crash';

/** Exit codes of `nadb-sim run`, one per verdict. */
export const VERDICT_EXIT_CODES: Readonly<Record<Verdict, number>> = Object.freeze({ pass: 0, safety: 1, liveness: 2, crash: 3 });

export interface RunStats {
  readonly virtualMs: number;
  readonly steps: number;
  readonly segmentsDelivered: number;
  readonly writesAccepted: number;
  readonly writesRefused: number;
  /** Writes the primary held back before taking or refusing them (counted there too). */
  readonly writesHeld: number;
  /** Writes whose writers waited for secondaries (minReplicas), and how many were told they were on them. */
  readonly replicaWaits: number;
  readonly replicaWaitsAcknowledged: number;
  readonly faultsInjected: number;
  readonly traceEvents: number;
}

export interface RunResult extends Judgement {
  readonly options: SwarmOptions;
  /** The simulation, for a trace or a timeline. */
  readonly sim: Simulation;
}

export interface RunConfig {
  /** Trace events to keep for a trace file or timeline (0: only the hash). */
  readonly traceEventsMax?: number;
  /** Broken variants of the core, for the bug zoo; the real core by default. */
  readonly nodes?: NodeFactories;
}

/** What the safety phase counts, and the latest expiry it set (which liveness must wait for). */
export interface Progress {
  writesAccepted: number;
  writesRefused: number;
  faultsInjected: number;
  latestExpiryMs: number;
}

export interface Judgement {
  readonly verdict: Verdict;
  /** What went wrong; empty on a pass. */
  readonly message: string;
  readonly traceHash: string;
  readonly stats: RunStats;
}

/**
 * The two phases every run has. Safety: `safetyPhase` runs its workload and faults while every
 * checker runs after every event. Liveness: every fault is healed, the expiries the writes set come
 * due (converging before one is due proves nothing about replicating it; at most a bound's wait),
 * and all secondaries must then equal the primary within `livenessBoundMs` of virtual time, and
 * stay so, without a link closing, for QUIET_AFTER_CONVERGENCE_MS.
 */
export function judge(sim: Simulation, livenessBoundMs: number, safetyPhase: (progress: Progress) => void): Judgement {
  const progress: Progress = { writesAccepted: 0, writesRefused: 0, faultsInjected: 0, latestExpiryMs: Number.NEGATIVE_INFINITY };
  const finish = (verdict: Verdict, message: string): Judgement => {
    const held = sim.heldWrites;
    const writes = {
      writesAccepted: progress.writesAccepted + held.taken,
      writesRefused: progress.writesRefused + held.refused,
      writesHeld: held.held,
      replicaWaits: sim.replicaWaits.waited,
      replicaWaitsAcknowledged: sim.replicaWaits.acknowledged,
    };
    const stats = { virtualMs: sim.nowMs - SIM_EPOCH_MS, steps: sim.steps, segmentsDelivered: sim.network.segmentsDelivered, traceEvents: sim.trace.eventCount, faultsInjected: progress.faultsInjected, ...writes };
    return { verdict, message, traceHash: sim.trace.hash(), stats };
  };
  try {
    new SafetyCheckers().attach(sim);
    safetyPhase(progress);
    sim.heal();
    if (progress.latestExpiryMs > Number.NEGATIVE_INFINITY) {
      sim.runUntilTime(Math.min(sim.primary.clock.virtualMsAt(progress.latestExpiryMs + 1), sim.nowMs + livenessBoundMs));
    }
    if (!sim.runUntil(() => sim.converged(), livenessBoundMs)) {
      return finish('liveness', `not converged ${livenessBoundMs} ms after healing: ${sim.divergence() ?? ''}`);
    }
    sim.linkChurn.watchFrom(sim.nowMs);
    sim.runFor(QUIET_AFTER_CONVERGENCE_MS);
    if (sim.linkChurn.violation !== null) return finish('liveness', `a link closed: ${sim.linkChurn.violation}`);
    if (!sim.converged()) return finish('liveness', `converged, then not ${QUIET_AFTER_CONVERGENCE_MS} ms later: ${sim.divergence() ?? ''}`);
    return finish('pass', '');
  } catch (error) {
    if (error instanceof SafetyViolation) return finish('safety', error.message);
    if (error instanceof AssertionError) return finish('crash', `invariant: ${error.message}`);
    return finish('crash', error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

/** One simulated run of a seed's swarm: its workload and fault schedule, then liveness. */
export function runSimulation(options: SwarmOptions, config: RunConfig = {}): RunResult {
  const sim = new Simulation({
    seed: options.seed,
    secondaries: options.secondaries,
    limits: options.limits,
    timing: options.timing,
    faults: options.faults,
    wireFormats: options.wireFormats,
    authTokens: options.authTokens,
    persistedLog: options.persistedLog,
    nodeLimits: options.nodeLimits,
    nodeTiming: options.nodeTiming,
    traceEventsMax: config.traceEventsMax ?? 0,
    nodes: config.nodes,
  });
  const judgement = judge(sim, options.livenessBoundMs, (progress) => runSafetyPhase(sim, options, progress));
  const heldTooLong = judgement.verdict === 'pass' ? heldWritesStalled(sim, options.heldWritesStallMsMax) : null;
  return { options, sim, ...judgement, ...(heldTooLong === null ? {} : { verdict: 'liveness', message: heldTooLong }) };
}

/** Why the primary held writes back too long with none taken (past `stallMsMax`), or null. */
export function heldWritesStalled(sim: Simulation, stallMsMax: number | undefined): string | null {
  const stallMs = sim.heldWrites.longestStallMs;
  if (stallMsMax === undefined || stallMs <= stallMsMax) return null;
  return `writes held back ${stallMs} ms with none taken, at most ${stallMsMax} expected: the writers were held longer than any secondary's pace or the primary's disk explains`;
}

function runSafetyPhase(sim: Simulation, options: SwarmOptions, progress: Progress): void {
  const prng = new Prng(options.seed ^ 0x3c6ef372);
  // A stream of its own, so that the writers' waits leave the workload's and the faults' draws as they were.
  const waits = new Prng(options.seed ^ REPLICA_WAITS_SALT);
  const workload = options.workload;
  const durationMs = workload.operations * workload.writeIntervalMeanMs;
  const secondaries = sim.secondaries.map((host) => host.name);
  const schedule: ScheduledAction[] = drawSchedule(prng.fork(), options.faults.scheduled, secondaries, sim.nowMs, durationMs);
  let nextWriteMs = sim.nowMs;
  let writes = 0;
  let next = 0;
  while (writes < workload.operations) {
    const action = schedule[next];
    if (action !== undefined && action.atMs <= nextWriteMs) {
      sim.runUntilTime(action.atMs);
      action.run(sim);
      progress.faultsInjected += 1;
      next += 1;
      continue;
    }
    sim.runUntilTime(nextWriteMs);
    const wait = nextReplicaWait(waits, secondaries.length);
    if (sim.primary.up) tryWrite(sim, nextOperation(prng, workload, sim.localNow(sim.primary)), progress, sim.primary.name, wait);
    else progress.writesRefused += 1;
    writes += 1;
    if (writes % 50 === 0) checkReadOnly(sim);
    nextWriteMs += Math.max(0, Math.round(-workload.writeIntervalMeanMs * Math.log(1 - prng.nextFloat())));
  }
}

/**
 * A write made to `node` (the current primary when absent), as the runtime's writers make theirs:
 * one the primary refuses (loading, back-pressure) is not acknowledged, not a loss; one it holds
 * back is counted once it is taken or refused (Simulation.offerWrite).
 */
export function tryWrite(sim: Simulation, op: Operation, progress: Progress, node: string = sim.primary.name, wait: ReplicaWait | null = null): void {
  let outcome: 'taken' | 'held';
  try {
    outcome = sim.offerWrite(node, op, wait);
  } catch (error) {
    if (!(error instanceof ReplicationError)) throw error;
    progress.writesRefused += 1;
    return;
  }
  if (outcome === 'taken') progress.writesAccepted += 1;
  if ('expiresAtMs' in op && op.expiresAtMs !== null) progress.latestExpiryMs = Math.max(progress.latestExpiryMs, op.expiresAtMs);
}

export function checkReadOnly(sim: Simulation): void {
  const violation = readOnlyViolation(sim);
  if (violation !== null) throw new SafetyViolation(violation);
}

/** The command that replays a run exactly. */
export function replayCommand(options: SwarmOptions): string {
  const faults = options.faultKinds === undefined ? '' : ` --faults ${options.faultKinds.length === 0 ? 'none' : options.faultKinds.join(',')}`;
  return nadbSimCommand(`run --seed ${options.seed} --secondaries ${options.secondaries} --ops ${options.workload.operations}${faults}`);
}

