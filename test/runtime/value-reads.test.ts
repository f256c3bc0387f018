/**
 * Only readData reads a value: fileExists, getFileSize and getMetadata learn what they answer from
 * the entry's metadata, expiry included. They read the whole value (a file, a Redis string, a copy
 * of 4 MiB in memory) to learn that it was there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { set } from '../support/ops.js';
import { ValueCountingStorage } from '../support/value-counting-storage.js';
import { startPrimary } from './support/nodes.js';

describe('the API calls about an entry', () => {
  const nodes: NetworkSyncBackend[] = [];
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.close();
  });

  it('read no value but readData, and hide an expired entry all the same', async () => {
    const storage = new ValueCountingStorage();
    const primary = await startPrimary(storage);
    nodes.push(primary);
    await primary.writeWithReplication({ relativePath: 'p', data: 'value', tags: ['t'] });
    // Expired and not yet deleted, written behind the primary's back.
    await storage.apply([set('gone', 'v', { expiresAtMs: 1 })], null);
    storage.valuesRead = 0;
    expect([await primary.fileExists('p'), await primary.getFileSize('p'), (await primary.getMetadata('p'))?.tags]).toEqual([true, 5, ['t']]);
    expect([await primary.fileExists('gone'), await primary.getFileSize('gone'), await primary.getMetadata('gone')]).toEqual([false, undefined, undefined]);
    expect(storage.valuesRead).toBe(0);
    expect((await primary.readData('p'))?.toString()).toBe('value');
    expect(storage.valuesRead).toBe(1);
  });
});
