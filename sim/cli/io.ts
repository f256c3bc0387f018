import { readFileSync, writeFileSync } from 'node:fs';
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
    env: { JOB_COMPLETION_INDEX: process.env.JOB_COMPLETION_INDEX },
  };
}
