import { WIRE_FORMAT_SETTINGS } from '../../src/core/codec/wire-format.js';
/**
 * A simulator's scenario checked field by field before anything starts: what `nadb-sim scenario`
 * would take, and no more. The simulator trusts its own JSON; a pasted one gets a typed error
 * naming the field (SimScenarioError, exit 64), never a crash half-way through a run.
 */
import { DEFAULT_LIMITS, DEFAULT_TIMING, validateLimits, validateTiming } from '../../src/core/limits.js';
import { PRIMARY } from '../../sim/network.js';
import { SIM_LIMITS, SIM_TIMING } from '../../sim/options.js';
import type { Scenario } from '../../sim/scenario.js';
import { SimScenarioError } from './error.js';
import { FROM_SIM_LIMITS } from './limits.js';
import { FAILOVER_REFUSED } from './verbs.js';

type Json = Readonly<Record<string, unknown>>;
type Check = (value: unknown, where: string) => void;

function fail(where: string, what: string): never {
  throw new SimScenarioError(`${where}: ${what}`);
}

function objectAt(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, `must be an object, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value as Json;
}

const numberIn =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(where, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  };
const integerIn =
  (min: number, max: number): Check =>
  (value, where) => {
    numberIn(min, max)(value, where);
    if (!Number.isInteger(value)) fail(where, `must be an integer, got ${String(value)}`);
  };
const text: Check = (value, where) => {
  if (typeof value !== 'string') fail(where, `must be a string, got ${JSON.stringify(value) ?? 'nothing'}`);
};
const texts: Check = (value, where) => {
  if (!Array.isArray(value)) fail(where, 'must be an array of strings');
  value.forEach((item, index) => text(item, `${where}[${index}]`));
};
const oneOf =
  (...choices: readonly unknown[]): Check =>
  (value, where) => {
    if (!choices.includes(value)) fail(where, `must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}`);
  };
const orNull =
  (check: Check): Check =>
  (value, where) => {
    if (value !== null) check(value, where);
  };
const MS = numberIn(0);
const PROBABILITY = numberIn(0, 1);
const TTL_SECONDS = orNull(numberIn(-Number.MAX_SAFE_INTEGER));

/** Checks each field of `fields` in `record`; with `partial`, absent ones are allowed. */
function checkFields(record: Json, fields: Readonly<Record<string, Check>>, where: string, partial = false): void {
  for (const [name, check] of Object.entries(fields)) {
    if (record[name] === undefined && partial) continue;
    check(record[name], `${where}.${name}`);
  }
}

/** Fields whose name ends in '?' are optional. */
function fieldsOf(fields: Readonly<Record<string, Check>>): Readonly<Record<string, Check>> {
  return Object.fromEntries(Object.entries(fields).map(([name, check]) => [name.replace(/\?$/, ''), (value: unknown, where: string) => (name.endsWith('?') && value === undefined ? undefined : check(value, where))]));
}

const NETWORK = fieldsOf({
  delayMinMs: MS,
  delayJitterMeanMs: MS,
  dropProbability: PROBABILITY,
  duplicateProbability: PROBABILITY,
  reorderProbability: PROBABILITY,
  corruptProbability: PROBABILITY,
  rechunkProbability: PROBABILITY,
  resetProbability: PROBABILITY,
});
const STORAGE = fieldsOf({ latencyMeanMs: MS, durability: oneOf('immediate', 'lazy'), syncIntervalMs: MS, failProbability: PROBABILITY, 'stallProbability?': PROBABILITY, 'stallMs?': MS });
const CLOCKS = fieldsOf({ offsetMaxMs: MS, driftMaxPpm: numberIn(0) });

const CALLS: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  writeWithReplication: fieldsOf({ relativePath: text, data: text, 'key?': text, 'tags?': texts, 'ttl?': TTL_SECONDS }),
  deleteWithReplication: fieldsOf({ relativePath: text, 'key?': text }),
  setTtl: fieldsOf({ path: text, ttl: TTL_SECONDS }),
  setTags: fieldsOf({ path: text, tags: texts }),
  flush: fieldsOf({ db: orNull(text), namespace: orNull(text) }),
};
/** The older `{op}` form of a write. */
const SPECS: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  SET: fieldsOf({ path: text, value: text, db: text, namespace: text, tags: texts, expiresInMs: orNull(numberIn(-Number.MAX_SAFE_INTEGER)) }),
  DELETE: fieldsOf({ path: text }),
  SET_TTL: fieldsOf({ path: text, expiresInMs: orNull(numberIn(-Number.MAX_SAFE_INTEGER)) }),
  METADATA: fieldsOf({ path: text, tags: texts }),
  FLUSH: fieldsOf({ db: orNull(text), namespace: orNull(text) }),
};

function checkTagged(value: unknown, tag: string, table: Readonly<Record<string, Readonly<Record<string, Check>>>>, where: string): void {
  const record = objectAt(value, where);
  oneOf(...Object.keys(table))(record[tag], `${where}.${tag}`);
  checkFields(record, table[String(record[tag])] ?? {}, where);
}

function checkWrite(step: Json, where: string): void {
  if ('op' in step) return checkTagged(step.op, 'type', SPECS, `${where}.op`);
  checkTagged(step.call, 'method', CALLS, `${where}.call`);
  if (step.context !== undefined) checkFields(objectAt(step.context, `${where}.context`), { db: text, namespace: text }, `${where}.context`);
}

const FAILOVER_VERBS: readonly string[] = ['promote', 'repoint', 'failover'];

const STEP_FIELDS: Readonly<Record<string, (nodes: Check) => Readonly<Record<string, Check>>>> = {
  runFor: () => ({ ms: MS }),
  crash: (node) => ({ node }),
  restart: (node) => ({ node }),
  partition: (node) => ({ node }),
  repair: (node) => ({ node }),
  clog: (node) => ({ node }),
  unclog: (node) => ({ node }),
  reset: (node) => ({ node }),
  partitionOneway: (node) => ({ from: node, to: node }),
  hold: (node) => ({ from: node, to: node }),
  release: (node) => ({ from: node, to: node }),
  skewClock: (node) => ({ node, deltaMs: numberIn(-Number.MAX_SAFE_INTEGER) }),
  restartPrimary: () => ({}),
};

function checkStep(value: unknown, where: string, node: Check): void {
  const step = objectAt(value, where);
  if (FAILOVER_VERBS.includes(String(step.kind))) fail(`${where}.kind`, `${String(step.kind)}: ${FAILOVER_REFUSED}`);
  if (step.kind === 'write' && step.node !== undefined) fail(`${where}.node`, `a write to a named primary: ${FAILOVER_REFUSED}`);
  oneOf('write', ...Object.keys(STEP_FIELDS))(step.kind, `${where}.kind`);
  if (step.kind === 'write') checkWrite(step, where);
  else checkFields(step, STEP_FIELDS[String(step.kind)]?.(node) ?? {}, where);
}

function checkSteps(value: unknown, node: Check): void {
  if (!Array.isArray(value)) fail('steps', 'must be an array');
  if (value.length > FROM_SIM_LIMITS.stepsMax) fail('steps', `${value.length} steps, more than the ${FROM_SIM_LIMITS.stepsMax} a scenario may have`);
  value.forEach((step, index) => checkStep(step, `steps[${index}]`, node));
}

function checkFaults(value: unknown, nodeNames: readonly string[]): void {
  const faults = objectAt(value, 'faults');
  checkFields(objectAt(faults.network, 'faults.network'), NETWORK, 'faults.network');
  checkFields(objectAt(faults.storage, 'faults.storage'), STORAGE, 'faults.storage');
  checkFields(objectAt(faults.clocks, 'faults.clocks'), CLOCKS, 'faults.clocks');
  checkByNode(faults.nodeFaults, 'faults.nodeFaults', nodeNames, (own, where) => {
    const record = objectAt(own, where);
    if (record.storage !== undefined) checkFields(objectAt(record.storage, `${where}.storage`), STORAGE, `${where}.storage`, true);
    if (record.link !== undefined) checkFields(objectAt(record.link, `${where}.link`), NETWORK, `${where}.link`, true);
  });
}

/** An optional record by node name. */
function checkByNode(value: unknown, where: string, nodeNames: readonly string[], check: Check): void {
  if (value === undefined) return;
  for (const [name, item] of Object.entries(objectAt(value, where))) {
    oneOf(...nodeNames)(name, `${where} key`);
    check(item, `${where}.${name}`);
  }
}

/** The core's own checks of limits and timing, as a node would run them at start. */
function checkSettings(scenario: Json): void {
  try {
    validateLimits({ ...DEFAULT_LIMITS, ...(scenario.limits === undefined ? SIM_LIMITS : objectAt(scenario.limits, 'limits')) });
    validateTiming({ ...DEFAULT_TIMING, ...(scenario.timing === undefined ? SIM_TIMING : objectAt(scenario.timing, 'timing')) });
  } catch (error) {
    if (error instanceof SimScenarioError) throw error;
    throw new SimScenarioError(`limits or timing: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The scenario `value` holds, or a SimScenarioError naming the first field that is wrong. */
