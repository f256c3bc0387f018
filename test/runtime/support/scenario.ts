import { expect } from 'vitest';
import type { NetworkSyncBackend } from '../../../src/runtime/network-sync-backend.js';
import type { StorageBackend } from '../../../src/storage/backend.js';
import { portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp, waitUntil } from './nodes.js';

/** Opens the storage named `name`: a new instance each call, on the same data. */
export type OpenStorage = (name: string) => Promise<StorageBackend>;

/**
 * A primary and two secondaries on one kind of storage: writes, deletes, tags, TTL expiry, and a
 * secondary restarted on its own data. Every secondary must end equal to the primary, path by
 * path, metadata included, compared through fresh handles on the stored data.
 */
export async function replicateOn(open: OpenStorage): Promise<void> {
  const primary = await startPrimary(await open('primary'));
  const nodes: NetworkSyncBackend[] = [primary];
  try {
    const port = portOf(primary);
    nodes.push(await startSecondary(port, await open('s1')), await startSecondary(port, await open('s2')));
    primary.setContext({ db: 'mydb', namespace: 'production' });
    for (let i = 0; i < 30; i += 1) await primary.writeWithReplication({ relativePath: `dir/${i}`, data: `value ${i}`, key: `key${i}`, tags: [`t${i % 4}`, 'all'] });
    await primary.writeWithReplication({ relativePath: 'expiring', data: 'soon gone', key: 'e', ttl: 0.3 });
    await primary.writeWithReplication({ relativePath: 'lasting', data: 'stays', key: 'l', ttl: 3600 });
    await primary.deleteWithReplication({ relativePath: 'dir/7', key: 'key7' });
    await primary.deleteFile('dir/8');
    await primary.setTags('dir/9', ['renamed']);
    await waitUntil(() => expiredKeys(primary) === 1, 'the primary to expire a key');

    const restarted = nodes.splice(1, 1)[0];
    await restarted?.close();
    for (let i = 30; i < 40; i += 1) await primary.writeData(`dir/${i}`, `late ${i}`);
    const again = await startSecondary(port, await open('s1'));
    nodes.push(again);
    await waitCaughtUp(primary, nodes.slice(1));
    expect(again.getReplicationStats()).toMatchObject({ partialResyncs: 1, fullResyncs: 0 });
    expect(await again.readData('expiring')).toBeUndefined();
    expect((await again.getMetadata('dir/9'))?.tags).toEqual(['renamed']);
  } finally {
    await Promise.all(nodes.map(async (node) => node.close()));
  }
  const expected = await open('primary');
  for (const name of ['s1', 's2']) {
    const actual = await open(name);
    expect(await storageDifference(expected, actual)).toBeNull();
    await actual.close();
  }
  expect(await expected.list()).toHaveLength(39);
  await expected.close();
}

function expiredKeys(primary: NetworkSyncBackend): number {
  const stats = primary.getReplicationStats();
  return stats.mode === 'primary' ? stats.expiredKeys : 0;
}
