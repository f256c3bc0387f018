/**
 * Mutual TLS on the replication link, with certificates made by openssl at test time: a secondary
 * must present a client certificate from the authority the primary trusts. One without a
 * certificate, or with one from another authority, never completes the handshake and never gets
 * a byte of data; the primary logs each refusal with the peer's address.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/core/errors.js';
import type { NetworkSyncConfig } from '../../src/runtime/config.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { captureLogs } from './support/logs.js';
import { portOf, startPrimary, startSecondary, waitUntil } from './support/nodes.js';
import { certificateAuthority } from './support/tls-cert.js';

const trusted = certificateAuthority('nadb-test-ca');
const other = certificateAuthority('nadb-other-ca');
const unavailable = [trusted, other].find((authority) => typeof authority === 'string');
if (unavailable !== undefined) console.log(`skipping the mutual TLS tests: ${unavailable}`);

/** Refused secondaries give up after this: the test waits on their refusal, not on a clock. */
const REFUSED_STARTUP_MS = 1_000;

describe.skipIf(unavailable !== undefined)('mutual TLS', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => {
    for (const authority of [trusted, other]) if (typeof authority !== 'string') authority.dispose();
  });

  async function mutualPrimary(): Promise<{ primary: NetworkSyncBackend; refusals: () => Record<string, unknown>[] }> {
    if (typeof trusted === 'string') throw new Error(trusted);
    const server = trusted.issue('primary');
    const logs = captureLogs('warn');
    const primary = await startPrimary(new MemoryStorage(), { tls: { key: server.key, cert: server.cert, ca: trusted.cert, requestCert: true }, logger: logs.logger });
    cleanups.push(async () => primary.close());
    await primary.writeData('secret', 'do not leak');
    return { primary, refusals: () => logs.records().filter((record) => record.event === 'tlsRefused') };
  }

  async function refused(port: number, config: NetworkSyncConfig): Promise<MemoryStorage> {
    const storage = new MemoryStorage();
    const secondary = startSecondary(port, storage, { ...config, runtimeLimits: { startupTimeoutMs: REFUSED_STARTUP_MS } }, { keepBackendOpen: true });
    await expect(secondary).rejects.toThrow(ConnectionError);
    return storage;
  }

  it('replicates to a secondary whose client certificate the primary\'s authority signed', async () => {
    if (typeof trusted === 'string') return;
    const { primary } = await mutualPrimary();
    const client = trusted.issue('replica-1');
    const secondary = await startSecondary(portOf(primary), new MemoryStorage(), { tls: { ca: trusted.cert, key: client.key, cert: client.cert } });
    cleanups.push(async () => secondary.close());
    expect((await secondary.readData('secret'))?.toString()).toBe('do not leak');
  });

  it('refuses a secondary without a client certificate, and logs its address', async () => {
    const { primary, refusals } = await mutualPrimary();
    const storage = await refused(portOf(primary), { tls: { ca: typeof trusted === 'string' ? '' : trusted.cert } });
    expect(await storage.read('secret')).toBeUndefined();
    await waitUntil(() => refusals().length > 0, 'the refusal to be logged');
    expect(refusals()[0]).toMatchObject({ level: 40, address: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1:\d+$/) as unknown });
  });

  it('refuses a secondary whose certificate another authority signed', async () => {
    if (typeof other === 'string' || typeof trusted === 'string') return;
    const { primary, refusals } = await mutualPrimary();
    const stranger = other.issue('replica-1');
    const storage = await refused(portOf(primary), { tls: { ca: trusted.cert, key: stranger.key, cert: stranger.cert } });
    expect(await storage.read('secret')).toBeUndefined();
    await waitUntil(() => refusals().length > 0, 'the refusal to be logged');
  });
});
