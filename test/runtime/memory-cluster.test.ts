import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/storage/memory.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp } from './support/nodes.js';

describe('primary and two secondaries on MemoryStorage over loopback TCP', () => {
  const open: NetworkSyncBackend[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (node) => node.close()));
  });

  it('replicates writes, deletes, tags and TTL; every secondary ends equal path by path', async () => {
    const storages = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()] as const;
    const primary = await startPrimary(storages[0]);
    open.push(primary);
    primary.setContext({ db: 'mydb', namespace: 'production' });
    await primary.writeWithReplication({ relativePath: 'before/join', data: 'early', key: 'k0', tags: ['a'] });
    const secondaries = await Promise.all([startSecondary(portOf(primary), storages[1]), startSecondary(portOf(primary), storages[2])]);
    open.push(...secondaries);
    for (let i = 0; i < 50; i += 1) await primary.writeWithReplication({ relativePath: `p/${i}`, data: `v${i}`, key: `k${i}`, tags: ['t', `n${i % 3}`] });
    await primary.deleteWithReplication({ relativePath: 'p/3', key: 'k3' });
    await primary.writeWithReplication({ relativePath: 'short-lived', data: 'x', ttl: 0.3 });
    await primary.setTags('p/4', ['retagged']);
    await primary.setTtl('p/5', 3600);
    await waitCaughtUp(primary, secondaries);
    for (const storage of storages.slice(1)) expect(await storageDifference(storages[0], storage)).toBeNull();
    expect((await secondaries[0].readData('p/7'))?.toString()).toBe('v7');
    expect(await secondaries[1].getMetadata('p/4')).toMatchObject({ key: 'k4', db: 'mydb', namespace: 'production', tags: ['retagged'] });
  });
});
