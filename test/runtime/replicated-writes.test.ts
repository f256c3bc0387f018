/**
 * Acknowledged writes (Redis' WAIT and WAITAOF, min-replicas-to-write): a write that asks for
 * secondaries resolves only once they hold it, durable on their storage by default, and a primary
 * told to refuses writes while too few secondaries are healthy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NotEnoughReplicasError, ReplicationTimeoutError } from '../../src/core/errors.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { text } from '../support/ops.js';
import { portOf, startPrimary, startSecondary, waitUntil } from './support/nodes.js';

describe('writes acknowledged by secondaries', () => {
  const open: NetworkSyncBackend[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (node) => node.close()));
    await Promise.all(dirs.splice(0).map(async (dir) => rm(dir, { recursive: true, force: true })));
  });

  async function cluster(secondaryStorages: StorageBackend[], config: Parameters<typeof startPrimary>[1] = {}): Promise<{ primary: NetworkSyncBackend; secondaries: NetworkSyncBackend[] }> {
    const primary = await startPrimary(new MemoryStorage(), config);
    open.push(primary);
    const secondaries = await Promise.all(secondaryStorages.map(async (storage) => startSecondary(portOf(primary), storage)));
    open.push(...secondaries);
    return { primary, secondaries };
  }

  async function durableStorage(): Promise<AppendOnlyStorage> {
    const dir = await mkdtemp(join(tmpdir(), 'nadb-acked-'));
    dirs.push(dir);
    return AppendOnlyStorage.open({ basePath: dir });
  }

  it('resolves once that many secondaries hold the write durably, and says how many did when they do not in time', async () => {
    const storages = [await durableStorage(), await durableStorage()];
    const { primary } = await cluster(storages);
    await primary.writeData('acked', 'by both', { minReplicas: 2 });
    // Resolved: on both secondaries' storage already, not merely on their way.
    for (const storage of storages) expect(text((await storage.read('acked'))?.value)).toBe('by both');
    await expect(primary.writeData('more', 'than there are', { minReplicas: 3, timeoutMs: 300 })).rejects.toThrow(ReplicationTimeoutError);
    await expect(primary.writeData('more', 'again', { minReplicas: 3, timeoutMs: 300 })).rejects.toThrow(/durable on 2 of the 3 secondaries asked for after 300 ms/);
    // The write stays: it was applied on the primary and replicated.
    expect(text(await primary.readData('more'))).toBe('again');
  });

  it('counts memory secondaries only when asked for applied writes: memory is never durable', async () => {
    const { primary } = await cluster([new MemoryStorage()]);
    await expect(primary.deleteFile('gone', { minReplicas: 1, timeoutMs: 300 })).rejects.toThrow(/durable on 0 of the 1/);
    await primary.writeData('applied', 'x', { minReplicas: 1, acknowledged: 'applied' });
  });

  it('refuses writes while fewer secondaries than minReplicasToWrite stream, and takes them again once they do', async () => {
    const storage = new MemoryStorage();
    const { primary, secondaries } = await cluster([storage], { minReplicasToWrite: 1, minReplicasMaxLagMs: 5_000 });
    await primary.writeData('with one', 'x');
    const [secondary] = secondaries;
    await secondary?.close();
    open.splice(open.indexOf(secondary as NetworkSyncBackend), 1);
    await waitUntil(() => primary.getReplicationStats().mode === 'primary' && (primary.getReplicationStats() as { replicas: { connected: boolean }[] }).replicas.every((replica) => !replica.connected), 'the secondary gone');
    await expect(primary.writeData('with none', 'x')).rejects.toThrow(NotEnoughReplicasError);
    await expect(primary.writeData('with none', 'x')).rejects.toThrow(/0 secondaries streaming and heard from within 5000 ms, 1 wanted \(minReplicasToWrite\)/);
    open.push(await startSecondary(portOf(primary), new MemoryStorage()));
    await waitUntil(async () => primary.writeData('with one again', 'x').then(() => true, () => false), 'a write accepted again');
  });
});
