/**
 * Every API method that takes a value, given one of the wrong type (as JavaScript callers can):
 * each is refused with InvalidOperationError naming what was wrong, as a rejected promise (never
 * a throw, never a bare TypeError from deep inside), and nothing is written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOperationError } from '../../src/core/errors.js';
import { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { InvalidPathError } from '../../src/storage/filesystem/paths.js';
import { MemoryStorage } from '../../src/storage/memory.js';

/** The API as a JavaScript caller sees it: no type stops a wrong argument. */
type Untyped = Record<string, (...args: unknown[]) => unknown>;

const WRONG_CALLS: readonly (readonly [string, (api: Untyped) => unknown, RegExp])[] = [
  ['writeData(path, null)', (api) => api.writeData?.('p', null), /^data must be a string or a Uint8Array \(a Buffer\), got null$/],
  ['writeData(path, a number)', (api) => api.writeData?.('p', 5), /got 5$/],
  ['writeData(path, an ArrayBuffer)', (api) => api.writeData?.('p', new ArrayBuffer(2)), /got an object \(ArrayBuffer\)$/],
  ['writeData(path, a Uint16Array)', (api) => api.writeData?.('p', new Uint16Array(2)), /got an object \(Uint16Array\)$/],
  ['writeData(path, an array)', (api) => api.writeData?.('p', [1, 2]), /got an array$/],
  ['writeData(null, data)', (api) => api.writeData?.(null, 'x'), /^path must be a string, got null$/],
  ['writeData(undefined, data)', (api) => api.writeData?.(undefined, 'x'), /^path must be a string, got undefined$/],
  ['writeData(path, data, null)', (api) => api.writeData?.('p', 'x', null), /^replica options must be an object, got null$/],
  ['deleteFile(path, a number)', (api) => api.deleteFile?.('p', 2), /^replica options must be an object, got 2$/],
  ['writeData with minReplicas a string', (api) => api.writeData?.('p', 'x', { minReplicas: '1' }), /^minReplicas must be a positive integer, got "1"$/],
  ['writeData with timeoutMs a string', (api) => api.writeData?.('p', 'x', { minReplicas: 1, timeoutMs: '5' }), /^timeoutMs must be a positive integer, got "5"$/],
  ['writeData with acknowledged unknown', (api) => api.writeData?.('p', 'x', { minReplicas: 1, acknowledged: 'all' }), /^acknowledged must be 'durable' or 'applied', got "all"$/],
  ['writeWithReplication(null)', (api) => api.writeWithReplication?.(null), /^writeWithReplication takes an object, got null$/],
  ['writeWithReplication without data', (api) => api.writeWithReplication?.({ relativePath: 'p' }), /^data must be .* got undefined$/],
  ['writeWithReplication with tags a string', (api) => api.writeWithReplication?.({ relativePath: 'p', data: 'x', tags: 'abc' }), /^tags must be an array of strings, got "abc"$/],
  ['writeWithReplication with tags null', (api) => api.writeWithReplication?.({ relativePath: 'p', data: 'x', tags: null }), /^tags must be an array of strings, got null$/],
  ['writeWithReplication with a tag a number', (api) => api.writeWithReplication?.({ relativePath: 'p', data: 'x', tags: [1] }), /^tag must be a string, got 1$/],
  ['writeWithReplication with key a number', (api) => api.writeWithReplication?.({ relativePath: 'p', data: 'x', key: 5 }), /^key must be a string, got 5$/],
  ['writeWithReplication with ttl a string', (api) => api.writeWithReplication?.({ relativePath: 'p', data: 'x', ttl: '10' }), /^ttl must be null or a finite number of seconds, got "10"$/],
  ['deleteFile(null)', (api) => api.deleteFile?.(null), /^path must be a string, got null$/],
  ['deleteWithReplication(null)', (api) => api.deleteWithReplication?.(null), /^deleteWithReplication takes an object, got null$/],
  ['setTtl(path)', (api) => api.setTtl?.('p'), /^setTtl wants ttl: seconds from now, or null to remove the expiry$/],
  ['setTtl(null, ttl)', (api) => api.setTtl?.(null, 1), /^path must be a string, got null$/],
  ['setTags(path, a string)', (api) => api.setTags?.('p', 'abc'), /^tags must be an array of strings, got "abc"$/],
  ['setTags(path)', (api) => api.setTags?.('p'), /^tags must be an array of strings, got undefined$/],
  ['flush(null)', (api) => api.flush?.(null), /^flush takes an object, got null$/],
  ['flush with db a number', (api) => api.flush?.({ db: 5, namespace: null }), /^db must be a string, got 5$/],
  ['readData(null)', (api) => api.readData?.(null), /^path must be a string, got null$/],
  ['fileExists(a number)', (api) => api.fileExists?.(5), /^path must be a string, got 5$/],
  ['getFileSize(null)', (api) => api.getFileSize?.(null), /^path must be a string, got null$/],
  ['getMetadata(null)', (api) => api.getMetadata?.(null), /^path must be a string, got null$/],
];

describe('the API refuses values of the wrong type with InvalidOperationError', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function primaryOn(storage: StorageBackend): Promise<NetworkSyncBackend> {
    const node = await NetworkSyncBackend.create({ baseBackend: storage, mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0 } });
    cleanups.push(() => node.close());
    return node;
  }

  async function expectRefused(node: NetworkSyncBackend, storage: StorageBackend): Promise<void> {
    for (const [what, call, message] of WRONG_CALLS) {
      let outcome: unknown;
      try {
        outcome = call(node as unknown as Untyped);
      } catch (error) {
        expect.fail(`${what} threw instead of rejecting: ${String(error)}`);
      }
      expect(outcome, what).toBeInstanceOf(Promise);
      const error = await (outcome as Promise<unknown>).then(() => undefined, (rejected: unknown) => rejected);
      expect(error, what).toBeInstanceOf(InvalidOperationError);
      expect((error as Error).message, what).toMatch(message);
    }
    expect(await storage.list(), 'nothing written').toEqual([]);
    expect(node.getReplicationStats(), 'nothing accepted into the log').toMatchObject({ lastLogSequence: 0 });
  }

  it('on memory storage', async () => {
    const storage = new MemoryStorage();
    await expectRefused(await primaryOn(storage), storage);
  });

  it('on the filesystem, whose own check of a path comes first', async () => {
    const basePath = await mkdtemp(join(tmpdir(), 'nadb-api-types-'));
    cleanups.push(() => rm(basePath, { recursive: true, force: true }));
    const storage = await FileSystemStorage.open({ basePath });
    const node = await primaryOn(storage);
    await expect(node.writeData(null as unknown as string, 'x')).rejects.toThrow(new InvalidPathError('path null refused: it is not a string'));
    await expect(node.readData(null as unknown as string)).rejects.toThrow(InvalidOperationError);
    expect(await storage.list()).toEqual([]);
  });

  it('setContext, which returns nothing, throws it and keeps the context it had', async () => {
    const storage = new MemoryStorage();
    const node = await primaryOn(storage);
    node.setContext({ db: 'kept', namespace: 'ns' });
    expect(() => node.setContext(null as unknown as { db: string; namespace: string })).toThrow(new InvalidOperationError('setContext takes an object, got null'));
    expect(() => node.setContext({ db: 5, namespace: 'ns' } as unknown as { db: string; namespace: string })).toThrow(
      new InvalidOperationError('setContext wants db and namespace as strings, got 5 and "ns"'),
    );
    await node.writeData('p', 'x');
    expect(await node.getMetadata('p')).toMatchObject({ db: 'kept', namespace: 'ns' });
  });
});
