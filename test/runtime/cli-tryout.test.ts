import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { finished, runCli, spawnCli, startNode } from './support/child.js';

/** Guards against a hang only: every wait below ends on an event. */
const HANG_TIMEOUT_MS = 120_000;

/** The first `count` summaries `status --watch` prints, then stops it. */
async function watchedReadings(node: string, count: number): Promise<string[]> {
  const child = spawnCli(['status', '--node', node, '--watch', '--interval-ms', '50']);
  const exit = finished(child);
  const readings: string[] = [];
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  for await (const line of lines) {
    if (line.startsWith('sequence ')) readings.push(line);
    if (readings.length === count) break;
  }
  child.kill('SIGTERM');
  await exit;
  return readings;
}

describe('the four-command tryout of the README, with real processes', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      const exit = finished(child);
      child.kill('SIGTERM');
      expect((await exit).code).toBe(0);
    }
  });

  it('start a primary, start a secondary, put on the primary, get on the secondary', async () => {
    const primary = await startNode(['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--admin', '127.0.0.1:0', '--admin-writes'], children);
    const secondary = await startNode(['secondary', '--primary', `127.0.0.1:${primary.listenPort}`, '--storage', 'memory', '--admin', '127.0.0.1:0'], children);

    const put = await runCli(['put', '--node', `127.0.0.1:${primary.adminPort}`, 'greeting', 'hello, secondary', '--tag', 'demo']);
    expect(put).toEqual({ code: 0, stdout: 'put greeting (16 bytes)\n', stderr: '' });
    // Waits on the value: get asks again until the secondary has it.
    const get = await runCli(['get', '--node', `127.0.0.1:${secondary.adminPort}`, 'greeting', '--wait-ms', String(HANG_TIMEOUT_MS)]);
    expect(get).toEqual({ code: 0, stdout: 'hello, secondary', stderr: '' });

    const byTag = await runCli(['ls', '--node', `127.0.0.1:${secondary.adminPort}`, '--tag', 'demo']);
    expect(byTag.stdout).toBe('greeting\n');
    const byPrefix = await runCli(['ls', '--node', `127.0.0.1:${secondary.adminPort}`, '--prefix', 'gr']);
    expect(byPrefix).toEqual({ code: 0, stdout: 'greeting\n', stderr: '' });
    expect((await runCli(['ls', '--node', `127.0.0.1:${secondary.adminPort}`, '--prefix', 'x'])).stdout).toBe('');
    const refused = await runCli(['put', '--node', `127.0.0.1:${secondary.adminPort}`, 'greeting', 'overwritten']);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'nadb-repl: the node answered 403: this node is a secondary: write to its primary\n' });

    const status = await runCli(['status', '--node', `127.0.0.1:${secondary.adminPort}`]);
    expect(status.stdout).toMatch(/^secondary {2}replica-[0-9a-f]+, primary 127\.0\.0\.1:\d+ connected \(stream, binary-2 frames\)\n/);
    expect(status.stdout).toContain('sequence   applied 1 of 1 known on the primary: caught up\n');
    const primaryStatus = await runCli(['status', '--node', `127.0.0.1:${primary.adminPort}`]);
    expect(primaryStatus.stdout).toMatch(/^secondaries 1 connected of 1 known:\n {2}replica-[0-9a-f]+ 127\.0\.0\.1:\d+ connected, binary-2 frames: applied 1, lag 0 operations, 0 ms, 0 B behind$/m);

    expect(await watchedReadings(`127.0.0.1:${secondary.adminPort}`, 2)).toEqual([expect.stringContaining('caught up'), expect.stringContaining('caught up')]);

    const del = await runCli(['del', '--node', `127.0.0.1:${primary.adminPort}`, 'greeting']);
    expect(del).toEqual({ code: 0, stdout: 'deleted greeting\n', stderr: '' });
    expect(await runCli(['get', '--node', `127.0.0.1:${primary.adminPort}`, 'greeting'])).toEqual({ code: 1, stdout: '', stderr: 'nadb-repl: the node answered 404: no entry at "greeting"\n' });
  }, HANG_TIMEOUT_MS);

  it('a primary started without --admin-writes refuses put, and says how to allow it', async () => {
    const primary = await startNode(['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--admin', '127.0.0.1:0'], children);
    const put = await runCli(['put', '--node', `127.0.0.1:${primary.adminPort}`, 'k', 'v']);
    expect(put.code).toBe(1);
    expect(put.stderr).toBe('nadb-repl: the node answered 403: this primary takes no writes through its admin endpoint: start it with adminWrites (nadb-repl primary --admin-writes)\n');
  }, HANG_TIMEOUT_MS);
});
