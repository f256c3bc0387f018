/**
 * A primary that other hosts can reach, without TLS or a token, says so at start: in its log, and
 * as a process warning, since a library's logger is silent unless asked.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkSyncConfig } from '../../src/runtime/config.js';
import { INSECURE_LISTEN_WARNING_CODE } from '../../src/runtime/primary-node.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { captureLogs } from './support/logs.js';
import { startPrimary } from './support/nodes.js';
import { selfSignedCert } from './support/tls-cert.js';

/** The process warnings with our code and the insecureListen log records a primary started with `config` produced. */
async function warningsOfStart(config: NetworkSyncConfig): Promise<{ emitted: string[]; logged: unknown[] }> {
  const emitted: string[] = [];
  const onWarning = (warning: Error & { code?: string }): void => {
    if (warning.code === INSECURE_LISTEN_WARNING_CODE) emitted.push(warning.message);
  };
  process.on('warning', onWarning);
  const logs = captureLogs('warn');
  try {
    const primary = await startPrimary(new MemoryStorage(), { ...config, logger: logs.logger });
    await primary.close();
    // process.emitWarning delivers on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return { emitted, logged: logs.records().filter((record) => record.event === 'insecureListen') };
}

describe('a primary reachable from other hosts', () => {
  it('warns at start when it has neither TLS nor a token', async () => {
    const { emitted, logged } = await warningsOfStart({ listenHost: '0.0.0.0' });
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatch(/^primary listens on 0\.0\.0\.0, .*without TLS .* and without an auth token/);
    expect(logged).toMatchObject([{ level: 40, host: '0.0.0.0' }]);
  });

  it('warns when it has a token but no TLS', async () => {
    const { emitted } = await warningsOfStart({ listenHost: '0.0.0.0', authToken: 'secret' });
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).not.toMatch(/auth token/);
  });

  const cert = selfSignedCert();
  it.skipIf(typeof cert === 'string')('stays quiet with TLS and a token, and on loopback with neither', async () => {
    if (typeof cert === 'string') return;
    expect(await warningsOfStart({ listenHost: '0.0.0.0', authToken: 'secret', tls: { key: cert.key, cert: cert.cert } })).toEqual({ emitted: [], logged: [] });
    expect(await warningsOfStart({ listenHost: '127.0.0.1' })).toEqual({ emitted: [], logged: [] });
  });
});
