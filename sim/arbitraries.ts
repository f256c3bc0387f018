/**
 * fast-check arbitraries for the simulator: API calls over small colliding alphabets mixed with wide
 * names, workloads, fault schedules and whole scenarios, with the default property and its reporter.
 */
export { clockFaultsArb, networkFaultsArb, scenarioFaultsArb, storageFaultsArb } from './arbitraries/faults.js';
export { deleteArb, flushArb, metadataArb, operationArb, PATHS, setArb, setTtlArb } from './arbitraries/operations.js';
export { assertScenarioPasses, convergenceProperty, ScenarioFailure, scenarioReport, scenarioReporter } from './arbitraries/property.js';
export { authTokensArb } from './arbitraries/auth.js';
export { burstResyncScenarioArb } from './arbitraries/burst-resync.js';
export { outrunSecondaryScenarioArb } from './arbitraries/outrun-secondary.js';
export { trickleSecondaryScenarioArb } from './arbitraries/trickle-secondary.js';
export { hungDiskScenarioArb } from './arbitraries/hung-disk.js';
export { primaryRestartScenarioArb } from './arbitraries/primary-restart.js';
export { failoverScenarioArb, type FailoverScenarioArbOptions } from './arbitraries/failover.js';
export { scenarioArb, wireFormatsArb, type ScenarioArbOptions } from './arbitraries/scenario.js';
export { faultScheduleArb, faultStepArb, runForStepArb, secondaryNames, stepsArb, workloadArb, writeStepArb } from './arbitraries/steps.js';
export { freshNameArb, longNameArb, nameArb } from './arbitraries/names.js';
export { LONGEST_NAME, WIDE_NAMES } from './arbitraries/alphabets.js';
