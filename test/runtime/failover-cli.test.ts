import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplicationStats } from '../../src/runtime/network-sync-backend.js';
import { freePort } from '../support/redis-server.js';
import { childrenStoppedAfterEach, finished, runCli, startNode, type Ready } from './support/child.js';

/** Guards against a hang only: every wait below ends on an event. */
const HANG_TIMEOUT_MS = 300_000;

async function stats(node: Ready): Promise<ReplicationStats> {
  const answer = await runCli(['stats', '--node', `127.0.0.1:${node.adminPort}`]);
  expect(answer.code, answer.stderr).toBe(0);
  return JSON.parse(answer.stdout) as ReplicationStats;
}

async function expectValue(node: Ready, path: string, value: string): Promise<void> {
  const get = await runCli(['get', '--node', `127.0.0.1:${node.adminPort}`, path, '--wait-ms', String(HANG_TIMEOUT_MS)]);
  expect(get, path).toMatchObject({ code: 0, stdout: value });
}

async function put(node: Ready, path: string, value: string): Promise<void> {
  const answer = await runCli(['put', '--node', `127.0.0.1:${node.adminPort}`, path, value]);
  expect(answer.code, answer.stderr).toBe(0);
}

describe('manual failover with real processes: nadb-repl promote, and a secondary re-pointed by a restart', () => {
  const { children, dirs } = childrenStoppedAfterEach();

  async function storage(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-failover-'));
    dirs.push(dir);
    return `aof:${dir}`;
  }

  it('kill -9 the primary, promote one secondary, the other follows it without a full resync, writes on the new primary replicate', async () => {
    const [oldStorage, s1Storage, s2Storage] = [await storage(), await storage(), await storage()];
    const primary = await startNode(['primary', '--listen', '127.0.0.1:0', '--storage', oldStorage, '--admin', '127.0.0.1:0', '--admin-writes'], children);
    const s1Listen = await freePort();
    const s1 = await startNode([
      'secondary', '--primary', `127.0.0.1:${primary.listenPort}`, '--storage', s1Storage, '--admin', '127.0.0.1:0', '--admin-writes', '--listen', `127.0.0.1:${s1Listen}`,
    ], children);
    const s2Args = ['secondary', '--storage', s2Storage, '--admin', '127.0.0.1:0', '--replica-id', 's2'];
    const s2 = await startNode([...s2Args, '--primary', `127.0.0.1:${primary.listenPort}`], children);
    for (const key of ['a', 'b', 'c']) await put(primary, key, `old-${key}`);
    await expectValue(s1, 'c', 'old-c');
    await expectValue(s2, 'c', 'old-c');
    const oldHistory = (await stats(primary)).replicationId;

    const [primaryProcess, s1Process, s2Process] = children.splice(0, 3);
    children.push(s1Process!);
    const primaryExit = finished(primaryProcess!);
    primaryProcess!.kill('SIGKILL');
    await primaryExit;

    const refused = await runCli(['promote', '--node', `127.0.0.1:${s2.adminPort}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/answered 403: this node takes no promotion through its admin endpoint/);
    const promoted = await runCli(['promote', '--node', `127.0.0.1:${s1.adminPort}`]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({ epoch: 1, previous: { replicationId: oldHistory, endSequence: 3 }, listenPort: s1Listen });
    const again = await runCli(['promote', '--node', `127.0.0.1:${s1.adminPort}`]);
    expect(again.stdout).toBe(promoted.stdout);

    // Re-pointed: the same storage, a restart with --primary at the new one.
    const s2Exit = finished(s2Process!);
    s2Process!.kill('SIGTERM');
    expect((await s2Exit).code).toBe(0);
    const s2Again = await startNode([...s2Args, '--primary', `127.0.0.1:${s1Listen}`], children);
    await put(s1, 'd', 'new-d');
    await expectValue(s2Again, 'd', 'new-d');
    await expectValue(s2Again, 'a', 'old-a');

    const newPrimary = await stats(s1);
    const follower = await stats(s2Again);
    expect(newPrimary).toMatchObject({ mode: 'primary', epoch: 1, previousReplicationId: oldHistory, previousEndSequence: 3, sequenceNumber: 4 });
    expect(follower).toMatchObject({ mode: 'secondary', replicationId: newPrimary.replicationId, sequenceNumber: 4, fullResyncs: 0, partialResyncs: 1 });
  }, HANG_TIMEOUT_MS);

  it('a node that is already a primary answers promote with 409', async () => {
    const primary = await startNode(['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--admin', '127.0.0.1:0', '--admin-writes'], children);
    const answer = await runCli(['promote', '--node', `127.0.0.1:${primary.adminPort}`]);
    expect(answer).toMatchObject({ code: 1, stderr: 'nadb-repl: the node answered 409: this node is already a primary\n' });
  }, HANG_TIMEOUT_MS);
});
