import { AssertionError } from '../src/core/assert.js';
import { ReplicationError } from '../src/core/errors.js';
import { SafetyCheckers, SafetyViolation, readOnlyViolation } from './checkers.js';
import type { SwarmOptions, WorkloadOptions } from './options.js';
import { Prng } from './prng.js';
import { drawSchedule, type ScheduledAction } from './schedule.js';
import { SIM_EPOCH_MS, Simulation, type NodeFactories } from './simulation.js';
import { nextOperation } from './workload.js';

export type Verdict = 'pass' | 'safety' | 'liveness' | 'crash';

/** Exit codes of `nadb-sim run`, one per verdict. */
export const VERDICT_EXIT_CODES: Readonly<Record<Verdict, number>> = Object.freeze({ pass: 0, safety: 1, liveness: 2, crash: 3 });

export interface RunStats {
  readonly virtualMs: number;
  readonly steps: number;
  readonly segmentsDelivered: number;
  readonly writesAccepted: number;
  readonly writesRefused: number;
  readonly faultsInjected: number;
  readonly traceEvents: number;
}

export interface RunResult {
  readonly options: SwarmOptions;
  readonly verdict: Verdict;
  /** What went wrong; empty on a pass. */
  readonly message: string;
  readonly traceHash: string;
  readonly stats: RunStats;
  /** The simulation, for a trace or a timeline. */
  readonly sim: Simulation;
}

export interface RunConfig {
  /** Trace events to keep for a trace file or timeline (0: only the hash). */
  readonly traceEventsMax?: number;
  /** Broken variants of the core, for the bug zoo; the real core by default. */
  readonly nodes?: NodeFactories;
}

/**
 * One simulated run in two phases. Safety: the workload runs under the swarm's faults, and every
 * checker runs after every event. Liveness: every fault is healed, and all secondaries must equal
 * the primary within livenessBoundMs of virtual time.
 */
export function runSimulation(options: SwarmOptions, config: RunConfig = {}): RunResult {
  const sim = new Simulation({
    seed: options.seed,
    secondaries: options.secondaries,
    limits: options.limits,
    timing: options.timing,
    faults: options.faults,
    traceEventsMax: config.traceEventsMax ?? 0,
    nodes: config.nodes,
  });
  const counters = { writesAccepted: 0, writesRefused: 0, faultsInjected: 0 };
  const finish = (verdict: Verdict, message: string): RunResult => ({
    options,
    verdict,
    message,
    traceHash: sim.trace.hash(),
    stats: { virtualMs: sim.nowMs - SIM_EPOCH_MS, steps: sim.steps, segmentsDelivered: sim.network.segmentsDelivered, traceEvents: sim.trace.eventCount, ...counters },
    sim,
  });
  try {
    new SafetyCheckers().attach(sim);
    runSafetyPhase(sim, options, counters);
    sim.heal();
    const converged = sim.runUntil(() => sim.converged(), options.livenessBoundMs);
    if (!converged) return finish('liveness', `not converged ${options.livenessBoundMs} ms after healing: ${sim.divergence() ?? ''}`);
    return finish('pass', '');
  } catch (error) {
    if (error instanceof SafetyViolation) return finish('safety', error.message);
    if (error instanceof AssertionError) return finish('crash', `invariant: ${error.message}`);
    return finish('crash', error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

function runSafetyPhase(sim: Simulation, options: SwarmOptions, counters: { writesAccepted: number; writesRefused: number; faultsInjected: number }): void {
  const prng = new Prng(options.seed ^ 0x3c6ef372);
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
      counters.faultsInjected += 1;
      next += 1;
      continue;
    }
    sim.runUntilTime(nextWriteMs);
    if (tryWrite(sim, prng, workload)) counters.writesAccepted += 1;
    else counters.writesRefused += 1;
    writes += 1;
    if (writes % 50 === 0) checkReadOnly(sim);
    nextWriteMs += Math.max(0, Math.round(-workload.writeIntervalMeanMs * Math.log(1 - prng.nextFloat())));
  }
}

/** A write the primary refuses (down, loading, back-pressure) is not acknowledged: not a loss. */
function tryWrite(sim: Simulation, prng: Prng, workload: WorkloadOptions): boolean {
  if (!sim.primary.up) return false;
  try {
    sim.write(nextOperation(prng, workload, sim.localNow(sim.primary)));
    return true;
  } catch (error) {
    if (error instanceof ReplicationError) return false;
    throw error;
  }
}

function checkReadOnly(sim: Simulation): void {
  const violation = readOnlyViolation(sim);
  if (violation !== null) throw new SafetyViolation(violation);
}

/** The command that replays a run exactly. */
export function replayCommand(options: SwarmOptions): string {
  return `npm run sim -- run --seed ${options.seed} --secondaries ${options.secondaries} --ops ${options.workload.operations}`;
}

