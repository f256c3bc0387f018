import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import { finished, spawnScript } from './support/child.js';
import { waitUntil } from './support/nodes.js';

function runExample(script: string, env: Record<string, string>) {
  const child = spawnScript(`examples/replication/${script}`, [], env);
  return { child, exit: finished(child) };
}

describe('examples/replication: the seed Quick start, translated', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the secondary reads what the primary wrote, is refused a write, and both exit cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-example-'));
    cleanups.push(async () => rm(dir, { recursive: true, force: true }));
    const port = String(await freePort());
    const primary = runExample('primary.ts', { LISTEN_HOST: '127.0.0.1', LISTEN_PORT: port, DATA_DIR: join(dir, 'primary') });
    cleanups.push(async () => primary.child.kill('SIGKILL'));
    let primaryOut = '';
    primary.child.stdout?.on('data', (chunk: Buffer) => (primaryOut += chunk.toString()));
    await waitUntil(() => primaryOut.includes('wrote path/to/data'), 'the primary example to write');

    const secondary = await runExample('secondary.ts', { PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: port, DATA_DIR: join(dir, 'secondary') }).exit;
    expect(secondary.stderr).toBe('');
    expect(secondary.stdout).toBe('read path/to/data: my data\nCannot write to read-only replica!\n');
    expect(secondary.code).toBe(0);

    primary.child.kill('SIGTERM');
    const primaryExit = await primary.exit;
    expect(primaryExit.code).toBe(0);
    expect(primaryOut).toContain('primary closed');
  });
});
