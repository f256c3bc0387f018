import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/storage/memory.js';
import { set } from '../support/ops.js';
import { startPrimary } from './support/nodes.js';

describe('who closes the base backend', () => {
  it('close() closes it by default', async () => {
    const storage = new MemoryStorage();
    const primary = await startPrimary(storage);
    await primary.close();
    await expect(storage.read('a')).rejects.toThrow(/closed/);
  });

  it('with keepBackendOpen, close() leaves it open and a new node finds the data', async () => {
    const storage = new MemoryStorage();
    const first = await startPrimary(storage, {}, { keepBackendOpen: true });
    await first.writeData('a', '1');
    await first.close();
    await storage.apply([set('b', '2')], null);
    const second = await startPrimary(storage, {}, { keepBackendOpen: true });
    expect((await second.readData('a'))?.toString()).toBe('1');
    expect((await second.readData('b'))?.toString()).toBe('2');
    await second.close();
    await storage.close();
  });

  it('a create() that fails closes it, unless keepBackendOpen', async () => {
    for (const keepBackendOpen of [false, true]) {
      const storage = new MemoryStorage();
      await expect(startPrimary(storage, { listenPort: -1 }, { keepBackendOpen })).rejects.toThrow(/listenPort/);
      const read = storage.read('a');
      if (keepBackendOpen) await expect(read).resolves.toBeUndefined();
      else await expect(read).rejects.toThrow(/closed/);
    }
  });
});
