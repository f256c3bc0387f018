import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BINARY_SHA256_FORMAT, type WireFormatSetting } from '../../src/core/codec/index.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp } from './support/nodes.js';

const VALUE_BYTES = 10_000;
const WRITES = 20;

describe('binary and JSON secondaries of one primary over loopback TCP', () => {
  const open: NetworkSyncBackend[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (node) => node.close()));
  });

  /** A primary, a write before anyone joins (a snapshot), secondaries of the given formats, then a stream of large values. */
  async function replicate(primaryFormat: WireFormatSetting, secondaryFormats: readonly WireFormatSetting[]): Promise<NetworkSyncBackend> {
    const storages = secondaryFormats.map(() => new MemoryStorage());
    const primaryStorage = new MemoryStorage();
    const primary = await startPrimary(primaryStorage, { wireFormat: primaryFormat });
    open.push(primary);
    await primary.writeWithReplication({ relativePath: 'before/join', data: 'early', key: 'k0', tags: ['a'], ttl: 3600 });
    const secondaries = await Promise.all(storages.map(async (storage, index) => startSecondary(portOf(primary), storage, { wireFormat: secondaryFormats[index], replicaId: `r${index}` })));
    open.push(...secondaries);
    await waitCaughtUp(primary, secondaries);
    for (let i = 0; i < WRITES; i += 1) await primary.writeWithReplication({ relativePath: `big/${i}`, data: randomBytes(VALUE_BYTES), key: `k${i}`, tags: ['t'] });
    await primary.deleteWithReplication({ relativePath: 'big/3', key: 'k3' });
    await primary.setTags('big/4', ['retagged']);
    await waitCaughtUp(primary, secondaries);
    for (const storage of storages) expect(await storageDifference(primaryStorage, storage)).toBeNull();
    return primary;
  }

  function bytesSentTo(primary: NetworkSyncBackend, replicaId: string): number {
    const stats = primary.getReplicationStats();
    if (stats.mode !== 'primary') throw new Error('not a primary');
    const replica = stats.replicas.find((candidate) => candidate.replicaId === replicaId);
    if (replica === undefined) throw new Error(`no replica ${replicaId}`);
    return replica.bytesSent;
  }

  it('a binary primary streams raw values to the binary secondary and base64 to the JSON one; both end equal', async () => {
    const primary = await replicate('binary', ['binary', 'json']);
    // The values dominate: JSON carries them in base64, a third larger.
    expect(bytesSentTo(primary, 'r0')).toBeLessThan(WRITES * VALUE_BYTES * 1.1);
    expect(bytesSentTo(primary, 'r1')).toBeGreaterThan(WRITES * VALUE_BYTES * 1.3);
  });

  it('beside a binary-2 secondary, one of the release before binary-2 gets binary-1, each frame 28 bytes longer; all three end equal', async () => {
    const primary = await replicate('binary', ['binary', BINARY_SHA256_FORMAT, 'json']);
    const [binary2, binary1, json] = ['r0', 'r1', 'r2'].map((id) => bytesSentTo(primary, id)) as [number, number, number];
    // At least one data frame per awaited write: each carries a 32-byte SHA-256 on binary-1, a 4-byte CRC-32 on binary-2.
    expect(binary1 - binary2).toBeGreaterThanOrEqual(WRITES * (32 - 4));
    expect(binary1).toBeLessThan(WRITES * VALUE_BYTES * 1.1);
    expect(json).toBeGreaterThan(WRITES * VALUE_BYTES * 1.3);
  });

  it('a primary of the release before binary-2 streams binary-1 to a secondary that offers both; both end equal', async () => {
    const primary = await replicate(BINARY_SHA256_FORMAT, ['binary']);
    expect(bytesSentTo(primary, 'r0')).toBeLessThan(WRITES * VALUE_BYTES * 1.1);
  });

  it('a JSON-only primary streams JSON to a secondary that offers binary; both end equal', async () => {
    const primary = await replicate('json', ['binary']);
    expect(bytesSentTo(primary, 'r0')).toBeGreaterThan(WRITES * VALUE_BYTES * 1.3);
  });
});
