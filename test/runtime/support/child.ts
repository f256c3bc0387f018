import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterEach } from 'vitest';
import { createInterface } from 'node:readline';
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

export interface Ready {
  readonly listenPort: number | null;
  readonly adminPort: number;
}

/** Starts a node and resolves with its ports once it logs that it is ready (ports 0: the node picks). */
export async function startNode(args: readonly string[], children: ChildProcess[]): Promise<Ready> {
  const child = spawnCli([...args, '--log-level', 'info']);
  children.push(child);
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; adminPort?: number; stats?: { server?: { port: number } } };
    if (entry.msg?.endsWith(' ready') !== true) continue;
    lines.close();
    return { listenPort: entry.stats?.server?.port ?? null, adminPort: entry.adminPort ?? 0 };
  }
  throw new Error(`node ${args.join(' ')} ended before it was ready`);
}


/**
 * The children and directories a describe block's tests start and create, stopped (SIGTERM, then
 * their exit awaited) and removed after each test.
 */
export function childrenStoppedAfterEach(): { readonly children: ChildProcess[]; readonly dirs: string[] } {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      const exit = finished(child);
      child.kill('SIGTERM');
      await exit;
    }
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return { children, dirs };
}
