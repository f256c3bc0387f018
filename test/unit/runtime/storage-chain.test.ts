import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { StorageRequest } from '../../../src/core/storage-request.js';
import { StorageChain } from '../../../src/runtime/storage-chain.js';
import type { StorageBackend } from '../../../src/storage/backend.js';
import { MemoryStorage } from '../../../src/storage/memory.js';

const apply = (path: string): StorageRequest => ({ kind: 'apply', operations: [{ type: 'DELETE', path }], cursor: null });

describe('StorageChain', () => {
  it('runs requests one at a time and reports completions in request order', async () => {
    const started: string[] = [];
    let running = 0;
    const backend = {
      async apply(operations: readonly { path?: string }[]) {
        running += 1;
        expect(running).toBe(1);
        started.push(operations[0]?.path ?? '');
        await sleep(started.length % 2 === 0 ? 1 : 10);
        running -= 1;
        return { durable: false };
      },
    } as unknown as StorageBackend;
    const completed: number[] = [];
    const chain = new StorageChain(backend, (requestId) => completed.push(requestId));
    for (let id = 1; id <= 6; id += 1) chain.enqueue(id, apply(`p${id}`));
    await chain.idle();
    expect(completed).toEqual([1, 2, 3, 4, 5, 6]);
    expect(started).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('idle() also waits for requests enqueued by completions', async () => {
    const completed: number[] = [];
    const chain: StorageChain = new StorageChain(new MemoryStorage(), (requestId) => {
      completed.push(requestId);
      if (requestId < 3) chain.enqueue(requestId + 1, apply('x'));
    });
    chain.enqueue(1, apply('x'));
    await chain.idle();
    expect(completed).toEqual([1, 2, 3]);
  });

  it('turns a failing backend into a failed result, not a rejection', async () => {
    const backend = { apply: async () => Promise.reject(new Error('no space')) } as unknown as StorageBackend;
    const results: unknown[] = [];
    const chain = new StorageChain(backend, (_requestId, result) => results.push(result));
    chain.enqueue(1, apply('x'));
    await chain.idle();
    expect(results).toEqual([{ kind: 'failed', message: 'no space' }]);
  });
});