export function validScenario(value: unknown): Scenario {
  const scenario = objectAt(value, 'the scenario');
  integerIn(0, 0xffff_ffff)(scenario.seed, 'seed');
  integerIn(1, FROM_SIM_LIMITS.secondariesMax)(scenario.secondaries, 'secondaries');
  const nodeNames = [PRIMARY, ...Array.from({ length: Number(scenario.secondaries) }, (_, index) => `s${index + 1}`)];
  checkFaults(scenario.faults, nodeNames);
  checkSettings(scenario);
  checkByNode(scenario.wireFormats, 'wireFormats', nodeNames, oneOf(...WIRE_FORMAT_SETTINGS));
  checkByNode(scenario.authTokens, 'authTokens', nodeNames, text);
  checkFields(scenario, fieldsOf({ 'livenessBoundMs?': integerIn(0, Number.MAX_SAFE_INTEGER), 'fullResyncsMax?': integerIn(0, Number.MAX_SAFE_INTEGER), 'heldWritesStallMsMax?': integerIn(0, Number.MAX_SAFE_INTEGER) }), 'the scenario');
  checkSteps(scenario.steps, oneOf(...nodeNames));
  return value as Scenario;
}

/** Parses and checks a scenario's JSON text. */
export function parseSimScenario(json: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SimScenarioError(`the scenario is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validScenario(value);
}
