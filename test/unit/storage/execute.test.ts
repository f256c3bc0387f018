import { describe, expect, it } from 'vitest';
import { StorageFailedError, StorageLostError } from '../../../src/core/errors.js';
import type { Operation } from '../../../src/core/operation.js';
import type { Cursor } from '../../../src/core/storage-request.js';
import { executeRequest } from '../../../src/storage/execute.js';
import { MemoryStorage } from '../../../src/storage/memory.js';
import { set } from '../../support/ops.js';

/** Memory storage whose applies are durable, or fail with `failure`. */
class AnsweringStorage extends MemoryStorage {
  constructor(private readonly failure: unknown = null) {
    super();
  }

  override async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    if (this.failure !== null) throw this.failure;
    await super.apply(operations, cursor);
    return { durable: true };
  }

  override async stageCommit(cursor: Cursor): Promise<{ durable: boolean }> {
    await super.stageCommit(cursor);
    return { durable: true };
  }
}

const cursor = { replicationId: 'r', sequence: 1 };

describe('executeRequest', () => {
  it('runs each kind of request and answers with its result', async () => {
    const storage = new AnsweringStorage();
    expect(await executeRequest(storage, { kind: 'apply', operations: [set('a', '1')], cursor })).toEqual({ kind: 'done', durable: true });
    const scanned = await executeRequest(storage, { kind: 'scan', afterPath: null, entriesMax: 10, bytesMax: 1 << 20 });
    expect(scanned).toMatchObject({ kind: 'scanned', done: true, entries: [{ path: 'a' }] });
    expect(await executeRequest(storage, { kind: 'stageBegin' })).toEqual({ kind: 'done', durable: false });
    expect(await executeRequest(storage, { kind: 'stageApply', operations: [set('b', '2')] })).toEqual({ kind: 'done', durable: false });
    expect(await executeRequest(storage, { kind: 'stageCommit', cursor: { replicationId: 'r', sequence: 2 } })).toEqual({ kind: 'done', durable: true });
    expect(await storage.list()).toEqual(['b']);
    expect(await storage.loadCursor()).toEqual({ replicationId: 'r', sequence: 2 });
  });

  it('answers a rejection as failed with its message, and lost when the storage lost its data', async () => {
    expect(await executeRequest(new AnsweringStorage(new StorageFailedError('disk full')), { kind: 'apply', operations: [], cursor })).toEqual({ kind: 'failed', message: 'disk full' });
    expect(await executeRequest(new AnsweringStorage(new StorageLostError('flushed')), { kind: 'apply', operations: [], cursor })).toEqual({ kind: 'failed', message: 'flushed', lost: true });
    expect(await executeRequest(new AnsweringStorage('a string'), { kind: 'apply', operations: [], cursor })).toEqual({ kind: 'failed', message: 'a string' });
  });

  it('answers a staging call out of turn as failed', async () => {
    expect(await executeRequest(new MemoryStorage(), { kind: 'stageApply', operations: [] })).toMatchObject({ kind: 'failed', message: expect.stringMatching(/without stageBegin/) });
  });
});
