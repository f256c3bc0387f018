import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, DEFAULT_PERSISTED_LOG_LIMITS, DEFAULT_TIMING } from '../../../src/core/limits.js';
import { ConfigError } from '../../../src/core/errors.js';
import { resolveConfig } from '../../../src/runtime/config.js';

describe('resolveConfig', () => {
  it("keeps the original's defaults", () => {
    const config = resolveConfig('primary');
    expect(config).toMatchObject({ listenHost: '0.0.0.0', listenPort: 9000, primaryPort: 9000, admin: null, authToken: null });
    expect(config.timing.heartbeatIntervalMs).toBe(5_000);
    // Not the original's 10,000 entries: sized by bytes (see the README's flow control).
    expect(config.limits).toMatchObject({ logEntriesMax: 1_000_000, logBytesMax: 16 * 1024 * 1024 });
    // Not the original's JSON: binary data frames wherever the peer is willing too.
    expect(config.wireFormat).toBe('binary');
    expect(resolveConfig('primary', { wireFormat: 'json' }).wireFormat).toBe('json');
    // From JavaScript, or a config file: the type does not stop it.
    expect(() => resolveConfig('primary', { wireFormat: 'cbor' as 'json' })).toThrow(new ConfigError('wireFormat must be one of binary, binary-1, json, got cbor'));
  });

  it('resolves the operation log: the backend\'s place and always by default, a bad policy or limit refused', () => {
    expect(resolveConfig('primary').operationLog).toBeUndefined();
    expect(resolveConfig('primary', { operationLog: null }).operationLog).toBeNull();
    expect(resolveConfig('primary', { operationLog: {} }).operationLog).toMatchObject({ dir: null, fsync: 'always', limits: DEFAULT_PERSISTED_LOG_LIMITS });
    expect(() => resolveConfig('primary', { operationLog: { fsync: 'sometimes' as 'no' } })).toThrow(new ConfigError('operationLog.fsync must be one of always, everysec, no, got sometimes'));
    expect(() => resolveConfig('primary', { operationLog: { limits: { logSegmentBytesMax: 0 } } })).toThrow(ConfigError);
    const store = { where: 'nowhere', open: () => Promise.reject(new Error('unused')) };
    expect(resolveConfig('primary', { operationLog: { store } }).operationLog).toMatchObject({ dir: null, store });
    expect(() => resolveConfig('primary', { operationLog: { dir: '/tmp/x', store } })).toThrow(new ConfigError('operationLog takes a dir or a store, not both'));
  });

  it('takes heartbeatInterval in seconds and maxOperationLog as the log size, shrinking the pending writes with it', () => {
    const config = resolveConfig('primary', { heartbeatInterval: 0.5, maxOperationLog: 100 });
    expect(config.timing.heartbeatIntervalMs).toBe(500);
    expect(config.limits).toMatchObject({ logEntriesMax: 100, pendingWritesMax: 100 });
    expect(resolveConfig('primary', { heartbeatInterval: 1, timing: { heartbeatIntervalMs: 250 } }).timing.heartbeatIntervalMs).toBe(250);
    expect(resolveConfig('primary', { limits: { frameBytesMax: DEFAULT_LIMITS.frameBytesMax } }).limits).toEqual(DEFAULT_LIMITS);
    expect(resolveConfig('primary').timing).toEqual(DEFAULT_TIMING);
  });

  it.each([
    ['secondary', {}, 'primaryHost is required for a secondary'],
    ['primary', { mode: 'secondary' }, "config.mode 'secondary' disagrees with mode 'primary'"],
    ['primary', { listenPort: -1 }, 'listenPort must be an integer from 0 to 65535, got -1'],
    ['primary', { adminPort: 1.5 }, 'adminPort must be an integer from 0 to 65535, got 1.5'],
    ['primary', { broadcastAsync: false }, 'broadcastAsync: false is not supported: replication never blocks writers'],
    ['primary', { limits: { frameBytesMax: 1024 } }, 'frameBytesMax must hold the largest value'],
    ['secondary', { primaryHost: 'h', replicaId: '' }, 'replicaId must be a non-empty string'],
    ['primary', { authToken: '' }, 'authToken must be a non-empty string'],
    ['primary', { authToken: [] }, 'authToken must be a non-empty string, or a list of 1 to 8 of them'],
    ['primary', { authToken: ['a', ''] }, 'authToken must be a non-empty string, or a list of 1 to 8 of them'],
    ['secondary', { primaryHost: 'h', authToken: ['a', 'b'] }, 'authToken of a secondary is one token: only a primary takes a list'],
    ['primary', { tls: { ca: 'x' } }, 'tls on a primary needs key and cert'],
    ['primary', { tls: { key: 'k', cert: 'c', requestCert: true } }, "tls.requestCert needs tls.ca: the authority that signs the secondaries' certificates"],
    ['secondary', { primaryHost: 'h', tls: { ca: 'x', requestCert: true } }, "tls.requestCert is the primary's: a secondary gives its own key and cert"],
    ['secondary', { primaryHost: 'h', tls: { ca: 'x', cert: 'c' } }, 'tls.key and tls.cert go together'],
  ] as const)('refuses %s with %j', (mode, config, message) => {
    expect(() => resolveConfig(mode, config)).toThrow(new ConfigError(message));
  });
});
