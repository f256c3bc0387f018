import { parseArgs } from 'node:util';
import { parseFaultKinds, type FaultKind } from '../fault-kinds.js';
import { parseSeed } from './seed.js';
import { UsageError } from './usage.js';

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
  readonly count: number;
  readonly from: number;
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

export type Command = RunArgs | SweepArgs | ScenarioArgs | { readonly name: 'help' };

const SWARM_OPTIONS = { seed: { type: 'string' }, secondaries: { type: 'string' }, ops: { type: 'string' }, faults: { type: 'string' } } as const;
const OUTPUT_OPTIONS = { trace: { type: 'string' }, timeline: { type: 'string' }, window: { type: 'string' } } as const;
const SWEEP_OPTIONS = { seeds: { type: 'string' }, from: { type: 'string' }, workers: { type: 'string' }, secondaries: { type: 'string' }, ops: { type: 'string' }, faults: { type: 'string' } } as const;

/** `replay` is `run` that must write the trace and the timeline. */
export function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  if (name === undefined) throw new UsageError('a command is needed: run, replay, sweep or scenario');
  if (name === 'run' || name === 'replay') return parseRun(rest, name === 'replay');
  if (name === 'sweep') return parseSweep(rest);
  if (name === 'scenario') return parseScenario(rest);
  throw new UsageError(`unknown command '${name}'`);
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

function parseSweep(argv: readonly string[]): SweepArgs {
  const values = strictParse(argv, SWEEP_OPTIONS);
  return {
    name: 'sweep',
    count: count(required(values.seeds, '--seeds'), '--seeds', 1, 10_000_000),
    from: values.from === undefined ? 1 : parseSeed(values.from),
    workers: optionalCount(values.workers, '--workers', 1, 64) ?? 2,
    secondaries: optionalCount(values.secondaries, '--secondaries', 1, 16),
    operations: optionalCount(values.ops, '--ops', 1, 10_000_000),
    faults: optionalFaults(values.faults),
  };
}

type StringOptions = Record<string, { readonly type: 'string' }>;

/** parseArgs, with its errors turned into one-line usage errors. */
function strictParse<T extends StringOptions>(argv: readonly string[], options: T): { [K in keyof T]?: string } {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as { [K in keyof T]?: string };
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
