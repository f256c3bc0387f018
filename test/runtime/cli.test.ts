import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { freePort } from '../support/redis-server.js';
import { finished, runCli, spawnCli } from './support/child.js';
import { portOf, startPrimary, storageDifference, waitWhileProgressing } from './support/nodes.js';

const run = promisify(execFile);
const WRITE_PAUSE_MS = 2;
/** The waits below fail on a lack of progress; this only guards against a hang. */
const HANG_TIMEOUT_MS = 600_000;

/** One line on stderr, no stack frame. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('nadb-repl', () => {
  it.each([
    [[], /a command is required/],
    [['demote'], /unknown command 'demote'/],
    [['primary', '--storage', 'memory'], /--listen is required/],
    [['primary', '--listen', 'nowhere', '--storage', 'memory'], /--listen wants HOST:PORT, got 'nowhere'/],
    [['secondary', '--primary', '127.0.0.1:9000', '--storage', 'tape:/x'], /--storage wants memory, fs:DIR, aof:DIR or redis/],
    [['secondary', '--primary', '127.0.0.1:9000', '--storage', 'memory', '--startup-timeout-ms', 'soon'], /--startup-timeout-ms wants a positive integer/],
    [['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--verbose'], /Unknown option '--verbose'/],
    [['secondary', '--primary', '127.0.0.1:9000', '--storage', 'fs:/tmp/x', '--fsync', 'sometimes'], /--fsync wants one of batch, always, never, got 'sometimes'/],
    [['secondary', '--primary', '127.0.0.1:9000', '--storage', 'memory', '--fsync', 'never'], /--fsync applies to fs:DIR and aof:DIR storage only/],
  ])('bad arguments %j: exit 2 and one line', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, message);
  });

  it('runs in a clone as npx nadb-repl (the launcher runs the sources), and every command answers --help with exit 0', async () => {
    const npx = await run('npx', ['nadb-repl', 'put', '--help'], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(npx.stdout).toMatch(/^usage:\n {2}nadb-repl put {7}--node ADMIN PATH VALUE/);
    for (const verb of ['primary', 'secondary', 'status', 'stats', 'get', 'del', 'ls']) {
      const help = await runCli([verb, '--help']);
      expect(help.code, verb).toBe(0);
      expect(help.stdout.split('\n')[1], verb).toMatch(new RegExp(`^ {2}nadb-repl ${verb} `));
    }
    // Eight processes through tsx: slow on a busy machine, never stuck.
  }, HANG_TIMEOUT_MS);

  it('stats against an unreachable node: exit 1 and one line', async () => {
    const result = await runCli(['stats', '--node', `127.0.0.1:${await freePort()}`]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^nadb-repl: cannot reach the admin endpoint: ECONNREFUSED \(127\.0\.0\.1:\d+\)$/m);
  });

  it('a secondary that never reaches its primary: exit 1 and one line after --startup-timeout-ms', async () => {
    const port = await freePort();
    const result = await runCli(['secondary', '--primary', `127.0.0.1:${port}`, '--storage', 'memory', '--startup-timeout-ms', '300', '--log-level', 'silent']);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /no sync with the primary within 300 ms .*ECONNREFUSED/);
  });
});

describe('a secondary child process on fs storage, killed with SIGKILL mid-stream', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function replicaApplied(primary: NetworkSyncBackend, replicaId: string): number {
    const stats = primary.getReplicationStats();
    return stats.mode === 'primary' ? (stats.replicas.find((replica) => replica.replicaId === replicaId)?.appliedSequence ?? 0) : 0;
  }

  it('restarts on its files, resumes, converges, and serves its stats to nadb-repl stats', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-child-'));
    cleanups.push(async () => rm(dir, { recursive: true, force: true }));
    const primaryStorage = new MemoryStorage();
    const primary = await startPrimary(primaryStorage);
    cleanups.push(async () => primary.close());
    const applied = (): number => replicaApplied(primary, 'child');
    const args = ['secondary', '--primary', `127.0.0.1:${portOf(primary)}`, '--storage', `fs:${dir}`, '--replica-id', 'child', '--log-level', 'warn'];

    // A steady stream at a pace an fsyncing secondary keeps up with (any faster, and no secondary could).
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (; writing; written += 1) {
        await primary.writeData(`stream/${written % 500}`, `value ${written}`);
        await sleep(WRITE_PAUSE_MS);
      }
    })();
    cleanups.push(async () => {
      writing = false;
      await writer;
    });

    const first = spawnCli(args);
    const firstExit = finished(first);
    await waitWhileProgressing(() => applied() > 200, applied, 'the child to apply some of the stream');
    first.kill('SIGKILL');
    expect((await firstExit).code).toBeNull();
    const killedAt = written;
    await waitWhileProgressing(() => written > killedAt + 200, () => written, 'more writes while the child is down');

    const adminPort = await freePort();
    const second = spawnCli([...args, '--admin', `127.0.0.1:${adminPort}`]);
    const secondExit = finished(second);
    cleanups.push(async () => second.kill('SIGKILL'));
    await waitWhileProgressing(() => applied() > killedAt + 200, applied, 'the restarted child to resume');
    writing = false;
    await writer;
    const last = primary.getReplicationStats().sequenceNumber;
    await waitWhileProgressing(() => applied() === last, applied, 'the restarted child to catch up');

    const stats = await runCli(['stats', '--node', `127.0.0.1:${adminPort}`]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ mode: 'secondary', replicaId: 'child', sequenceNumber: last, partialResyncs: 1, fullResyncs: 0 });

    second.kill('SIGTERM');
    expect((await secondExit).code).toBe(0);
    const childStorage = await FileSystemStorage.open({ basePath: dir });
    cleanups.push(async () => childStorage.close());
    expect(await storageDifference(primaryStorage, childStorage)).toBeNull();
  }, HANG_TIMEOUT_MS);
});
