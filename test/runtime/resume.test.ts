import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp } from './support/nodes.js';

describe('resuming after outages and restarts, over loopback TCP', () => {
  const open = new Set<NetworkSyncBackend>();
  afterEach(async () => {
    await Promise.all([...open].map(async (node) => node.close()));
    open.clear();
  });

  function track(node: NetworkSyncBackend): NetworkSyncBackend {
    open.add(node);
    return node;
  }

  async function stop(node: NetworkSyncBackend): Promise<void> {
    open.delete(node);
    await node.close();
  }

  async function writeMany(primary: NetworkSyncBackend, from: number, count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, async (_, i) => primary.writeData(`k/${from + i}`, `value ${from + i}`)));
  }

  async function expectSame(expected: StorageBackend, ...actual: StorageBackend[]): Promise<void> {
    for (const storage of actual) expect(await storageDifference(expected, storage)).toBeNull();
  }

  it('a secondary restarted after a short outage resumes from the log, without a full resync', async () => {
    const [primaryStorage, restartedStorage, steadyStorage] = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const primary = track(await startPrimary(primaryStorage));
    const restarted = await startSecondary(portOf(primary), restartedStorage, {}, { keepBackendOpen: true });
    const steady = track(await startSecondary(portOf(primary), steadyStorage));
    await writeMany(primary, 0, 100);
    await waitCaughtUp(primary, [restarted, steady]);
    await restarted.close();
    await writeMany(primary, 100, 100);
    const again = track(await startSecondary(portOf(primary), restartedStorage));
    await writeMany(primary, 200, 100);
    await waitCaughtUp(primary, [again, steady]);
    expect(again.getReplicationStats()).toMatchObject({ partialResyncs: 1, fullResyncs: 0 });
    await expectSame(primaryStorage, restartedStorage, steadyStorage);
  });

  it('a secondary away for longer than the log gets a full resync and converges', async () => {
    const [primaryStorage, restartedStorage] = [new MemoryStorage(), new MemoryStorage()];
    const primary = track(await startPrimary(primaryStorage, { maxOperationLog: 50 }));
    const restarted = await startSecondary(portOf(primary), restartedStorage, {}, { keepBackendOpen: true });
    await writeMany(primary, 0, 40);
    await waitCaughtUp(primary, [restarted]);
    await restarted.close();
    for (let batch = 0; batch < 4; batch += 1) await writeMany(primary, 40 + batch * 40, 40);
    const again = track(await startSecondary(portOf(primary), restartedStorage));
    await waitCaughtUp(primary, [again]);
    expect(again.getReplicationStats()).toMatchObject({ partialResyncs: 0, fullResyncs: 1 });
    await expectSame(primaryStorage, restartedStorage);
  });

  it('original failure 4: after a primary restart (a new history) secondaries apply the new writes', async () => {
    const primaryStorage = new MemoryStorage();
    const secondaryStorages = [new MemoryStorage(), new MemoryStorage()];
    const first = await startPrimary(primaryStorage, {}, { keepBackendOpen: true });
    const port = portOf(first);
    const secondaries = await Promise.all(secondaryStorages.map(async (storage) => track(await startSecondary(port, storage))));
    await writeMany(first, 0, 30);
    await waitCaughtUp(first, secondaries);
    const oldHistory = first.getReplicationStats().replicationId;
    await stop(first);
    const second = track(await startPrimary(primaryStorage, { listenPort: port }));
    expect(second.getReplicationStats().replicationId).not.toBe(oldHistory);
    // The new history starts at sequence 1 again: the secondaries must not take it as already applied.
    await writeMany(second, 0, 10);
    await second.deleteFile('k/20');
    await waitCaughtUp(second, secondaries);
    await expectSame(primaryStorage, ...secondaryStorages);
    expect((await secondaries[0]?.readData('k/5'))?.toString()).toBe('value 5');
  });

  it('original failure 1: a secondary that joins after 1,500 writes receives every one of them', async () => {
    const [primaryStorage, lateStorage] = [new MemoryStorage(), new MemoryStorage()];
    const primary = track(await startPrimary(primaryStorage));
    await writeMany(primary, 0, 1_500);
    const late = track(await startSecondary(portOf(primary), lateStorage));
    await waitCaughtUp(primary, [late]);
    expect(await lateStorage.list()).toHaveLength(1_500);
    await expectSame(primaryStorage, lateStorage);
  });

  it('original failure 2: a burst of 3,000 concurrent writes reaches every secondary', async () => {
    const storages = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const [primaryStorage, ...secondaryStorages] = storages as [MemoryStorage, MemoryStorage, MemoryStorage];
    const primary = track(await startPrimary(primaryStorage));
    const secondaries = await Promise.all(secondaryStorages.map(async (storage) => track(await startSecondary(portOf(primary), storage))));
    await writeMany(primary, 0, 3_000);
    await waitCaughtUp(primary, secondaries);
    expect(await secondaryStorages[1].list()).toHaveLength(3_000);
    await expectSame(primaryStorage, ...secondaryStorages);
    for (const secondary of secondaries) expect(secondary.getReplicationStats()).toMatchObject({ fullResyncs: 1, partialResyncs: 0 });
  });
});
