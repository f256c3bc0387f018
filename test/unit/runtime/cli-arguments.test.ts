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
      adminWrites: false,
      logFsync: 'always',
      storage: { kind: 'memory' },
      tls: null,
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
    expect(parseCommand(['primary', '--listen', '0.0.0.0:9000', '--storage', 'aof:/tmp/x', '--log-fsync', 'everysec'])).toMatchObject({ logFsync: 'everysec' });
    expect(() => parseCommand(['primary', '--listen', '0.0.0.0:9000', '--storage', 'aof:/tmp/x', '--log-fsync', 'often'])).toThrow(/--log-fsync wants one of always, everysec, no, got 'often'/);
    expect(() => parseCommand(['secondary', '--primary', '127.0.0.1:9000', '--storage', 'aof:/tmp/x', '--log-fsync', 'no'])).toThrow(UsageError);
    expect(parseCommand(['stats', '--node', 'localhost:9100'])).toEqual({ kind: 'stats', node: { host: 'localhost', port: 9100 } });
    expect(parseCommand(['--help'])).toEqual({ kind: 'help', verb: null });
  });

  it('parses promote, and a secondary that may be promoted: where it then listens, and admin writes', () => {
    expect(parseCommand(['promote', '--node', '127.0.0.1:9101'])).toEqual({ kind: 'promote', node: { host: '127.0.0.1', port: 9101 } });
    expect(parseCommand(['secondary', '--primary', '10.0.0.1:9000', '--storage', 'memory', '--admin', '127.0.0.1:9101', '--admin-writes', '--listen', '0.0.0.0:9001'])).toMatchObject({
      kind: 'secondary', listen: { host: '0.0.0.0', port: 9001 }, adminWrites: true,
    });
    expect(parseCommand(['secondary', '--primary', '10.0.0.1:9000', '--storage', 'memory'])).toMatchObject({ listen: null, adminWrites: false });
    expect(() => parseCommand(['secondary', '--primary', '10.0.0.1:9000', '--storage', 'memory', '--admin-writes'])).toThrow(/--admin-writes needs --admin HOST:PORT/);
    expect(() => parseCommand(['promote'])).toThrow(/--node is required/);
    expect(() => parseCommand(['promote', '--node', '127.0.0.1:9101', '--listen', '0.0.0.0:1'])).toThrow(/--listen does not apply to promote/);
  });

  it('parses TLS files: none, a primary\'s mutual TLS, a secondary\'s client certificate', () => {
    expect(parseCommand(['primary', '--listen', '0.0.0.0:9000', '--storage', 'memory'])).toMatchObject({ tls: null });
    expect(parseCommand(['primary', '--listen', '0.0.0.0:9000', '--storage', 'memory', '--tls-cert', 'c', '--tls-key', 'k', '--tls-ca', 'a', '--tls-require-client-cert'])).toMatchObject({
      tls: { cert: 'c', key: 'k', ca: 'a', requireClientCert: true },
    });
    expect(parseCommand(['secondary', '--primary', '10.0.0.1:9000', '--storage', 'memory', '--tls-ca', 'a'])).toMatchObject({ tls: { cert: null, key: null, ca: 'a', requireClientCert: false } });
    expect(() => parseCommand(['secondary', '--primary', '10.0.0.1:9000', '--storage', 'memory', '--tls-require-client-cert'])).toThrow(/does not apply to secondary/);
    expect(() => parseCommand(['secondary', '--primary', '10.0.0.1:9000', '--storage', 'memory', '--tls-cert', 'c'])).toThrow(/--tls-cert and --tls-key go together/);
  });

  it('parses the shell verbs: put, get, del, ls, status', () => {
    const node = { host: '127.0.0.1', port: 9100 };
    expect(parseCommand(['put', '--node', '127.0.0.1:9100', 'a/b', 'v', '--tag', 't1', '--tag', 't2', '--ttl', '1.5'])).toEqual({ kind: 'put', node, path: 'a/b', value: 'v', tags: ['t1', 't2'], ttlSeconds: 1.5 });
    expect(parseCommand(['get', '--node', '127.0.0.1:9100', 'a/b', '--wait-ms', '500'])).toEqual({ kind: 'get', node, path: 'a/b', waitMs: 500 });
    expect(parseCommand(['del', '--node', '127.0.0.1:9100', 'a/b'])).toEqual({ kind: 'del', node, path: 'a/b' });
    expect(parseCommand(['ls', '--node', '127.0.0.1:9100', '--prefix', 'a/'])).toEqual({ kind: 'ls', node, prefix: 'a/', tag: null });
    expect(parseCommand(['ls', '--node', '127.0.0.1:9100', '--tag', 't1'])).toEqual({ kind: 'ls', node, prefix: '', tag: 't1' });
    expect(parseCommand(['status', '--node', '127.0.0.1:9100', '--watch'])).toEqual({ kind: 'status', node, json: false, watchMs: 1_000 });
    expect(parseCommand(['status', '--node', '127.0.0.1:9100', '--json'])).toEqual({ kind: 'status', node, json: true, watchMs: null });
  });

  it('answers --help after any command with that command, and help VERB the same', () => {
    expect(parseCommand(['put', '--help'])).toEqual({ kind: 'help', verb: 'put' });
    expect(parseCommand(['status', '-h'])).toEqual({ kind: 'help', verb: 'status' });
    expect(parseCommand(['help', 'ls'])).toEqual({ kind: 'help', verb: 'ls' });
  });

  it('takes --wire-format binary, binary-1 or json, and refuses anything else', () => {
    const secondary = ['secondary', '--primary', 'localhost:9000', '--storage', 'memory'];
    expect(parseCommand([...secondary, '--wire-format', 'json'])).toMatchObject({ wireFormat: 'json' });
    expect(parseCommand([...secondary, '--wire-format', 'binary'])).toMatchObject({ wireFormat: 'binary' });
    expect(parseCommand([...secondary, '--wire-format', 'binary-1'])).toMatchObject({ wireFormat: 'binary-1' });
    expect(() => parseCommand([...secondary, '--wire-format', 'cbor'])).toThrow(new UsageError("--wire-format wants binary, binary-1, json, got 'cbor'"));
    expect(() => parseCommand([...secondary, '--wire-format', 'binary-2'])).toThrow(UsageError);
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
    [['put', '--node', 'h:1', 'path'], 'PATH VALUE are required'],
    [['get', '--node', 'h:1'], 'PATH is required'],
    [['get', '--node', 'h:1', 'a', 'b'], "unexpected argument 'b'"],
    [['put', '--node', 'h:1', 'k', 'v', '--ttl', '0'], "--ttl wants a positive number of seconds, got '0'"],
    [['ls', '--node', 'h:1', '--prefix', 'a', '--tag', 't'], 'ls takes --prefix P or --tag T, not both'],
    [['get', '--node', 'h:1', 'k', '--storage', 'memory'], '--storage does not apply to get'],
    [['primary', '--listen', 'h:1', '--storage', 'memory', '--admin-writes'], '--admin-writes needs --admin HOST:PORT'],
  ])('refuses %j', (args, message) => {
    expect(() => parseCommand(args)).toThrow(message);
  });
});
