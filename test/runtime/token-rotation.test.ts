/**
 * Rotating the shared token without a stop: the primary takes the old and the new one, the
 * secondaries move to the new one one by one, then the primary drops the old one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/core/errors.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { portOf, startPrimary, startSecondary } from './support/nodes.js';

describe('token rotation', () => {
  const nodes: NetworkSyncBackend[] = [];
  afterEach(async () => {
    for (const node of nodes.splice(0).reverse()) await node.close();
  });

  it('a primary with the old and the new token serves secondaries of either; one with neither is refused', async () => {
    const primary = await startPrimary(new MemoryStorage(), { authToken: ['old token', 'new token'] });
    nodes.push(primary);
    await primary.writeData('k', 'v');
    for (const authToken of ['old token', 'new token']) {
      const secondary = await startSecondary(portOf(primary), new MemoryStorage(), { authToken });
      nodes.push(secondary);
      expect((await secondary.readData('k'))?.toString()).toBe('v');
    }
    const retired = startSecondary(portOf(primary), new MemoryStorage(), { authToken: 'retired token', runtimeLimits: { startupTimeoutMs: 1_000 } });
    await expect(retired).rejects.toThrow(ConnectionError);
  });
});
