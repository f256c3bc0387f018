/**
 * fast-check arbitraries for the simulator: operations over small alphabets (so that writes collide),
 * workloads, fault schedules and whole scenarios, with the default property and its reporter.
 */
export { clockFaultsArb, networkFaultsArb, scenarioFaultsArb, storageFaultsArb } from './arbitraries/faults.js';
export { deleteArb, flushArb, metadataArb, operationArb, PATHS, setArb, setTtlArb } from './arbitraries/operations.js';
export { assertScenarioPasses, convergenceProperty, ScenarioFailure, scenarioReport, scenarioReporter } from './arbitraries/property.js';
export { scenarioArb, type ScenarioArbOptions } from './arbitraries/scenario.js';
export { faultScheduleArb, faultStepArb, runForStepArb, secondaryNames, stepsArb, workloadArb, writeStepArb } from './arbitraries/steps.js';
