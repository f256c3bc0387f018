import { mergeSweepFiles, parseSweepFile, SweepFileError, type SweepFile } from '../sweep/sweep-file.js';
import type { MergeArgs } from './args.js';
import type { CliIo } from './io.js';
import { checkOutputPaths, writeOutput } from './outputs.js';
import { formatSummary } from './summary.js';
import { UsageError } from './usage.js';

/**
 * `nadb-sim merge FILES...`: the shards' summaries as one sweep of the whole range, line for line
 * what that sweep prints but its wall-clock line; exit 0 when every seed passed, 1 otherwise.
 */
export function mergeCommand(args: MergeArgs, io: CliIo): number {
  checkOutputPaths(io, { '--json': args.jsonPath });
  const files = args.paths.map((path) => readSweepFile(path, io));
  const merged = refuseBad(() => mergeSweepFiles(files, args.paths));
  io.out(`merge     ${files.length} shards of ${merged.count} seeds from ${merged.from}`);
  for (const line of formatSummary(merged.results)) io.out(line);
  if (args.jsonPath !== undefined) writeOutput(io, args.jsonPath, `${JSON.stringify(merged)}\n`);
  return merged.results.every((result) => result.verdict === 'pass') ? 0 : 1;
}

function readSweepFile(path: string, io: CliIo): SweepFile {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return refuseBad(() => parseSweepFile(text, path));
}

/** Files that are not sweep files, or shards that do not make one sweep, are bad arguments. */
function refuseBad<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SweepFileError) throw new UsageError(error.message);
    throw error;
  }
}
