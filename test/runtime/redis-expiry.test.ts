/**
 * Issue 7's reproduction, end to end: a Redis secondary that applies a SET_TTL after the entry's
 * old expiry must still hold the entry, as the primary does. With Redis expiring data keys on its
 * own clock, the secondary reported the SET_TTL applied and lost the entry for good.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { MemoryStorage } from '../../src/storage/memory.js';
import { RedisStorage } from '../../src/storage/redis.js';
import { describeWithRedis } from '../support/redis-server.js';
import { portOf, startPrimary, startSecondary, waitCaughtUp, waitUntil } from './support/nodes.js';
import { TcpProxy } from './support/tcp-proxy.js';

/** The entry's first time to live, in seconds (the API's unit). */
const FIRST_TTL_SECONDS = 1;
const EXTENDED_TTL_SECONDS = 3600;
/** From the write: the link is held, the extension is made, the old expiry passes, the link is released. */
const HOLD_AT_MS = 300;
const EXTEND_AT_MS = 800;
const RELEASE_AT_MS = 1_400;

async function untilElapsed(startMs: number, elapsedMs: number): Promise<void> {
  await sleep(Math.max(0, startMs + elapsedMs - Date.now()));
}

describeWithRedis('an expiry extended while a Redis secondary lags', (server) => {
  it.each([EXTENDED_TTL_SECONDS, null])('keeps the entry on the secondary (setTtl %s)', async (ttl) => {
    const primary = await startPrimary(new MemoryStorage());
    const proxy = await TcpProxy.start(portOf(primary));
    const secondary = await startSecondary(proxy.port, await RedisStorage.open({ url: server().url, keyPrefix: `extended-${ttl}` }));
    try {
      const startMs = Date.now();
      await primary.writeWithReplication({ relativePath: 'k', data: 'v', ttl: FIRST_TTL_SECONDS });
      await waitCaughtUp(primary, [secondary]);
      await untilElapsed(startMs, HOLD_AT_MS);
      proxy.hold();
      await untilElapsed(startMs, EXTEND_AT_MS);
      await primary.setTtl('k', ttl);
      await untilElapsed(startMs, RELEASE_AT_MS);
      proxy.release();
      await waitCaughtUp(primary, [secondary]);

      expect((await primary.readData('k'))?.toString()).toBe('v');
      await waitUntil(async () => secondary.getReplicationStats().sequenceNumber === 2, 'the secondary to apply the SET_TTL');
      expect((await secondary.readData('k'))?.toString()).toBe('v');
      expect((await secondary.getMetadata('k'))?.expiresAtMs).toEqual((await primary.getMetadata('k'))?.expiresAtMs);
    } finally {
      await secondary.close();
      await proxy.close();
      await primary.close();
    }
  });
});
