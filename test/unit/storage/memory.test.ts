import { describe } from 'vitest';
import { MemoryStorage } from '../../../src/storage/memory.js';
import { describeStorageContract } from './contract.js';

describe('MemoryStorage', () => {
  describeStorageContract('MemoryStorage', async () => {
    const storage = new MemoryStorage();
    return { storage, cleanup: () => storage.close() };
  });
});
