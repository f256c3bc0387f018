import { describe, expect, it } from 'vitest';
import { lostWrites } from '../../chaos/cluster/convergence.js';
import { pathOf, valueOf, workloadEntries } from '../../chaos/cluster/workload.js';
import { MemoryStorage } from '../../src/storage/memory.js';

function set(index: number, value = valueOf(index)) {
  return { type: 'SET', path: pathOf(index), key: pathOf(index), value: Buffer.from(value), db: '', namespace: '', tags: [], expiresAtMs: null } as const;
}

describe('the lost-write check', () => {
  it('passes a storage holding every acknowledged write', async () => {
    const storage = new MemoryStorage();
    await storage.apply([set(0), set(1)], null);
    expect(await lostWrites('node', storage, workloadEntries(new Set([0, 1])))).toEqual([]);
  });

  it('names an acknowledged write that is missing or holds another value', async () => {
    const storage = new MemoryStorage();
    await storage.apply([set(0, 'something else')], null);
    expect(await lostWrites('node', storage, workloadEntries(new Set([0, 1])))).toEqual(['node lost acknowledged write 0', 'node lost acknowledged write 1']);
  });

  it('names an entry that an acknowledged delete should have removed', async () => {
    const storage = new MemoryStorage();
    await storage.apply([set(0)], null);
    expect(await lostWrites('node', storage, [{ label: 'acknowledged delete', path: pathOf(0), value: null }])).toEqual(['node lost acknowledged delete']);
  });
});
