/**
 * The simulator as a library (`nadb-replication/sim`): the deterministic simulation, its checkers,
 * seeded swarm runs and JSON scenarios. It loads without fast-check: the arbitraries, the default
 * property and its reporter are `nadb-replication/sim/arbitraries`, which needs fast-check installed.
 */
export { LONGEST_NAME, WIDE_NAMES } from './arbitraries/alphabets.js';
export { MonotonicChecker, PrefixChecker, readOnlyViolation, SafetyCheckers, SafetyViolation } from './checkers.js';
export { PRIMARY, type SegmentFilter } from './network.js';
export {
  NO_FAULTS,
  NO_NETWORK_FAULTS,
  SIM_LIMITS,
  SIM_TIMING,
  swarmOptions,
  type ClockFaults,
  type FaultOptions,
  type NetworkFaults,
  type NodeFaults,
  type ScheduledFaults,
  type StorageFaults,
  type SwarmOptions,
  type WorkloadOptions,
} from './options.js';
export { replayCommand, runSimulation, VERDICT_EXIT_CODES, type RunConfig, type RunResult, type RunStats, type Verdict } from './run.js';
export {
  applyStep,
  resolveOperation,
  runScenario,
  scenarioCommand,
  type FaultStep,
  type OperationSpec,
  type RunForStep,
  type Scenario,
  type ScenarioFaults,
  type ScenarioResult,
  type Step,
  type WriteStep,
} from './scenario.js';
export { REAL_NODES, SIM_EPOCH_MS, Simulation, type History, type Host, type NodeFactories, type SimulationOptions } from './simulation.js';
