import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../../src/storage/memory.js';
import { describeStorageContract } from './contract.js';

describe('MemoryStorage', () => {
  describeStorageContract('MemoryStorage', async () => {
    const storage = new MemoryStorage();
    return { storage, cleanup: () => storage.close() };
  });

  it('never says a write is durable: a secondary on memory must not count towards durable acknowledgements', async () => {
    const storage = new MemoryStorage();
    expect(await storage.apply([{ type: 'DELETE', path: 'a' }], { replicationId: 'r', sequence: 1 })).toEqual({ durable: false });
    await storage.stageBegin();
    expect(await storage.stageCommit({ replicationId: 'r', sequence: 2 })).toEqual({ durable: false });
    await storage.close();
  });
});
