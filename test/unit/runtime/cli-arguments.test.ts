import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/cli/arguments.js';
import { parseEndpoint } from '../../../src/cli/endpoint.js';
import { parseStorageSpec } from '../../../src/cli/storage-spec.js';
import { UsageError } from '../../../src/cli/usage-error.js';

describe('nadb-repl arguments', () => {
  it('parses a primary, a secondary and stats', () => {
    expect(parseCommand(['primary', '--listen', '0.0.0.0:9000', '--storage', 'memory', '--admin', '127.0.0.1:9100'])).toEqual({
      kind: 'primary',
      listen: { host: '0.0.0.0', port: 9000 },
      maxOperationLog: undefined,
      storage: { kind: 'memory' },
      admin: { host: '127.0.0.1', port: 9100 },
      logLevel: 'info',
      wireFormat: 'binary',
    });
    expect(parseCommand(['secondary', '--primary', '[::1]:9000', '--storage', 'redis://127.0.0.1:6379/2', '--replica-id', 'r1', '--startup-timeout-ms', '500'])).toMatchObject({
      kind: 'secondary',
      primary: { host: '::1', port: 9000 },
      storage: { kind: 'redis', url: 'redis://127.0.0.1:6379/2' },
      replicaId: 'r1',
      startupTimeoutMs: 500,
      admin: null,
    });
    expect(parseCommand(['stats', '--node', 'localhost:9100'])).toEqual({ kind: 'stats', node: { host: 'localhost', port: 9100 } });
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
  });

  it('takes --wire-format binary or json, and refuses anything else', () => {
    const secondary = ['secondary', '--primary', 'localhost:9000', '--storage', 'memory'];
    expect(parseCommand([...secondary, '--wire-format', 'json'])).toMatchObject({ wireFormat: 'json' });
    expect(parseCommand([...secondary, '--wire-format', 'binary'])).toMatchObject({ wireFormat: 'binary' });
    expect(() => parseCommand([...secondary, '--wire-format', 'cbor'])).toThrow(UsageError);
  });

  it('resolves fs:DIR and aof:DIR to an absolute directory, with the fsync mode', () => {
    expect(parseStorageSpec('fs:data')).toMatchObject({ kind: 'fs', dir: expect.stringMatching(/^\/.*\/data$/), fsync: 'batch' });
    expect(parseStorageSpec('aof:data', 'never')).toMatchObject({ kind: 'aof', dir: expect.stringMatching(/^\/.*\/data$/), fsync: 'never' });
  });

  it.each(['host', 'host:', ':9000', 'host:65536', 'host:12x', 'a:b:9000'])('refuses the endpoint %j', (text) => {
    expect(() => parseEndpoint('--listen', text)).toThrow(UsageError);
  });

  it.each([
    [['stats'], '--node is required'],
    [['secondary', '--primary', 'h:1', '--storage', 'memory', 'extra'], "unexpected argument 'extra'"],
    [['primary', '--listen', 'h:1', '--storage', 'memory', '--log-level', 'loud'], "--log-level wants one of fatal, error, warn, info, debug, trace, silent, got 'loud'"],
    [['primary', '--listen', 'h:1', '--storage', 'redis://h'], '--storage wants memory, fs:DIR, aof:DIR or redis://HOST:PORT[/DB]'],
  ])('refuses %j', (args, message) => {
    expect(() => parseCommand(args)).toThrow(message);
  });
});
