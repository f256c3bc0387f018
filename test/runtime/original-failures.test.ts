import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/core/codec/index.js';
import { ConnectionError } from '../../src/core/errors.js';
import type { Frame } from '../../src/core/frame.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../src/core/limits.js';
import type { NetworkSyncConfig } from '../../src/runtime/config.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { captureLogs } from './support/logs.js';
import { FAST_TIMING, portOf, startPrimary, startSecondary, storageDifference, waitCaughtUp, waitUntil } from './support/nodes.js';
import { rawConnect } from './support/raw-peer.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { selfSignedCert } from './support/tls-cert.js';

function frameBytes(frame: Frame): Uint8Array {
  return encodeFrame(frame, DEFAULT_LIMITS).bytes;
}

const hello = (replicaId: string, auth: string | null): Frame => ({ kind: 'hello', timestampMs: Date.now(), protocolVersion: PROTOCOL_VERSION, replicaId, auth });
const syncFromScratch: Frame = { kind: 'syncRequest', timestampMs: 0, replicationId: null, fromSequence: 1 };

describe('the original failures that concern the runtime do not happen here', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function closes<T extends { close(): Promise<unknown> }>(node: T): T {
    cleanups.push(async () => node.close());
    return node;
  }

  async function primaryOn(storage: MemoryStorage, config: NetworkSyncConfig = {}): Promise<NetworkSyncBackend> {
    return closes(await startPrimary(storage, config));
  }

  async function secondaryOf(port: number, storage: MemoryStorage, config: NetworkSyncConfig = {}): Promise<NetworkSyncBackend> {
    return closes(await startSecondary(port, storage, config));
  }

  it('original failure 7: a partial frame left by a cut link does not survive the reconnect', async () => {
    const [primaryStorage, secondaryStorage] = [new MemoryStorage(), new MemoryStorage()];
    const primary = await primaryOn(primaryStorage);
    const proxy = closes(await TcpProxy.start(portOf(primary)));
    const logs = captureLogs();
    const secondary = await secondaryOf(proxy.port, secondaryStorage, { logger: logs.logger });
    await primary.writeData('first', 'x');
    await waitCaughtUp(primary, [secondary]);
    proxy.cutMidFrame();
    await primary.writeData('during', 'y'.repeat(100));
    await waitUntil(() => proxy.cutDone, 'the proxy to cut the stream in the middle of a frame');
    for (let i = 0; i < 20; i += 1) await primary.writeData(`after/${i}`, 'z');
    await waitCaughtUp(primary, [secondary]);
    expect(await storageDifference(primaryStorage, secondaryStorage)).toBeNull();
    expect(proxy.accepted).toBe(2);
    expect(secondary.getReplicationStats()).toMatchObject({ partialResyncs: 1 });
    // The new connection decoded cleanly from its first byte: no protocol or checksum error.
    const codes = logs.records().filter((record) => record['event'] === 'connectionClosed').map((record) => record['code']);
    expect(codes).toEqual(['peer_closed']);
  });

  it('original failure 15: a silent, half-open link to the primary is detected and replaced', async () => {
    const [primaryStorage, secondaryStorage] = [new MemoryStorage(), new MemoryStorage()];
    const primary = await primaryOn(primaryStorage);
    const proxy = closes(await TcpProxy.start(portOf(primary)));
    const secondary = await secondaryOf(proxy.port, secondaryStorage);
    await primary.writeData('first', 'x');
    await waitCaughtUp(primary, [secondary]);
    proxy.freeze();
    await primary.writeData('while frozen', 'y');
    await waitUntil(() => proxy.accepted === 2, 'the secondary to give up on the silent link and reconnect');
    await waitCaughtUp(primary, [secondary]);
    expect(await storageDifference(primaryStorage, secondaryStorage)).toBeNull();
  });

  it('original failure 16: a replica that stops reading blocks neither the writers nor the other replicas', async () => {
    const limits = { frameBytesMax: 1024 * 1024, valueBytesMax: 256 * 1024, outboundBudgetBytes: 1024 * 1024 };
    // A replication timeout longer than the test: the stalled replica stays connected throughout.
    const timing = { ...FAST_TIMING, replicationTimeoutMs: 60_000 };
    const storages = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const primary = await primaryOn(storages[0] as MemoryStorage, { limits, timing });
    const secondaries = await Promise.all(storages.slice(1).map(async (storage) => secondaryOf(portOf(primary), storage, { limits, timing })));
    const stalled = await rawConnect(portOf(primary));
    cleanups.push(async () => stalled.socket.destroy());
    stalled.socket.pause();
    stalled.socket.write(Buffer.concat([frameBytes(hello('stalled', null)), frameBytes(syncFromScratch)]));
    const value = randomBytes(128 * 1024);
    const total = 160; // 20 MiB: far more than the stalled replica's budget and socket buffers hold
    for (let i = 0; i < total; i += 1) await primary.writeData(`big/${i}`, value);
    await waitCaughtUp(primary, secondaries);
    for (const storage of storages.slice(1)) expect(await storageDifference(storages[0] as MemoryStorage, storage)).toBeNull();
    const stats = primary.getReplicationStats();
    const stalledStats = stats.mode === 'primary' ? stats.replicas.find((replica) => replica.replicaId === 'stalled') : undefined;
    expect(stalledStats).toMatchObject({ connected: true });
    expect(stalledStats?.queueSize).toBeLessThanOrEqual(limits.outboundBudgetBytes);
    expect(stalledStats?.lagOperations).toBeGreaterThan(0);
  });

  it('original failure 18: a 4 MiB value replicates intact over loopback (throughput: npm run bench:runtime)', async () => {
    const [primaryStorage, secondaryStorage] = [new MemoryStorage(), new MemoryStorage()];
    const primary = await primaryOn(primaryStorage);
    const secondary = await secondaryOf(portOf(primary), secondaryStorage);
    const value = randomBytes(4 * 1024 * 1024);
    await primary.writeData('big', value);
    await waitCaughtUp(primary, [secondary]);
    expect((await secondary.readData('big'))?.equals(value)).toBe(true);
  });

  it('original failure 19: without the shared token a peer gets an ERROR and no data', async () => {
    const [primaryStorage, goodStorage, badStorage] = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const logs = captureLogs('warn');
    const primary = await primaryOn(primaryStorage, { authToken: 'right token', logger: logs.logger });
    await primary.writeData('secret', 'do not leak');
    const raw = await rawConnect(portOf(primary));
    const from = `${raw.socket.localAddress ?? ''}:${raw.socket.localPort ?? 0}`;
    raw.socket.write(Buffer.concat([frameBytes(hello('intruder', null)), frameBytes(syncFromScratch)]));
    await raw.closed;
    expect(raw.frames()).toEqual([expect.objectContaining({ kind: 'error', code: 'auth' })]);
    expect(raw.received().includes(Buffer.from('secret'))).toBe(false);
    // The refusal is logged with the address it came from.
    const refusal = logs.records().find((record) => record.event === 'connectionClosed' && record.code === 'auth');
    expect(refusal).toMatchObject({ level: 40, address: from });
    const bad = startSecondary(portOf(primary), badStorage, { authToken: 'wrong token', runtimeLimits: { startupTimeoutMs: 1_000 } });
    await expect(bad).rejects.toThrow(ConnectionError);
    await expect(bad).rejects.toThrow(/authentication failed/);
    const good = await secondaryOf(portOf(primary), goodStorage, { authToken: 'right token' });
    expect((await good.readData('secret'))?.toString()).toBe('do not leak');
  });

  it('original failure 19: a secondary with a token refuses a primary that cannot prove it', async () => {
    const [primaryStorage, secondaryStorage] = [new MemoryStorage(), new MemoryStorage()];
    const impostor = await primaryOn(primaryStorage);
    await impostor.writeData('planted', 'from an impostor');
    const secondary = startSecondary(portOf(impostor), secondaryStorage, { authToken: 'right token', runtimeLimits: { startupTimeoutMs: 1_000 } }, { keepBackendOpen: true });
    await expect(secondary).rejects.toThrow(/asked for no token/);
    expect(await secondaryStorage.read('planted')).toBeUndefined();
  });

  const cert = selfSignedCert();
  it.skipIf(typeof cert === 'string')('original failure 19: over TLS the stream is encrypted and the primary authenticated', async () => {
    if (typeof cert === 'string') return;
    const [primaryStorage, secondaryStorage, strangerStorage] = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];
    const primary = await primaryOn(primaryStorage, { tls: { key: cert.key, cert: cert.cert } });
    await primary.writeData('secret', 'do not leak');
    const secondary = await secondaryOf(portOf(primary), secondaryStorage, { tls: { ca: cert.cert } });
    expect((await secondary.readData('secret'))?.toString()).toBe('do not leak');
    // Plain TCP gets no frame; a secondary that does not trust the certificate never syncs.
    const raw = await rawConnect(portOf(primary));
    raw.socket.write(Buffer.concat([frameBytes(hello('plain', null)), frameBytes(syncFromScratch)]));
    await raw.closed;
    expect(raw.received().includes(Buffer.from('secret'))).toBe(false);
    const stranger = startSecondary(portOf(primary), strangerStorage, { tls: {}, runtimeLimits: { startupTimeoutMs: 1_000 } });
    await expect(stranger).rejects.toThrow(/self-signed certificate|unable to verify/);
  });
  if (typeof cert === 'string') console.log(`skipping the TLS test: ${cert}`);
});
