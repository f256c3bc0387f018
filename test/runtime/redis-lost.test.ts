/**
 * A Redis that comes back empty under a running node, end to end (storage, driver, core): the
 * storage contract shows the backend refusing, these that each role does what the refusal is for.
 */
import { expect, it } from 'vitest';
import { MemoryStorage } from '../../src/storage/memory.js';
import { RedisStorage } from '../../src/storage/redis.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { waitUntil } from '../../harness/waits.js';
import { describeWithRedis, type RedisServer } from '../support/redis-server.js';
import { portOf, startPrimary, startSecondary, waitCaughtUp } from './support/nodes.js';

const WRITES = 20;

async function writeRange(primary: NetworkSyncBackend, from: number, to: number): Promise<void> {
  for (let index = from; index < to; index += 1) await primary.writeData(`p/${index}`, `value ${index}`);
}

/**
 * A secondary on Redis holding WRITES writes, its Redis restarted empty, then `afterLoss` (which
 * says how many writes there are by then): the secondary must notice once, resync in full once,
 * and hold every write again.
 */
async function secondaryThroughLoss(redis: RedisServer, keyPrefix: string, afterLoss: (primary: NetworkSyncBackend, secondary: NetworkSyncBackend, resyncsBefore: number) => Promise<number>): Promise<void> {
  const primary = await startPrimary(new MemoryStorage());
  const secondary = await startSecondary(portOf(primary), await RedisStorage.open({ url: redis.url, keyPrefix }));
  try {
    await writeRange(primary, 0, WRITES);
    await waitCaughtUp(primary, [secondary]);
    const resyncsBefore = secondary.getReplicationStats().fullResyncs;
    await redis.restart();
    const writes = await afterLoss(primary, secondary, resyncsBefore);
    await waitCaughtUp(primary, [secondary]);
    const stats = secondary.getReplicationStats();
    expect(stats.mode === 'secondary' && stats.primary.storageLosses).toBe(1);
    expect(stats.fullResyncs).toBe(resyncsBefore + 1);
    for (let index = 0; index < writes; index += 1) expect((await secondary.readData(`p/${index}`))?.toString()).toBe(`value ${index}`);
  } finally {
    await secondary.close();
    await primary.close();
  }
}

describeWithRedis('a Redis that comes back empty under a running node', (server) => {
  it('a secondary on it notices, forgets its position, resyncs in full and holds every write again', async () => {
    await secondaryThroughLoss(server(), 'lost-secondary', async (primary) => {
      await writeRange(primary, WRITES, 2 * WRITES);
      return 2 * WRITES;
    });
  });

  it('a secondary on it notices on a quiet primary too: its idle storage is verified, with no write to find the loss', async () => {
    await secondaryThroughLoss(server(), 'lost-idle-secondary', async (_primary, secondary, resyncsBefore) => {
      await waitUntil(() => secondary.getReplicationStats().fullResyncs === resyncsBefore + 1, 'a full resync after the loss');
      return WRITES;
    });
  });

  it('a primary on it refuses every write from then on, saying that its storage lost the data', async () => {
    const primary = await startPrimary(await RedisStorage.open({ url: server().url, keyPrefix: 'lost-primary' }));
    try {
      await primary.writeData('a', '1');
      await server().restart();
      await expect(primary.writeData('b', '2')).rejects.toThrow(/lost the data/);
      await expect(primary.writeData('c', '3')).rejects.toThrow(/storage failed \(Redis lost the data/);
    } finally {
      await primary.close();
    }
  });
});
