import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('nadb-sim as a process', () => {
  it('a bad argument exits 64 with a single line on stderr, no stack trace', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli/nadb-sim.ts', 'run', '--seed', '1', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(child.status).toBe(64);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe("nadb-sim: Unknown option '--bogus' (nadb-sim --help for usage)\n");
  });

  it('through the bin a clone runs (npx nadb-sim): a missing output directory is refused before the run, exit 64', () => {
    const child = spawnSync(process.execPath, ['bin/nadb-sim.js', 'run', '--seed', '7', '--timeline', '/nonexistent/x.html'], { cwd: ROOT, encoding: 'utf8' });
    expect(child.stderr).toBe('nadb-sim: cannot write --timeline /nonexistent/x.html: directory /nonexistent does not exist (nadb-sim --help for usage)\n');
    expect(child.stdout).toBe('');
    expect(child.status).toBe(64);
  });
});
