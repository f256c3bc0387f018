import { parseArgs } from 'node:util';
import { parseFaultKinds, type FaultKind } from '../fault-kinds.js';
import { WHOLE_RANGE, type Shard } from '../sweep/shard.js';
import { parseSeed } from './seed.js';
import { COMMAND_NAMES, UsageError, type CommandName } from './usage.js';

/** The seconds of virtual time a timeline shows, from the start of the run. */
export interface WindowSeconds {
  readonly fromS: number;
  readonly toS: number;
}

export interface RunArgs extends OutputArgs {
  readonly name: 'run';
  readonly seed: number;
  readonly secondaries: number | undefined;
  readonly operations: number | undefined;
  readonly faults: FaultKind[] | undefined;
}

export interface SweepArgs {
  readonly name: 'sweep';
  /** The whole range, of which this process runs `shard`. */
  readonly count: number;
  readonly from: number;
  readonly shard: Shard;
  readonly jsonPath: string | undefined;
  readonly workers: number;
  readonly secondaries: number | undefined;
  readonly operations: number | undefined;
  readonly faults: FaultKind[] | undefined;
}

/** Where a run's trace and timeline go, when asked for. */
export interface OutputArgs {
  readonly tracePath: string | undefined;
  readonly timelinePath: string | undefined;
  readonly window: WindowSeconds | undefined;
}

export interface ScenarioArgs extends OutputArgs {
  readonly name: 'scenario';
  /** The scenario's JSON, as the failing property printed it. */
  readonly json: string;
}

export interface MergeArgs {
  readonly name: 'merge';
  readonly paths: readonly string[];
  readonly jsonPath: string | undefined;
}

/** `nadb-sim --help`, or `nadb-sim COMMAND --help` for that command's usage. */
export interface HelpArgs {
  readonly name: 'help';
  readonly command: CommandName | undefined;
}

export type Command = RunArgs | SweepArgs | ScenarioArgs | MergeArgs | HelpArgs;

/** The environment variables the CLI reads: a Kubernetes Indexed Job's pod index, from 0. */
export interface CliEnv {
  readonly JOB_COMPLETION_INDEX?: string | undefined;
}

const SWARM_OPTIONS = { seed: { type: 'string' }, secondaries: { type: 'string' }, ops: { type: 'string' }, faults: { type: 'string' } } as const;
const OUTPUT_OPTIONS = { trace: { type: 'string' }, timeline: { type: 'string' }, window: { type: 'string' } } as const;
const SWEEP_OPTIONS = {
  seeds: { type: 'string' },
  from: { type: 'string' },
  workers: { type: 'string' },
  secondaries: { type: 'string' },
  ops: { type: 'string' },
  faults: { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'string' },
} as const;
const SHARDS_MAX = 100_000;

/** `replay` is `run` that must write the trace and the timeline. */
export function parseCommand(argv: readonly string[], env: CliEnv = {}): Command {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return { name: 'help', command: commandName(rest[0]) };
  if (rest.includes('--help') || rest.includes('-h')) return { name: 'help', command: commandName(name) };
  if (name === undefined) throw new UsageError('a command is needed: run, replay, sweep or scenario');
  if (name === 'run' || name === 'replay') return parseRun(rest, name === 'replay');
  if (name === 'sweep') return parseSweep(rest, env);
  if (name === 'scenario') return parseScenario(rest);
  if (name === 'merge') return parseMerge(rest);
  throw new UsageError(`unknown command '${name}'`);
}

function commandName(text: string | undefined): CommandName | undefined {
  if (text === undefined) return undefined;
  const name = COMMAND_NAMES.find((candidate) => candidate === text);
  if (name === undefined) throw new UsageError(`unknown command '${text}'`);
  return name;
}

function parseRun(argv: readonly string[], outputsRequired: boolean): RunArgs {
  const values = strictParse(argv, { ...SWARM_OPTIONS, ...OUTPUT_OPTIONS });
  if (outputsRequired && (values.trace === undefined || values.timeline === undefined)) throw new UsageError('replay needs --trace FILE and --timeline FILE.html');
  return {
    name: 'run',
    seed: parseSeed(required(values.seed, '--seed')),
    secondaries: optionalCount(values.secondaries, '--secondaries', 1, 16),
    operations: optionalCount(values.ops, '--ops', 1, 10_000_000),
    faults: optionalFaults(values.faults),
    ...outputArgs(values),
  };
}

