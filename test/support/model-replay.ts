/**
 * Runs of a model-based (fc.commands) property that a failure can replay exactly: the report
 * names the seed, the path and the commands' replay path as environment variables under one
 * prefix, and the same variables, when set, make the next run replay it.
 *   <PREFIX>_SEED, <PREFIX>_PATH, <PREFIX>_REPLAY: what a failure printed; <PREFIX>_RUNS: how many runs.
 */
import type fc from 'fast-check';

export interface ModelReplay<C> {
  /** What fc.commands takes as its `replayPath`. */
  readonly replayPath: string | undefined;
  /** fc.assert's parameters: the runs, the report, and the replay when asked for. */
  readonly parameters: fc.Parameters<[C]>;
}

/** fast-check's commands print the path that replays their shrinking: `a,b /*replayPath="..."*\/`. */
function replayPathOf(commands: unknown): string {
  return /\/\*replayPath="([^"]*)"\*\//.exec(String(commands))?.[1] ?? '';
}

export function modelReplay<C>(options: { readonly envPrefix: string; readonly testFile: string; readonly runsDefault: number }): ModelReplay<C> {
  const env = (name: string): string | undefined => process.env[`${options.envPrefix}_${name}`];
  const report = (details: fc.RunDetails<[C]>): void => {
    if (!details.failed) return;
    const error = details.errorInstance;
    const commands = details.counterexample?.[0];
    const variables = [
      `${options.envPrefix}_SEED=${details.seed}`,
      `${options.envPrefix}_PATH=${details.counterexamplePath ?? ''}`,
      `${options.envPrefix}_REPLAY=${replayPathOf(commands)}`,
    ];
    throw new Error([
      `Property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s): ${String(commands ?? 'no counterexample')}`,
      `replay: ${variables.join(' ')} npx vitest run ${options.testFile}`,
      error instanceof Error ? error.message : String(error),
    ].join('\n'), { cause: error });
  };
  const seed = env('SEED');
  const replay = seed === undefined ? {} : { seed: Number(seed), path: env('PATH'), endOnFailure: true };
  return {
    replayPath: env('REPLAY'),
    parameters: { numRuns: Number(env('RUNS') ?? options.runsDefault), reporter: report, ...replay },
  };
}
