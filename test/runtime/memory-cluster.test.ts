import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, InvalidOperationError, LimitExceededError } from '../../src/core/errors.js';
import { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { ReadOnlyError } from '../../src/core/errors.js';
import type { Operation } from '../../src/core/operation.js';
import type { Cursor } from '../../src/core/storage-request.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp, waitUntil } from './support/nodes.js';

/** Holds each apply, while gated, until the test lets it through. */
class GatedStorage extends MemoryStorage {
  gated = false;
  readonly held: (() => void)[] = [];

  override async apply(operations: readonly Operation[], cursor: Cursor | null): Promise<{ durable: boolean }> {
    if (this.gated) await new Promise<void>((letThrough) => this.held.push(letThrough));
    return super.apply(operations, cursor);
  }
}

describe('primary and two secondaries on MemoryStorage over loopback TCP', () => {
  const open: NetworkSyncBackend[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (node) => node.close()));
  });

  async function cluster(): Promise<{ primary: NetworkSyncBackend; secondaries: NetworkSyncBackend[]; storages: MemoryStorage[] }> {
    const storages = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const [primaryStorage, ...secondaryStorages] = storages as [MemoryStorage, MemoryStorage, MemoryStorage];
    const primary = await startPrimary(primaryStorage, { adminPort: 0 });
    open.push(primary);
    primary.setContext({ db: 'mydb', namespace: 'production' });
    await primary.writeWithReplication({ relativePath: 'before/join', data: 'early', key: 'k0', tags: ['a'] });
    const secondaries = await Promise.all(secondaryStorages.map(async (storage) => startSecondary(portOf(primary), storage, { adminPort: 0 })));
    open.push(...secondaries);
    return { primary, secondaries, storages };
  }

  async function expectEqual(storages: readonly MemoryStorage[]): Promise<void> {
    const [expected, ...replicas] = storages;
    if (expected === undefined) throw new Error('no storage');
    for (const replica of replicas) expect(await storageDifference(expected, replica)).toBeNull();
  }

  it('replicates writes, deletes, tags and metadata; every secondary ends equal path by path', async () => {
    const { primary, secondaries, storages } = await cluster();
    for (let i = 0; i < 50; i += 1) await primary.writeWithReplication({ relativePath: `p/${i}`, data: `v${i}`, key: `k${i}`, tags: ['t', `n${i % 3}`] });
    await primary.deleteWithReplication({ relativePath: 'p/3', key: 'k3' });
    await primary.setTags('p/4', ['retagged']);
    await primary.setTtl('p/5', 3600);
    await waitCaughtUp(primary, secondaries);
    await expectEqual(storages);
    const [first, second] = secondaries as [NetworkSyncBackend, NetworkSyncBackend];
    expect((await first.readData('p/7'))?.toString()).toBe('v7');
    expect(await first.fileExists('p/3')).toBe(false);
    expect(await second.getFileSize('p/10')).toBe(3);
    expect(await second.getMetadata('p/4')).toMatchObject({ path: 'p/4', key: 'k4', db: 'mydb', namespace: 'production', tags: ['retagged'] });
    expect((await second.getMetadata('p/5'))?.expiresAtMs).toBeGreaterThan(Date.now());
  });

  it('expires a key with a TTL on the primary and replicates the expiry as a delete', async () => {
    const { primary, secondaries, storages } = await cluster();
    await primary.writeWithReplication({ relativePath: 'short-lived', data: 'x', key: 'k', ttl: 0.2 });
    await primary.writeWithReplication({ relativePath: 'long-lived', data: 'y', key: 'k', ttl: 3600 });
    await waitUntil(() => primary.getReplicationStats().mode === 'primary' && (primary.getReplicationStats() as { expiredKeys: number }).expiredKeys === 1, 'the primary to expire the key');
    await waitCaughtUp(primary, secondaries);
    await expectEqual(storages);
    for (const node of [primary, ...secondaries]) {
      expect(await node.readData('short-lived')).toBeUndefined();
      expect(await node.fileExists('long-lived')).toBe(true);
    }
    expect(await storages[1]?.exists('short-lived')).toBe(false);
  });

  it('flushes a namespace on every node', async () => {
    const { primary, secondaries, storages } = await cluster();
    primary.setContext({ db: 'mydb', namespace: 'scratch' });
    await primary.writeData('scratch/a', 'a');
    await primary.flush({ db: 'mydb', namespace: 'scratch' });
    await waitCaughtUp(primary, secondaries);
    await expectEqual(storages);
    expect(await storages[2]?.list()).toEqual(['before/join']);
  });

  it('original failure 14: writeData and deleteFile on the primary replicate', async () => {
    const { primary, secondaries, storages } = await cluster();
    await primary.writeData('plain/write', new Uint8Array([0, 1, 2, 255]));
    await primary.writeData('plain/gone', 'soon deleted');
    await primary.deleteFile('plain/gone');
    await waitCaughtUp(primary, secondaries);
    await expectEqual(storages);
    for (const secondary of secondaries) {
      expect([...((await secondary.readData('plain/write')) ?? [])]).toEqual([0, 1, 2, 255]);
      expect(await secondary.fileExists('plain/gone')).toBe(false);
    }
  });

  it('refuses every write on a secondary with ReadOnlyError and the original messages', async () => {
    const { secondaries } = await cluster();
    const secondary = secondaries[0] as NetworkSyncBackend;
    await expect(secondary.writeData('x', 'y')).rejects.toThrow(new ReadOnlyError('Cannot write to secondary replica'));
    await expect(secondary.writeWithReplication({ relativePath: 'x', data: 'y' })).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(secondary.deleteFile('before/join')).rejects.toThrow(new ReadOnlyError('Cannot delete from secondary replica'));
    await expect(secondary.deleteWithReplication({ relativePath: 'before/join' })).rejects.toThrow('Cannot delete from secondary replica');
    expect(await secondary.fileExists('before/join')).toBe(true);
  });

  it('writeData, which returns the primary node\'s promise with no async layer, rejects a refused write and never throws', async () => {
    const { primary, secondaries } = await cluster();
    const calls: [string, () => Promise<void>, (reason: unknown) => void][] = [
      ['on a secondary', () => (secondaries[0] as NetworkSyncBackend).writeData('x', 'y'), (reason) => expect(reason).toBeInstanceOf(ReadOnlyError)],
      ['a path too long', () => primary.writeData('p'.repeat(5_000), 'y'), (reason) => expect(reason).toBeInstanceOf(LimitExceededError)],
      ['no data', () => primary.writeData('x', null as unknown as string), (reason) => expect(reason).toBeInstanceOf(InvalidOperationError)],
      ['no replica options', () => primary.writeData('x', 'y', null as unknown as object), (reason) => expect(reason).toBeInstanceOf(InvalidOperationError)],
    ];
    for (const [what, call, check] of calls) {
      let written: Promise<void> | undefined;
      expect(() => (written = call()), what).not.toThrow();
      check(await written?.then(() => 'resolved', (reason: unknown) => reason));
    }
    await expect(primary.writeData('resolves', 'with nothing')).resolves.toBeUndefined();
  });

  it('reports the original runtime fields and serves /stats and /metrics', async () => {
    const { primary, secondaries } = await cluster();
    await waitCaughtUp(primary, secondaries);
    const stats = primary.getReplicationStats();
    expect(stats).toMatchObject({ mode: 'primary', replicaCount: 2, server: { host: '127.0.0.1', port: portOf(primary), running: true, activeConnections: 2 } });
    const secondary = secondaries[0] as NetworkSyncBackend;
    expect(secondary.getReplicationStats()).toMatchObject({ mode: 'secondary', primary: { host: '127.0.0.1', port: portOf(primary), connected: true } });
    const served = (await (await fetch(`http://127.0.0.1:${primary.adminPort}/stats`)).json()) as { replicas: unknown[] };
    expect(served.replicas).toHaveLength(2);
    const metrics = await (await fetch(`http://127.0.0.1:${primary.adminPort}/metrics`)).text();
    expect(metrics).toMatch(/^nadb_replication_applied_sequence 1$/m);
    expect(metrics).toMatch(/^nadb_replication_lag_operations\{replica_id="replica-[0-9a-f]+"\} 0$/m);
    expect(metrics).toMatch(/^nadb_replication_full_resyncs_total 2$/m);
    expect(metrics).toMatch(/^nadb_replication_held_writes 0$/m);
    expect(metrics).toMatch(/^nadb_replication_bytes_sent_total [1-9]\d*$/m);
    expect(metrics.match(/^nadb_replication_link_wire_format\{replica_id="replica-[0-9a-f]+",format="binary-2"\} 1$/gm)).toHaveLength(2);
    const secondaryMetrics = await (await fetch(`http://127.0.0.1:${secondary.adminPort}/metrics`)).text();
    expect(secondaryMetrics).toMatch(/^nadb_replication_connected_peers 1$/m);
    expect(secondaryMetrics).toMatch(/^nadb_replication_behind_operations 0$/m);
    expect(secondaryMetrics).toMatch(/^nadb_replication_behind_seconds 0$/m);
    expect(secondaryMetrics).toMatch(/^nadb_replication_link_wire_format\{replica_id="replica-[0-9a-f]+",format="binary-2"\} 1$/m);
    expect((await fetch(`http://127.0.0.1:${primary.adminPort}/nothing`)).status).toBe(404);
  });

  it('resolves each write when the apply carrying it completes: the first of a burst alone, the rest with the next apply', async () => {
    const storage = new GatedStorage();
    const primary = await startPrimary(storage);
    open.push(primary);
    storage.gated = true;
    const resolved: string[] = [];
    const writes = ['first', 'second', 'third'].map(async (path) => primary.writeData(path, 'v').then(() => resolved.push(path)));
    await waitUntil(() => storage.held.length === 1, 'the first apply');
    storage.held.shift()?.();
    await waitUntil(() => storage.held.length === 1, 'the second apply');
    expect(resolved).toEqual(['first']);
    storage.gated = false;
    storage.held.shift()?.();
    await Promise.all(writes);
    expect(resolved).toEqual(['first', 'second', 'third']);
  });

  it('a write resolves only once the primary applied it, and close() then leaves nothing running', async () => {
    const storage = new MemoryStorage();
    const primary = await startPrimary(storage);
    await primary.writeData('a', 'b');
    expect((await storage.read('a'))?.key).toBe('a');
    await primary.close();
    await expect(storage.list()).rejects.toThrow('storage is closed');
    await expect(primary.writeData('a', 'c')).rejects.toThrow('primary is closed');
    await primary.close();
  });

  it('a closed primary still reports the port it listened on, as no longer running', async () => {
    const primary = await startPrimary(new MemoryStorage());
    const port = portOf(primary);
    await primary.close();
    expect(primary.getReplicationStats()).toMatchObject({ server: { port, running: false } });
  });

  it('rejects a configuration that cannot work, and closes the storage it was given', async () => {
    const storage = new MemoryStorage();
    await expect(NetworkSyncBackend.create({ baseBackend: storage, mode: 'secondary', config: {} })).rejects.toThrow(new ConfigError('primaryHost is required for a secondary'));
    await expect(storage.list()).rejects.toThrow('storage is closed');
    const create = (config: object) => NetworkSyncBackend.create({ baseBackend: new MemoryStorage(), mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0, ...config } });
    await expect(create({ listenPort: 70_000 })).rejects.toBeInstanceOf(ConfigError);
    await expect(create({ broadcastAsync: false })).rejects.toThrow('broadcastAsync: false is not supported');
    await expect(create({ heartbeatInterval: 60 })).rejects.toThrow('heartbeatIntervalMs must be below replicationTimeoutMs');
  });
});