function parseScenario(argv: readonly string[]): ScenarioArgs {
  const [json, ...flags] = argv;
  if (json === undefined || json.startsWith('--')) throw new UsageError("scenario needs the scenario's JSON as its first argument");
  const values = strictParse(flags, OUTPUT_OPTIONS);
  return { name: 'scenario', json, ...outputArgs(values) };
}

function outputArgs(values: { trace?: string; timeline?: string; window?: string }): OutputArgs {
  if (values.window !== undefined && values.timeline === undefined) throw new UsageError('--window needs --timeline FILE.html');
  return {
    tracePath: values.trace,
    timelinePath: values.timeline,
    window: values.window === undefined ? undefined : parseWindow(values.window),
  };
}

function parseSweep(argv: readonly string[], env: CliEnv): SweepArgs {
  const values = strictParse(argv, SWEEP_OPTIONS);
  const seeds = count(required(values.seeds, '--seeds'), '--seeds', 1, 10_000_000);
  const shard = values.shard === undefined ? WHOLE_RANGE : parseShard(values.shard, env);
  if (shard.total > seeds) throw new UsageError(`--shard: ${seeds} seeds cannot fill ${shard.total} shards`);
  return {
    name: 'sweep',
    count: seeds,
    from: values.from === undefined ? 1 : parseSeed(values.from),
    shard,
    jsonPath: values.json,
    workers: optionalCount(values.workers, '--workers', 1, 64) ?? 2,
    secondaries: optionalCount(values.secondaries, '--secondaries', 1, 16),
    operations: optionalCount(values.ops, '--ops', 1, 10_000_000),
    faults: optionalFaults(values.faults),
  };
}

/**
 * `K/N`, K from 1; or `N` alone in a Kubernetes Indexed Job, whose JOB_COMPLETION_INDEX (from 0)
 * gives K. An explicit K wins over the variable.
 */
function parseShard(text: string, env: CliEnv): Shard {
  const match = /^(?:(\d+)\/)?(\d+)$/.exec(text);
  if (match === null) throw new UsageError(`--shard wants K/N (K from 1 to N), or N with JOB_COMPLETION_INDEX set, not '${text}'`);
  const total = count(match[2] ?? '', '--shard N', 1, SHARDS_MAX);
  if (match[1] !== undefined) return { index: count(match[1], '--shard K', 1, total), total };
  const jobIndex = env.JOB_COMPLETION_INDEX;
  if (jobIndex === undefined) throw new UsageError(`--shard ${text} needs K/N, or JOB_COMPLETION_INDEX set (as a Kubernetes Indexed Job sets it)`);
  return { index: count(jobIndex, 'JOB_COMPLETION_INDEX', 0, total - 1) + 1, total };
}

function parseMerge(argv: readonly string[]): MergeArgs {
  const { values, positionals } = parseOrRefuse(argv, { json: { type: 'string' } }, true);
  if (positionals.length === 0) throw new UsageError('merge needs the sweep files to merge (nadb-sim sweep --json FILE writes one)');
  return { name: 'merge', paths: positionals, jsonPath: values.json };
}

type StringOptions = Record<string, { readonly type: 'string' }>;

function strictParse<T extends StringOptions>(argv: readonly string[], options: T): { [K in keyof T]?: string } {
  return parseOrRefuse(argv, options, false).values;
}

/** parseArgs, with its errors turned into one-line usage errors. */
function parseOrRefuse<T extends StringOptions>(argv: readonly string[], options: T, allowPositionals: boolean): { values: { [K in keyof T]?: string }; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: parsed.values as { [K in keyof T]?: string }, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's first sentence says what is wrong; its advice after it (about '--') does not apply here.
    throw new UsageError(message.split(/\.(\s|$)/)[0] ?? message);
  }
}

function optionalFaults(text: string | undefined): FaultKind[] | undefined {
  if (text === undefined) return undefined;
  try {
    return parseFaultKinds(text);
  } catch (error) {
    throw new UsageError(`--faults: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  return value;
}

function optionalCount(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  return text === undefined ? undefined : count(text, flag, min, max);
}

function count(text: string, flag: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} wants a whole number from ${min} to ${max}, not '${text}'`);
  return value;
}

function parseWindow(text: string): WindowSeconds {
  const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text);
  const fromS = Number(match?.[1]);
  const toS = Number(match?.[2]);
  if (match === null || !(toS > fromS)) throw new UsageError(`--window wants A-B in seconds with A < B, e.g. 12.5-14, not '${text}'`);
  return { fromS, toS };
}
