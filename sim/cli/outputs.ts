import type { CliIo } from './io.js';
import { UsageError } from './usage.js';

/** A file the CLI was asked to write and could not, after checking that it could: exit 73. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/**
 * Refuses, before anything runs, an output path that cannot be written: a whole simulation should
 * not run only to lose its result at the end.
 */
export function checkOutputPaths(io: CliIo, paths: Record<string, string | undefined>): void {
  for (const [flag, path] of Object.entries(paths)) {
    if (path === undefined) continue;
    const problem = io.outputProblem(path);
    if (problem !== null) throw new UsageError(`cannot write ${flag} ${path}: ${problem}`);
  }
}

export function writeOutput(io: CliIo, path: string, text: string): void {
  try {
    io.writeFile(path, text);
  } catch (error) {
    throw new OutputError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
