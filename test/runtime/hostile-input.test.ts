import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/core/errors.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { NetworkSyncBackend, type PrimaryReplicationStats } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { bytesOf } from '../support/machine.js';
import { captureLogs, type CapturedLogs } from './support/logs.js';
import { FAST_TIMING, portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp, waitUntil } from './support/nodes.js';
import { closeServer, fakePrimary, lengthPrefix, rawConnect, type RawPeer } from './support/raw-peer.js';

const HANDSHAKE_TIMEOUT_MS = 500;

describe('hostile bytes on the replication port', () => {
  const open: NetworkSyncBackend[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (node) => node.close()));
  });

  async function clusterWithLogs(): Promise<{ primary: NetworkSyncBackend; secondaries: NetworkSyncBackend[]; storages: MemoryStorage[]; logs: CapturedLogs }> {
    const logs = captureLogs();
    const storages = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const primary = await startPrimary(storages[0] as MemoryStorage, { logger: logs.logger, timing: { ...FAST_TIMING, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS } });
    open.push(primary);
    const secondaries = await Promise.all(storages.slice(1).map(async (storage) => startSecondary(portOf(primary), storage)));
    open.push(...secondaries);
    return { primary, secondaries, storages, logs };
  }

  function errorFrameOf(peer: RawPeer): Frame | undefined {
    return peer.frames().find((frame) => frame.kind === 'error');
  }

  function closeReasons(logs: CapturedLogs): { code: unknown; reason: unknown }[] {
    return logs.records().filter((record) => record['event'] === 'connectionClosed').map((record) => ({ code: record['code'], reason: record['reason'] }));
  }

  it('closes a connection that sends garbage, a huge length prefix or a truncated frame, logs why, and keeps replicating', async () => {
    const { primary, secondaries, storages, logs } = await clusterWithLogs();
    const port = portOf(primary);
    await primary.writeData('before', 'x');

    const garbage = await rawConnect(port);
    garbage.socket.write(Buffer.concat([lengthPrefix(12), Buffer.from('not json {{{')]));
    // Only the 4 prefix bytes: the primary must decide without waiting for the 4 GiB it announces.
    const huge = await rawConnect(port);
    huge.socket.write(lengthPrefix(0xffff_fff0));
    const truncated = await rawConnect(port);
    truncated.socket.write(Buffer.concat([lengthPrefix(200), Buffer.from('{"type":"HELLO"')]));
    await Promise.all([garbage.closed, huge.closed, truncated.closed]);

    expect(errorFrameOf(garbage)).toMatchObject({ kind: 'error', code: 'protocol' });
    expect(errorFrameOf(huge)).toMatchObject({ kind: 'error', code: 'frame_too_large' });
    expect(errorFrameOf(truncated)).toMatchObject({ kind: 'error', code: 'timeout' });
    const reasons = closeReasons(logs);
    expect(reasons.map((closed) => closed.code).sort()).toEqual(['frame_too_large', 'protocol', 'timeout']);
    expect(reasons.find((closed) => closed.code === 'frame_too_large')?.reason).toMatch(/4294967280/);
    expect(reasons.find((closed) => closed.code === 'timeout')?.reason).toMatch(/no HELLO in 500 ms/);
    // Every line about a connection names the peer.
    const addresses = logs.records().filter((record) => record['event'] === 'connectionClosed' || record['event'] === 'peerJoined').map((record) => record['address']);
    expect(addresses.length).toBeGreaterThanOrEqual(5);
    for (const address of addresses) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

    for (let i = 0; i < 100; i += 1) await primary.writeData(`after/${i}`, `v${i}`);
    await waitCaughtUp(primary, secondaries);
    for (const storage of storages.slice(1)) expect(await storageDifference(storages[0] as MemoryStorage, storage)).toBeNull();
    expect(primary.getReplicationStats()).toMatchObject({ replicaCount: 2, server: { activeConnections: 2 } });
  });

  it('a flood of silent connections from many hosts takes no secondary slot: a restarted secondary gets back in', async () => {
    const { primary, secondaries, logs } = await clusterWithLogs();
    const port = portOf(primary);
    const [leaving] = secondaries.splice(0, 1);
    await leaving?.close();
    open.splice(open.indexOf(leaving as NetworkSyncBackend), 1);
    // 400 sockets that never say HELLO, ten from each of 40 other loopback hosts: past handshakesPerHostMax
    // the primary refuses them, past handshakesMax it closes the oldest.
    const flood = await Promise.all(Array.from({ length: 400 }, async (_, index) => rawConnect(port, `127.0.1.${1 + (index % 40)}`)));
    await primary.writeData('during-flood', 'x');
    const back = await startSecondary(port, new MemoryStorage());
    open.push(back);
    await waitCaughtUp(primary, [back, ...secondaries]);
    const stats = primary.getReplicationStats() as PrimaryReplicationStats;
    expect(stats.server.activeConnections).toBeLessThanOrEqual(DEFAULT_LIMITS.connectionsMax + DEFAULT_LIMITS.handshakesMax);
    expect(primary.getReplicationStats()).toMatchObject({ replicaCount: 2 });
    // Never refused for room: the strangers' connections were, from their own hosts.
    const refused = logs.records().filter((record) => record['event'] === 'connectionClosed' && record['code'] === 'capacity');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((record) => String(record['address']).startsWith('127.0.0.1:'))).toEqual([]);
    for (const peer of flood) peer.socket.destroy();
  });

  it('closes the socket of a peer that says ERROR and then stays: nothing else would count it', async () => {
    const { primary } = await clusterWithLogs();
    const stranger = await rawConnect(portOf(primary));
    stranger.socket.write(bytesOf({ kind: 'error', timestampMs: Date.now(), code: 'protocol', message: 'and now I stay' }));
    await stranger.closed;
  });

  it('original failure 17: a huge length prefix from the primary closes the link before buffering, and the secondary reconnects', async () => {
    const fake = await fakePrimary((peer) => peer.socket.write(Buffer.concat([lengthPrefix(0xffff_fff0), Buffer.alloc(1024, 7)])));
    const logs = captureLogs();
    const created = NetworkSyncBackend.create({
      baseBackend: new MemoryStorage(),
      mode: 'secondary',
      config: { primaryHost: '127.0.0.1', primaryPort: fake.port, timing: FAST_TIMING, logger: logs.logger, runtimeLimits: { startupTimeoutMs: 1_500 } },
    });
    const failed = expect(created).rejects.toBeInstanceOf(ConnectionError);
    await waitUntil(() => fake.peers.length >= 3, 'three connection attempts');
    await Promise.all(fake.peers.slice(0, 2).map(async (peer) => peer.closed));
    await failed;
    const codes = closeReasons(logs).map((closed) => closed.code);
    expect(codes.filter((code) => code === 'frame_too_large').length).toBeGreaterThanOrEqual(2);
    await closeServer(fake.server, fake.peers);
  });
});
