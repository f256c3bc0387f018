import { swarmOptions, type SwarmOptions } from '../options.js';
import { replayCommand, VERDICT_EXIT_CODES, type RunConfig, type RunResult } from '../run.js';
import { SIM_EPOCH_MS } from '../simulation.js';
import { renderTimeline } from '../timeline.js';
import type { OutputArgs, RunArgs, WindowSeconds } from './args.js';
import { formatOptions, formatStats } from './format.js';
import type { CliIo } from './io.js';

/** Enough for any run of the default swarm; a liveness failure's long tail is mostly heartbeats. */
export const FULL_TRACE_EVENTS = 2_000_000;

export type Runner = (options: SwarmOptions, config: RunConfig) => RunResult;

/** `nadb-sim run` and `replay`: one seed, its verdict as the exit code. */
export function runCommand(args: RunArgs, io: CliIo, runner: Runner): number {
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
  if (keepsTrace) writeOutputs(args, { ...result, title, replay: replayCommand(options) }, io);
  if (result.verdict !== 'pass') io.out(`replay    ${replayCommand(options)}`);
  return VERDICT_EXIT_CODES[result.verdict];
}

/** What a trace file and a timeline are made of, for a seed's run or a scenario's. */
export interface TracedRun {
  readonly sim: RunResult['sim'];
  readonly verdict: RunResult['verdict'];
  readonly message: string;
  readonly traceHash: string;
  readonly title: string;
  readonly replay: string;
}

export function writeOutputs(args: OutputArgs, result: TracedRun, io: CliIo): void {
  const trace = result.sim.trace;
  if (trace.eventsDropped > 0) io.err(`note: the trace kept the first ${trace.events.length} of ${trace.eventCount} events`);
  if (args.tracePath !== undefined) {
    io.writeFile(args.tracePath, trace.toJsonLines());
    io.out(`wrote     ${args.tracePath} (${trace.events.length} events, JSON lines)`);
  }
  if (args.timelinePath !== undefined) {
    io.writeFile(args.timelinePath, timeline(result, args.window));
    io.out(`wrote     ${args.timelinePath} (timeline)`);
  }
}

function timeline(result: TracedRun, window: WindowSeconds | undefined): string {
  const virtualMs = (s: number): number => SIM_EPOCH_MS + s * 1_000;
  return renderTimeline(result.sim.trace.events, {
    nodes: [result.sim.primary.name, ...result.sim.secondaries.map((host) => host.name)],
    title: result.title,
    notes: [result.message, `trace ${result.traceHash}, ${result.replay}`].filter((note) => note !== ''),
    originMs: SIM_EPOCH_MS,
    window: window === undefined ? undefined : { fromMs: virtualMs(window.fromS), toMs: virtualMs(window.toS) },
  });
}
