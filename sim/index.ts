/**
 * The simulator as a library (`nadb-replication/sim`): the deterministic simulation, its checkers,
 * seeded swarm runs, JSON scenarios, and fast-check arbitraries (fast-check must be installed) for
 * writing your own properties.
 */
export {
  assertScenarioPasses,
  clockFaultsArb,
  convergenceProperty,
  deleteArb,
  faultScheduleArb,
  faultStepArb,
  flushArb,
  freshNameArb,
  LONGEST_NAME,
  longNameArb,
  metadataArb,
  nameArb,
  networkFaultsArb,
  operationArb,
  PATHS,
  runForStepArb,
  scenarioArb,
  scenarioFaultsArb,
  ScenarioFailure,
  scenarioReport,
  scenarioReporter,
  secondaryNames,
  setArb,
  setTtlArb,
  stepsArb,
  storageFaultsArb,
  workloadArb,
  writeStepArb,
  WIDE_NAMES,
  type ScenarioArbOptions,
} from './arbitraries.js';
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
