import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { freePort } from '../support/redis-server.js';
import { captureLogs, type CapturedLogs } from './support/logs.js';
import { portOf, startPrimary, startSecondary, waitCaughtUp, waitUntil } from './support/nodes.js';
import { TcpProxy } from './support/tcp-proxy.js';

/** The close codes logged, in order. */
function closeCodes(logs: CapturedLogs): unknown[] {
  return logs.records().filter((record) => record['event'] === 'connectionClosed').map((record) => record['code']);
}

describe('close codes in the logs say what happened to a real socket', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a refused dial is connect_failed, not timeout', async () => {
    const logs = captureLogs();
    const start = startSecondary(await freePort(), new MemoryStorage(), { logger: logs.logger, runtimeLimits: { startupTimeoutMs: 300 } });
    await expect(start).rejects.toThrow(/ECONNREFUSED/);
    expect(closeCodes(logs)[0]).toBe('connect_failed');
    expect(closeCodes(logs)).not.toContain('timeout');
  });

  it('a secondary that takes smaller values than its primary accepts is refused at the handshake: limits, with the limit named, on both sides', async () => {
    const primaryLogs = captureLogs();
    const primary: NetworkSyncBackend = await startPrimary(new MemoryStorage(), { logger: primaryLogs.logger });
    cleanups.push(() => primary.close());
    const secondaryLogs = captureLogs();
    const start = startSecondary(portOf(primary), new MemoryStorage(), { logger: secondaryLogs.logger, limits: { valueBytesMax: 1_024 }, runtimeLimits: { startupTimeoutMs: 2_000 } });
    const settled = start.then(() => 'started', (error: unknown) => String(error));
    await waitUntil(() => closeCodes(primaryLogs).length > 0 && closeCodes(secondaryLogs).length > 0, 'both sides to log the refusal');
    expect(closeCodes(primaryLogs)[0]).toBe('limits');
    expect(closeCodes(secondaryLogs)[0]).toBe('limits');
    // The start gives up at its timeout, with the refusal as the reason.
    expect(await settled).toMatch(/takes less than this primary may send \(valueBytesMax 1024 < 8388608\)/);
  });

  it('a reset (RST) is logged as reset on both sides, not as shutdown', async () => {
    const primaryLogs = captureLogs();
    const secondaryLogs = captureLogs();
    const primary: NetworkSyncBackend = await startPrimary(new MemoryStorage(), { logger: primaryLogs.logger });
    cleanups.push(() => primary.close());
    const proxy = await TcpProxy.start(portOf(primary));
    cleanups.push(() => proxy.close());
    const secondary = await startSecondary(proxy.port, new MemoryStorage(), { logger: secondaryLogs.logger });
    cleanups.push(() => secondary.close());
    await primary.writeData('k', 'v');
    await waitCaughtUp(primary, [secondary]);

    proxy.reset();
    await waitUntil(() => closeCodes(primaryLogs).length > 0 && closeCodes(secondaryLogs).length > 0, 'both sides to see the reset');
    expect(closeCodes(primaryLogs)).toEqual(['reset']);
    expect(closeCodes(secondaryLogs)).toEqual(['reset']);
  });
});
