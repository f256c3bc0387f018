import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
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

  it('a reader that stops early (| head) ends it quietly, as SIGPIPE would: exit 141, no EPIPE stack', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli/nadb-sim.ts', 'sweep', '--seeds', '4'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    // A slow machine may see a progress line before the reader stops; nothing else may appear.
    const unexpected = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('sweep: '));
    expect(unexpected).toEqual([]);
    expect(code).toBe(141);
  });
});
