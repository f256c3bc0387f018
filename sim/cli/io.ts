import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliEnv } from './args.js';

/** Everything the CLI does to the outside world, so that tests can run it in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current line of stderr (a progress bar); null when stderr is not a terminal. */
  readonly status: ((text: string) => void) | null;
  /** Wall-clock time, for rates and progress only: never an input to a simulation. */
  nowMs(): number;
  writeFile(path: string, text: string): void;
  readFile(path: string): string;
  /** Why a file cannot be written at `path` (its directory missing, or a directory in its place); null when it can. */
  outputProblem(path: string): string | null;
  /** Running from the repository's sources, where `npm run sim` exists too. */
  readonly fromRepository: boolean;
  readonly env: CliEnv;
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    status: process.stderr.isTTY ? (text) => process.stderr.write(`\r${text}\x1b[K`) : null,
    nowMs: () => performance.now(),
    writeFile: (path, text) => writeFileSync(path, text),
    readFile: (path) => readFileSync(path, 'utf8'),
    outputProblem,
    // The build is JavaScript; only a clone of the repository runs the TypeScript.
    fromRepository: import.meta.url.endsWith('.ts'),
    env: { JOB_COMPLETION_INDEX: process.env.JOB_COMPLETION_INDEX },
  };
}

function outputProblem(path: string): string | null {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) return `${path} is a directory`;
  const directory = dirname(path);
  const stats = statSync(directory, { throwIfNoEntry: false });
  if (stats === undefined) return `directory ${directory} does not exist`;
  return stats.isDirectory() ? null : `${directory} is not a directory`;
}
