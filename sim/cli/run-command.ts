import { swarmOptions, type SwarmOptions } from '../options.js';
import { replayCommand, VERDICT_EXIT_CODES, type RunConfig, type RunResult } from '../run.js';
import { SIM_EPOCH_MS } from '../simulation.js';
import { renderTimeline } from '../timeline.js';
import type { OutputArgs, RunArgs, WindowSeconds } from './args.js';
import { formatOptions, formatStats } from './format.js';
import type { CliIo } from './io.js';
import { checkOutputPaths, writeOutput } from './outputs.js';
import { replayLines } from './replay-lines.js';
import { UsageError } from './usage.js';

/** Enough for any run of the default swarm; a liveness failure's long tail is mostly heartbeats. */
export const FULL_TRACE_EVENTS = 2_000_000;

export type Runner = (options: SwarmOptions, config: RunConfig) => RunResult;

/** `nadb-sim run` and `replay`: one seed, its verdict as the exit code. */
export function runCommand(args: RunArgs, io: CliIo, runner: Runner): number {
  checkOutputs(args, io);
  const options = swarmOptions(args.seed, { secondaries: args.secondaries, operations: args.operations, faults: args.faults });
  for (const line of formatOptions(options)) io.out(line);
  const keepsTrace = args.tracePath !== undefined || args.timelinePath !== undefined;
  const startedMs = io.nowMs();
  const result = runner(options, { traceEventsMax: keepsTrace ? FULL_TRACE_EVENTS : 0 });
  const wallMs = io.nowMs() - startedMs;
  io.out(`verdict   ${result.verdict.toUpperCase()}${result.message === '' ? '' : `: ${result.message}`}`);
  io.out(`trace     ${result.traceHash}`);
  io.out(`stats     ${formatStats(result.stats, wallMs)}`);
  const title = `nadb-sim seed ${result.options.seed}: ${result.verdict}`;
  const replay = replayLines(replayCommand(options), io);
  if (keepsTrace) writeOutputs(args, { ...result, title, replay }, io);
  if (result.verdict !== 'pass') for (const [index, line] of replay.entries()) io.out(`${index === 0 ? 'replay   ' : '         '} ${line}`);
  return VERDICT_EXIT_CODES[result.verdict];
}

/** What a trace file and a timeline are made of, for a seed's run or a scenario's. */
export interface TracedRun {
  readonly sim: RunResult['sim'];
  readonly verdict: RunResult['verdict'];
  readonly message: string;
  readonly traceHash: string;
  readonly title: string;
  /** The replay command, one form a line. */
  readonly replay: readonly string[];
}

export function checkOutputs(args: OutputArgs, io: CliIo): void {
  checkOutputPaths(io, { '--trace': args.tracePath, '--timeline': args.timelinePath });
}

export function writeOutputs(args: OutputArgs, result: TracedRun, io: CliIo): void {
  if (args.window !== undefined) checkWindow(args.window, result.sim.nowMs - SIM_EPOCH_MS);
  const trace = result.sim.trace;
  if (trace.eventsDropped > 0) io.err(`note: the trace kept the first ${trace.events.length} of ${trace.eventCount} events`);
  if (args.tracePath !== undefined) {
    writeOutput(io, args.tracePath, trace.toJsonLines());
    io.out(`wrote     ${args.tracePath} (${trace.events.length} events, JSON lines)`);
  }
  if (args.timelinePath !== undefined) {
    writeOutput(io, args.timelinePath, timeline(result, args.window));
    io.out(`wrote     ${args.timelinePath} (timeline)`);
  }
}

function timeline(result: TracedRun, window: WindowSeconds | undefined): string {
  const virtualMs = (s: number): number => SIM_EPOCH_MS + s * 1_000;
  return renderTimeline(result.sim.trace.events, {
    nodes: [result.sim.primary.name, ...result.sim.secondaries.map((host) => host.name)],
    title: result.title,
    notes: [result.message, `trace ${result.traceHash}`, ...result.replay.map((line) => `replay: ${line}`)].filter((note) => note !== ''),
    originMs: SIM_EPOCH_MS,
    window: window === undefined ? undefined : { fromMs: virtualMs(window.fromS), toMs: virtualMs(window.toS) },
  });
}

/** A window that misses the run would draw an empty page: say so instead. */
function checkWindow(window: WindowSeconds, runMs: number): void {
  if (window.fromS * 1_000 < runMs) return;
  throw new UsageError(`--window ${window.fromS}-${window.toS} starts after the run, which lasted ${(runMs / 1_000).toFixed(1)} s of virtual time: pick A below that`);
}
