import type { ChildProcess } from 'node:child_process';
import { spawnScript } from '../../../harness/spawn-script.js';

export { spawnScript } from '../../../harness/spawn-script.js';

const CLI = 'src/cli/nadb-repl.ts';
/** A command that should end by itself is killed after this long. */
const RUN_TIMEOUT_MS = 20_000;

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `nadb-repl` from the sources, as a user would run the built one. */
export function spawnCli(args: readonly string[]): ChildProcess {
  return spawnScript(CLI, args);
}

/** Runs `nadb-repl` to its end. */
export async function runCli(args: readonly string[]): Promise<Finished> {
  const child = spawnCli(args);
  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  try {
    return await finished(child);
  } finally {
    clearTimeout(killer);
  }
}

export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
