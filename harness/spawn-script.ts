import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Starts a TypeScript script of this repository (through tsx), from the repository's root; its stdin is a pipe when `stdin` says so. */
export function spawnScript(script: string, args: readonly string[], env: Record<string, string> = {}, stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
}
